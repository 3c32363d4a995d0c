package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first commands a new user copies, run as written: the README's, docs/integrity.md's script,
 * docs/operations.md's cron line and the systemd unit the README installs. Each is read from its
 * file (the block after a {@code <!-- The first commands: ... -->} marker, the unit's
 * {@code ExecStart=}), its paths put on a tree on a real ext4 filesystem, and run by a shell with
 * {@code fsnap} on the PATH. After the baseline, the tree changes and a byte of a file rots behind
 * ext4; the next night's command must report that file corrupt (exit 4), and every place that
 * shows the comparison's totals must show the same ones.
 */
class FirstCommandsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    /** The project's root, where the documents are. */
    private static final Path PROJECT = Path.of("..");

    /** What the night after the baseline finds: every entry that changed, counted once (docs/cli.md, Totals). */
    private static final Map<String, Long> EXPECTED = totals(
            3, // new/, new/a, new/b
            1, // docs/old.txt
            3, // docs/edit.txt, and the two directories whose times changed with their entries: docs/ and the root
            0, 1, 0);

    private static Map<String, Long> totals(long added, long removed, long modified, long moved, long corrupt,
                                            long tampered) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("added", added);
        m.put("removed", removed);
        m.put("modified", modified);
        m.put("moved", moved);
        m.put("corrupt", corrupt);
        m.put("tampered", tampered);
        m.put("changes", added + removed + modified + moved + corrupt + tampered);
        return m;
    }

    /** One document's first commands, with the places they name moved into the test's directory. */
    private final class Doc {
        final String name;
        final Path state;
        final Path metrics;
        final Path cwd;

        Doc(String name) throws IOException {
            this.name = name;
            Path home = Files.createDirectories(dir.resolve(name));
            this.state = home.resolve("var-lib-fsnap"); // not made: the commands make what they need
            this.metrics = Files.createDirectories(home.resolve("textfile")); // node_exporter's, there before
            this.cwd = Files.createDirectories(home.resolve("cwd"));
        }

        /** A command of the document with its paths on this machine. */
        String local(String command, Path root) {
            return command.replace("./fsnap ", "fsnap ")
                    .replaceAll("(?<![\\w./-])/data(?![\\w.-])", Matcher.quoteReplacement(root.toString()))
                    .replace("/var/lib/node_exporter/textfile", metrics.toString())
                    .replace("/var/lib/fsnap", state.toString());
        }

        /** Runs a shell script as the document's reader would, in its working directory. */
        CliTest.Run sh(String script) throws IOException, InterruptedException {
            ProcessBuilder b = new ProcessBuilder("sh", "-c", script).directory(cwd.toFile());
            b.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            b.environment().put("MAILBOX", dir.resolve(name + ".mail").toString());
            return CliTest.run(b);
        }
    }

    /** Where the test's {@code fsnap} and {@code mail} are. */
    private Path bin;

    @Test
    void theDocsFirstCommandsCatchAByteRottedBehindExt4AndAgreeOnTheTotals() throws Exception {
        installFsnap();
        // The mail a script sends lands in $MAILBOX: its subject, then what it read.
        executable(bin.resolve("mail"), "#!/bin/sh\n{ echo \"Subject: $2\"; cat; } >> \"$MAILBOX\"\n");

        Path root = Files.createDirectories(ext4.root().resolve("data"));
        Path victim = Files.write(root.resolve("victim"), "a".repeat(65536).getBytes(StandardCharsets.US_ASCII));
        Files.writeString(root.resolve("other"), "other");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/old.txt"), "old");
        Files.writeString(root.resolve("docs/edit.txt"), "first draft");
        Thread.sleep(2500); // out of the racy window: a baseline read in its own tick proves nothing

        List<String> readme = commands(block(PROJECT.resolve("README.md"), 0));
        List<String> cron = commands(block(PROJECT.resolve("docs/operations.md"), 0));
        String integrityBaseline = block(PROJECT.resolve("docs/integrity.md"), 0);
        String integrityScript = block(PROJECT.resolve("docs/integrity.md"), 1);
        String unit = execStart(PROJECT.resolve("dist/src/systemd/fsnap-check@.service"));

        // The first night of each: the baseline (the unit's first run in its repository is one).
        Doc r = new Doc("readme");
        Doc o = new Doc("operations");
        Doc i = new Doc("integrity");
        Doc u = new Doc("unit");
        // systemd makes the unit's StateDirectory= (/var/lib/fsnap, 0755) before it starts the command.
        assertTrue(Files.readAllLines(PROJECT.resolve("dist/src/systemd/fsnap-check@.service")).contains("StateDirectory=fsnap"));
        Files.createDirectories(u.state);
        Files.setPosixFilePermissions(u.state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(readme.get(0).startsWith("./fsnap scan ") && readme.get(1).startsWith("./fsnap check "), readme.toString());
        expect(0, r, r.local(readme.get(0), root));
        String cronBaseline = cron.stream().filter(c -> c.contains("fsnap scan ")).findFirst().orElseThrow();
        String cronNight = cronCommand(cron);
        expect(0, o, o.local(cronBaseline, root));
        expect(0, i, i.local(integrityBaseline, root));
        expect(0, u, u.local(unit, root));

        // The day: ordinary work, and a byte of one file rots on the disk (size, times, inode untouched).
        Files.createDirectories(root.resolve("new"));
        Files.writeString(root.resolve("new/a"), "a");
        Files.writeString(root.resolve("new/b"), "b");
        Files.delete(root.resolve("docs/old.txt"));
        Files.writeString(root.resolve("docs/edit.txt"), "second draft, longer");
        ext4.image().damage(victim, 40_000, 'b');
        assertTrue(Files.readString(victim).contains("b"), "the damage is seen through the filesystem");
        Thread.sleep(2500);

        // The next night, as each document runs it.
        CliTest.Run readmeNight = expect(4, r, r.local(readme.get(1), root));
        assertTrue(corrupt(readmeNight.out()), readmeNight.out());
        for (String rest : readme.subList(2, readme.size())) { // diff, ls, verify of the two snapshots
            expect(rest.startsWith("./fsnap diff ") ? 4 : 0, r, r.local(rest, root));
        }

        CliTest.Run cronNightRun = expect(4, o, o.local(cronNight, root));
        assertTrue(corrupt(cronNightRun.out()), "cron mails what -q prints: " + cronNightRun.out());

        CliTest.Run script = i.sh(i.local(integrityScript, root));
        assertEquals(0, script.status(), script.out() + script.err());
        String mail = Files.readString(dir.resolve("integrity.mail"));
        assertTrue(mail.startsWith("Subject: fsnap: corruption on "), mail);
        assertTrue(corrupt(mail) && mail.contains(" CORRUPT, 0 TAMPERED"),
                "the mail holds the report and the summary the script wrote: " + mail);

        CliTest.Run unitNight = expect(4, u, u.local(unit, root));
        assertTrue(corrupt(unitNight.out()), unitNight.out());

        // One set of totals: the text report, the stderr summary, history, the metrics and the page.
        assertEquals(EXPECTED, fromText(unitNight.out()), "the text report: " + unitNight.out());
        assertEquals(EXPECTED, fromSummary(unitNight.err()), "the stderr summary: " + unitNight.err());
        CliTest.Run history = CliTest.fsnap("history", u.state.toString());
        assertEquals(0, history.status(), history.err());
        String lastRun = history.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        Map<String, Long> expectedHistory = new LinkedHashMap<>(EXPECTED);
        expectedHistory.remove("changes"); // history lists the kinds
        assertEquals(expectedHistory, fromHistory(lastRun), "history: " + history.out());
        Path prom = u.metrics.resolve("fsnap-data.prom");
        assertEquals(EXPECTED, fromMetrics(Files.readString(prom)), Files.readString(prom));
        Path page = u.state.resolve("data.html");
        assertEquals(EXPECTED, fromPage(Files.readString(page)), "the page's totals");
        // and the cron line's report, page and metrics, the same comparison's
        assertEquals(EXPECTED, fromText(cronNightRun.out()), cronNightRun.out());
        assertEquals(EXPECTED, fromPage(Files.readString(o.state.resolve("data.html"))));
        assertEquals(EXPECTED, fromMetrics(Files.readString(o.metrics.resolve("fsnap.prom"))));
    }

    @Test
    void theCronLinesFirstNightWithoutItsBaselineSaysHowToMakeOneThatHoldsContent() throws Exception {
        installFsnap();
        Path root = Files.createDirectories(ext4.root().resolve("data"));
        Files.writeString(root.resolve("file"), "content");
        Doc o = new Doc("operations");
        Files.createDirectories(o.state);
        String cronNight = cronCommand(commands(block(PROJECT.resolve("docs/operations.md"), 0)));
        CliTest.Run first = expect(2, o, o.local(cronNight, root));
        String hint = "make a new baseline: fsnap scan " + root + " --digest -o " + o.state.resolve("data.snap");
        assertTrue(first.err().contains(hint), first.err());
        expect(0, o, hint.substring(hint.indexOf("fsnap scan")));
        expect(0, o, o.local(cronNight, root));
    }

    /** Puts this build's command line on the test's PATH as {@code fsnap}, as the README's link does. */
    private void installFsnap() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("fsnap"), "#!/bin/sh\nexec " + String.join(" ", CliTest.command().stream()
                .map(FirstCommandsTest::quoted).toList()) + " \"$@\"\n");
    }

    /** The command of a block's crontab line: the line without its five time fields. */
    private static String cronCommand(List<String> commands) {
        return commands.stream().filter(c -> c.matches("[0-9]+ [0-9]+ \\* \\* \\* .*")).findFirst().orElseThrow()
                .replaceFirst("^([^ ]+ +){5}", "");
    }

    /** Whether a text report has the rotted file as corrupt. */
    private static boolean corrupt(String report) {
        return report.lines().anyMatch(l -> l.startsWith("  C victim  ") && l.contains("CORRUPT: content changed"));
    }

    /** Runs a command of a document and checks its exit status. */
    private static CliTest.Run expect(int status, Doc d, String command) throws IOException, InterruptedException {
        CliTest.Run run = d.sh(command);
        assertEquals(status, run.status(), d.name + ": " + command + "\n" + run.out() + run.err());
        return run;
    }

    /**
     * @param file a markdown document
     * @param n which indented block after the first-commands marker, from 0
     * @return the block's text, its indentation removed
     */
    static String block(Path file, int n) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int at = 0;
        while (at < lines.size() && !lines.get(at).startsWith("<!-- The first commands:")) {
            at++;
        }
        assertTrue(at < lines.size(), file + " has no first-commands marker");
        for (int k = 0; ; k++) {
            while (at < lines.size() && !lines.get(at).startsWith("    ")) {
                at++;
            }
            assertTrue(at < lines.size(), file + ": no block " + n + " after the marker");
            StringBuilder b = new StringBuilder();
            while (at < lines.size() && (lines.get(at).startsWith("    ") || lines.get(at).isBlank())) {
                b.append(lines.get(at).length() >= 4 ? lines.get(at).substring(4) : "").append('\n');
                at++;
            }
            if (k == n) {
                return b.toString().strip() + "\n";
            }
        }
    }

    /** The commands of a block: continuation lines joined, comments and blank lines left out. */
    static List<String> commands(String block) {
        List<String> out = new ArrayList<>();
        for (String line : block.replace("\\\n", " ").split("\n")) {
            String c = line.startsWith("#") ? "" : line.replaceAll("\\s+#.*$", "").replaceAll("\\s+", " ").strip();
            if (!c.isEmpty()) {
                out.add(c);
            }
        }
        return out;
    }

    /** The unit's command for the instance {@code data} (the root {@code /data}). */
    private static String execStart(Path unit) throws IOException {
        String line = Files.readAllLines(unit).stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        return line.substring("ExecStart=".length()).replace("/usr/local/bin/fsnap ", "fsnap ")
                .replace("/%I", "/data").replace("%i", "data");
    }

    private static Map<String, Long> fromText(String report) {
        Map<String, Long> m = zero();
        for (String line : report.lines().toList()) {
            Matcher row = Pattern.compile("  (added|removed|modified|moved|corrupt|tampered) +([0-9]+)\\b.*").matcher(line);
            if (row.matches()) {
                m.put(row.group(1), Long.parseLong(row.group(2)));
            }
            Matcher head = Pattern.compile(".*, scanned .* against .*: ([0-9]+) changes?").matcher(line);
            if (head.matches()) {
                m.put("changes", Long.parseLong(head.group(1)));
            }
        }
        return m;
    }

    private static Map<String, Long> fromSummary(String err) {
        String line = err.lines().filter(l -> l.matches("fsnap: [0-9]+ added, .*")).findFirst().orElseThrow();
        Map<String, Long> m = zero();
        Matcher k = Pattern.compile("([0-9]+) (added|removed|modified|moved|CORRUPT|TAMPERED|changes?)\\b").matcher(line);
        while (k.find()) {
            m.put(k.group(2).toLowerCase(java.util.Locale.ROOT).replaceAll("^change$", "changes"), Long.parseLong(k.group(1)));
        }
        return m;
    }

    private static Map<String, Long> fromHistory(String run) {
        Map<String, Long> m = zero();
        m.remove("changes");
        Matcher k = Pattern.compile("([0-9]+) (added|removed|modified|moved|corrupt|tampered)\\b").matcher(run);
        while (k.find()) {
            m.put(k.group(2), Long.parseLong(k.group(1)));
        }
        return m;
    }

    private static Map<String, Long> fromMetrics(String prom) {
        Map<String, Long> m = zero();
        long sum = 0;
        Matcher k = Pattern.compile("fsnap_changes\\{[^}]*kind=\"([a-z]+)\"} ([0-9]+)").matcher(prom);
        while (k.find()) {
            long n = Long.parseLong(k.group(2));
            if (m.containsKey(k.group(1))) {
                m.put(k.group(1), n);
            }
            if (!k.group(1).equals("racy")) {
                sum += n;
            }
        }
        m.put("changes", sum); // the headline is every kind but racy
        return m;
    }

    /** The totals the page shows: its data's, which its table prints (cli.HtmlReportTest reads the table). */
    private static Map<String, Long> fromPage(String html) {
        Matcher t = Pattern.compile("\"totals\":\\{([^}]*)}").matcher(html);
        assertTrue(t.find(), "the page carries its totals");
        Map<String, Long> m = zero();
        Matcher k = Pattern.compile("\"([a-z]+)\":([0-9]+)").matcher(t.group(1));
        while (k.find()) {
            if (m.containsKey(k.group(1))) {
                m.put(k.group(1), Long.parseLong(k.group(2)));
            }
        }
        return m;
    }

    private static Map<String, Long> zero() {
        return totals(0, 0, 0, 0, 0, 0);
    }

    private static String quoted(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
