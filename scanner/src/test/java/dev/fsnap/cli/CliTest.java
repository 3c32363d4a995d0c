package dev.fsnap.cli;

import dev.fsnap.cli.console.Console;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line as a user runs it: its exit status, stdout and stderr. {@link #fsnap} runs it in
 * this JVM through a console of its own (as {@code Main.main} does with the process's streams), so
 * many run at once; {@link #fsnapProcess} in a JVM of its own, for what is about the process.
 */
class CliTest {
    @TempDir
    Path dir;

    record Run(int status, String out, byte[] rawOut, String err) {
    }

    /** The command that runs this build's command line in a JVM of its own, with these arguments. */
    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(Arrays.asList(args));
        return command;
    }

    /**
     * The changes of a report, one line each, sorted, racy entries and markers aside: tests change
     * files within their scans' windows.
     */
    static List<String> changes(String report) {
        return report.lines().filter(l -> !l.startsWith("? ")).map(l -> l.replace("  [racy in new]", "")).sorted()
                .toList();
    }

    /** Runs a bash script with arguments ($1, ...); its exit status, its output appended to {@code out}. */
    static int sh(String script, StringBuilder out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return p.waitFor();
    }

    /** Runs a bash script with arguments, its output dropped; its exit status. */
    static int sh(String script, String... args) throws IOException, InterruptedException {
        return sh(script, new StringBuilder(), args);
    }

    /** Runs the command line in this JVM, stdin untouched, and collects its status and both outputs. */
    static Run fsnap(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(Console.of(out, err), args);
        byte[] o = out.toByteArray();
        return new Run(status, new String(o, StandardCharsets.UTF_8), o, err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Runs the command line in a JVM of its own: for what is about the process (signals, its exit
     * while a thread is stuck in the kernel, descriptors it leaves, locks held by a process).
     */
    static Run fsnapProcess(String... args) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command(args)));
    }

    /** Runs a process to its end, stdin empty, and collects its status and both outputs. */
    static Run run(ProcessBuilder b) throws IOException, InterruptedException {
        Process p = b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "fsnap did not finish");
        byte[] o = out.join();
        return new Run(p.exitValue(), new String(o, StandardCharsets.UTF_8), o,
                new String(err.join(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aCompleteScanExitsZeroWithAOneLineSummary() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 10).file("c", 0).root();
        Run r = fsnap("scan", root.toString(), "--threads", "2");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("fsnap: 4 entries, 2 directories, 0 errors, "), lines[0]);
        assertTrue(lines[0].contains("entries/s, backend native (automatic), 2 threads"), lines[0]);
        assertFalse(r.err().contains("\r"), "no progress line when stderr is not a terminal");
    }

    @Test
    void theNioBackendIsNamedInTheSummary() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("x", 1).root();
        Run r = fsnap("scan", root.toString(), "--backend", "nio");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("backend nio (requested)"), r.err());
    }

    @Test
    void jsonHasOneObjectPerEntryAndKeepsNonUtf8NamesExact() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("plain.txt", 3).symlink("link", "plain.txt")
                .file("quote\"and\\slash", 1).root();
        // A name that is not UTF-8: bytes 0xff 0xfe. Java cannot make it; the shell can.
        Process touch = new ProcessBuilder("bash", "-c", "cd \"$1\" && touch $'bad\\xff\\xfename'", "_",
                root.toString()).start();
        assertEquals(0, touch.waitFor());
        Run r = fsnap("scan", root.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"path\":\".\",\"type\":\"dir\",")), r.out());
        String link = lines.stream().filter(l -> l.contains("\"path\":\"link\"")).findFirst().orElseThrow();
        assertTrue(link.contains("\"type\":\"symlink\"") && link.endsWith(",\"target\":\"plain.txt\"}"), link);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"path\":\"quote\\\"and\\\\slash\"")), r.out());
        String bad = lines.stream().filter(l -> l.contains("path_b64")).findFirst().orElseThrow();
        String b64 = bad.substring(bad.indexOf("\"path_b64\":\"") + 12, bad.indexOf('"', bad.indexOf("\"path_b64\":\"") + 12));
        assertArrayEquals(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, 'n', 'a', 'm', 'e'},
                Base64.getDecoder().decode(b64));
        String plain = lines.stream().filter(l -> l.contains("\"path\":\"plain.txt\"")).findFirst().orElseThrow();
        for (String field : List.of("\"type\":\"file\"", "\"size\":3", "\"mtime_ns\":", "\"ctime_ns\":", "\"ino\":",
                "\"dev\":", "\"mode\":33188", "\"uid\":", "\"gid\":", "\"nlink\":1")) {
            assertTrue(plain.contains(field), field + " in " + plain);
        }
    }

    @Test
    void unreadableEntriesGoToStderrAndExitThree() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).dir("real").symlink("real/up", "..").root();
        Run r = fsnap("scan", root.toString(), "--follow");
        assertEquals(3, r.status(), r.err());
        assertTrue(r.err().contains("fsnap: " + root + "/real/up: Filesystem loop"), r.err());
        assertTrue(r.err().contains(" 1 errors,"), r.err());
    }

    /** ls says a snapshot is not whole as the scan that wrote it did: 0 promises every entry was read. */
    @Test
    void lsOfASnapshotWithUnreadableEntriesExitsThreeAsItsScanDid() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).dir("real").file("real/f", 1).symlink("real/up", "..").root();
        Path snap = dir.resolve("t.snap");
        assertEquals(3, fsnap("scan", root.toString(), "--follow", "-o", snap.toString()).status());
        Run ls = fsnap("ls", snap.toString());
        assertEquals(3, ls.status(), ls.err());
        assertTrue(ls.out().lines().anyMatch(l -> l.endsWith(" real/f")), "every entry read is listed: " + ls.out());
        assertTrue(ls.err().startsWith("fsnap: " + root + "/real/up: Filesystem loop"), ls.err());
        assertTrue(ls.err().contains(": 4 entries, 1 unreadable, "), ls.err());

        Path whole = dir.resolve("whole.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", whole.toString()).status());
        Run fine = fsnap("ls", whole.toString());
        assertEquals(0, fine.status(), fine.err());
    }

    @Test
    void unusableRootsExitTwoWithAMessageNamingThem() throws Exception {
        Path missing = dir.resolve("missing");
        Run r = fsnap("scan", missing.toString());
        assertEquals(2, r.status());
        assertEquals("fsnap: " + missing + ": no such file or directory\n", r.err());

        Path file = Files.write(dir.resolve("file"), new byte[1]);
        r = fsnap("scan", file.toString());
        assertEquals(2, r.status());
        assertEquals("fsnap: " + file + ": not a directory\n", r.err());

        r = fsnap("scan", "");
        assertEquals(2, r.status());
        assertEquals("fsnap: ROOT is empty: name a directory to scan\n", r.err());
    }

    @Test
    void badUsageExitsTwo() throws Exception {
        Run r = fsnap("scan", dir.toString(), "--threads", "0");
        assertEquals(2, r.status());
        assertEquals("fsnap: Invalid value for option '--threads': must be between 1 and 1024, not 0 (leave it out for "
                + "automatic)\nTry 'fsnap scan --help'.\n", r.err());

        r = fsnap("scan", dir.toString(), "--backend", "fast");
        assertEquals(2, r.status());
        assertEquals("fsnap: --backend must be native, nio or auto, not 'fast'\n", r.err());

        r = fsnap("scan", dir.toString(), "--no-such-option");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fsnap: Unknown option: '--no-such-option'"), r.err());

        r = fsnap("scan");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fsnap: Missing required parameter: 'ROOT'"), r.err());

        r = fsnap();
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fsnap: a command is required"), r.err());
    }

    @Test
    void helpAndVersionExitZero() throws Exception {
        Run r = fsnap("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("fsnap 0."), r.out());
        r = fsnap("scan", "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("--threads=N") && r.out().contains("Exit status:"), r.out());
    }

    @Test
    void aSnapshotListsAsTheScanSawIt() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 10).symlink("l", "a/b").file("c", 0).root();
        assertEquals(0, new ProcessBuilder("bash", "-c", "touch \"$1\"/$'not\\xfftext'", "_", root.toString()).start()
                .waitFor());
        Path snap = dir.resolve("s");
        Run scan = fsnap("scan", root.toString(), "--json", "-o", snap.toString());
        assertEquals(0, scan.status(), scan.err());
        Run ls = fsnap("ls", snap.toString(), "--json");
        assertEquals(0, ls.status(), ls.err());
        assertEquals(scan.out().lines().sorted().toList(), ls.out().lines().toList(), "ls is in path order");
        assertTrue(ls.out().contains("\"path_b64\":\"" + Base64.getEncoder().encodeToString(
                new byte[] {'n', 'o', 't', (byte) 0xff, 't', 'e', 'x', 't'}) + "\""), ls.out());
        assertTrue(ls.err().startsWith("fsnap: snapshot of " + root + " taken "), ls.err());
        Run human = fsnap("ls", snap.toString());
        assertEquals(0, human.status(), human.err());
        assertTrue(human.out().contains(" l -> a/b\n"), human.out());
    }

    @Test
    void diffFollowsTheDiffConvention() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("keep", 1).file("gone", 1).root();
        Path s1 = dir.resolve("s1");
        Path s2 = dir.resolve("s2");
        assertEquals(0, fsnap("scan", root.toString(), "-o", s1.toString()).status());
        Run same = fsnap("diff", "--format", "lines", s1.toString(), s1.toString());
        assertEquals(0, same.status(), same.err());
        assertTrue(same.out().lines().allMatch(l -> l.startsWith("? ")), "at most racy entries: " + same.out());
        assertTrue(same.err().startsWith("fsnap: 0 added, 0 removed, 0 modified, 0 moved, 0 unreadable, "),
                same.err());

        Files.delete(root.resolve("gone"));
        Files.write(root.resolve("new\nline"), new byte[1]);
        assertEquals(0, fsnap("scan", root.toString(), "-o", s2.toString()).status());
        Run d = fsnap("diff", "--format", "lines", s1.toString(), s2.toString());
        assertEquals(1, d.status(), d.err());
        assertTrue(d.out().lines().anyMatch(l -> l.equals("- gone")), d.out());
        assertTrue(d.out().contains("+ new\\nline"), "a newline in a name is escaped, not a new line: " + d.out());
        Run j = fsnap("diff", s1.toString(), s2.toString(), "--json");
        assertEquals(1, j.status());
        assertTrue(j.out().contains("{\"op\":\"removed\",\"path\":\"gone\",\"old\":{\"path\":\"gone\",\"type\":\"file\","),
                j.out());
        assertTrue(j.out().contains("{\"op\":\"added\",\"path\":\"new\\nline\""), j.out());

        byte[] b = Files.readAllBytes(s2);
        b[b.length / 2] ^= 1;
        Path bad = Files.write(dir.resolve("bad"), b);
        Run corrupt = fsnap("diff", "--format", "lines", s1.toString(), bad.toString());
        assertEquals(2, corrupt.status());
        assertTrue(corrupt.err().startsWith("fsnap: " + bad + ": corrupt snapshot at byte offset "), corrupt.err());

        Run missing = fsnap("diff", "--format", "lines", s1.toString(), dir.resolve("nope").toString());
        assertEquals(2, missing.status());
        assertEquals("fsnap: " + dir.resolve("nope") + ": no such file or directory\n", missing.err());
        Run text = fsnap("diff", "--format", "lines", s1.toString(), Files.writeString(dir.resolve("txt"), "hello").toString());
        assertEquals(2, text.status());
        assertTrue(text.err().contains("not an fsnap snapshot"), text.err());
    }

    @Test
    void checkScansAndComparesInOneRun() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path night1 = dir.resolve("n1");
        assertEquals(0, fsnap("scan", root.toString(), "-o", night1.toString()).status());
        Files.write(root.resolve("b"), new byte[1]);
        Path night2 = dir.resolve("n2");
        Run c = fsnap("check", "--format", "lines", root.toString(), "--against", night1.toString(), "-o", night2.toString());
        assertEquals(1, c.status(), c.err());
        assertTrue(c.out().lines().anyMatch(l -> l.equals("+ b") || l.startsWith("+ b  ")), c.out());
        assertTrue(Files.exists(night2));
        Run again = fsnap("check", "--format", "lines", root.toString(), "--against", night2.toString(), "-o", night2.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().lines().allMatch(l -> l.startsWith("? ")), "at most racy entries: " + again.out());

        Path damaged = Files.writeString(dir.resolve("damaged"), "not a snapshot");
        Path never = dir.resolve("never");
        Run bad = fsnap("check", "--format", "lines", root.toString(), "--against", damaged.toString(), "-o", never.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains(damaged + ": corrupt snapshot"), bad.err());
        assertFalse(Files.exists(never), "a damaged OLD stops the job before it scans");
    }

    @Test
    void aSnapshotThatCannotBeWrittenExitsTwo() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path nowhere = dir.resolve("no/such/dir/snap");
        Run r = fsnap("scan", root.toString(), "-o", nowhere.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("fsnap: " + nowhere + ": cannot write a snapshot there: "), r.err());
    }
}
