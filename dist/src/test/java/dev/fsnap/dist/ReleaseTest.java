package dev.fsnap.dist;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The release archive as a user installs it: unpacked, made read-only, and run where Maven is not
 * on the PATH (only java, bash and the few commands the launcher uses are): scan, check --repo and
 * tune work, what the launcher prepares goes to the user's cache, and the systemd units pass
 * {@code systemd-analyze verify} where the tool exists.
 */
class ReleaseTest {
    @TempDir
    Path dir;

    private record Run(int status, String out) {
    }

    /** Runs a command with the given PATH and HOME, stdout and stderr together. */
    private static Run run(Path bin, Path home, String... command) throws IOException, InterruptedException {
        return run(Map.of("PATH", bin.toString(), "HOME", home.toString()), command);
    }

    /** Runs a command with only the given environment (as {@code env -i} would), stdout and stderr together. */
    private static Run run(Map<String, String> environment, String... command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = b.environment();
        env.clear();
        env.putAll(environment);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        return new Run(p.exitValue(), out);
    }

    /** What no run of the launcher may end with: exit 1 means "changes"; a stack trace is no message. */
    private static void assertNoLauncherFailure(Run r) {
        assertTrue(r.status() != 1 && !r.out().contains("\tat ") && !r.out().contains("Exception"), r.out());
    }

    /** A PATH with java, bash and what the launcher calls: no mvn, no git. */
    private Path pathWithoutMaven() throws IOException {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(ProcessHandle.current().info().command().orElseThrow()));
        for (String tool : List.of("bash", "env", "dirname", "readlink", "cksum", "cut", "mkdir", "mktemp", "rm",
                "cat", "uname")) {
            Path found = Stream.of("/usr/bin", "/bin").map(d -> Path.of(d, tool)).filter(Files::isExecutable)
                    .findFirst().orElseThrow(() -> new AssertionError(tool + " not found"));
            Files.createSymbolicLink(bin.resolve(tool), found);
        }
        return bin;
    }

    private static int sh(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    /** The release archive unpacked into {@code dir/opt}: its top directory, {@code fsnap-VERSION}. */
    private Path unpack() throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("fsnap.release"));
        assertTrue(Files.isRegularFile(archive), archive + " was built");
        Path install = Files.createDirectory(dir.resolve("opt"));
        assertEquals(0, sh("tar -xzf \"$1\" -C \"$2\"", archive.toString(), install.toString()));
        try (Stream<Path> s = Files.list(install)) {
            return s.findFirst().orElseThrow();
        }
    }

    /**
     * Makes the unpacked release read-only as an installed package is, also for root: a read-only
     * bind mount of it (root ignores permission bits). Closing undoes it.
     */
    private AutoCloseable readOnly(Path top) throws IOException, InterruptedException {
        Path install = top.getParent();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertEquals(0, sh("mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\"", install.toString()));
        } else {
            assertEquals(0, sh("chmod -R a-w \"$1\"", install.toString()));
        }
        return () -> sh(root ? "umount \"$1\" || umount -l \"$1\"" : "chmod -R u+w \"$1\"", install.toString());
    }

    @Test
    void theUnpackedReadOnlyArchiveScansChecksIntoARepositoryAndTunesWithoutMaven() throws Exception {
        Path top = unpack();
        assertTrue(top.getFileName().toString().startsWith("fsnap-"), top.toString());
        for (String f : List.of("bin/fsnap", "lib/fsnap.jar", "README", "share/man/man1/fsnap.1",
                "share/man/man1/fsnap-check.1", "share/bash-completion/completions/fsnap",
                "share/fsnap/systemd/fsnap-check@.service", "share/fsnap/systemd/fsnap-check@.timer")) {
            assertTrue(Files.exists(top.resolve(f)), f);
        }
        assertTrue(Files.isExecutable(top.resolve("bin/fsnap")));
        try (AutoCloseable mounted = readOnly(top)) {
            runUnpacked(top);
        }
    }

    /**
     * The jar keeps of Bouncy Castle only what the signature code reaches (its pom says which
     * classes): every class that code reaches is in the jar, as jdeps finds it, and the released
     * command signs with an encrypted key (scrypt, BLAKE2b, Ed25519) and verifies.
     */
    @Test
    void theJarHoldsEveryBouncyCastleClassTheSignatureCodeReachesAndSigns() throws Exception {
        Path top = unpack();
        Path jar = top.resolve("lib/fsnap.jar");
        Path classes = Files.createDirectories(dir.resolve("signature"));
        assertEquals(0, sh("cd \"$1\" && \"$3\" xf \"$2\" dev/fsnap/signature", classes.toString(), jar.toString(),
                Path.of(System.getProperty("java.home"), "bin", "jar").toString()));
        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Run deps = run(Map.of("PATH", "/usr/bin:/bin"), jdeps.toString(), "--multi-release", "17", "-R",
                "-verbose:class", "-cp", jar.toString(), classes.resolve("dev/fsnap/signature").toString());
        assertEquals(0, deps.status(), deps.out());
        List<String> missing = deps.out().lines().filter(l -> l.contains("org.bouncycastle") && l.contains("not found"))
                .toList();
        assertEquals(List.of(), missing, "Bouncy Castle classes the jar lacks (add them to scanner/pom.xml's filter)");
        assertTrue(deps.out().contains("org.bouncycastle.crypto.generators.SCrypt"), "jdeps saw the scrypt code");

        Path bin = pathWithoutMaven();
        Path home = Files.createDirectory(dir.resolve("home"));
        Path tree = Files.createDirectories(dir.resolve("data"));
        Files.writeString(tree.resolve("a"), "a");
        String fsnap = top.resolve("bin/fsnap").toString();
        Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", home.toString());
        Run key = run(env, "bash", "-c", "printf 'pw\\n' | \"$0\" key new --public \"$1\" --secret \"$2\" --passphrase-fd 0",
                fsnap, dir.resolve("k.pub").toString(), dir.resolve("k.key").toString());
        assertEquals(0, key.status(), key.out());
        Run sign = run(env, "bash", "-c", "printf 'pw\\n' | \"$0\" scan \"$1\" -o \"$2\" --sign-key \"$3\" --passphrase-fd 0",
                fsnap, tree.toString(), dir.resolve("a.snap").toString(), dir.resolve("k.key").toString());
        assertEquals(0, sign.status(), sign.out());
        Run verify = run(env, fsnap, "verify", dir.resolve("a.snap").toString(), "--trust-key", dir.resolve("k.pub").toString());
        assertEquals(0, verify.status(), verify.out());
        assertNoLauncherFailure(verify);
    }

    private void runUnpacked(Path top) throws Exception {

        Path bin = pathWithoutMaven();
        Path home = Files.createDirectory(dir.resolve("home"));
        Path tree = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(tree.resolve("a"), "a");
        String fsnap = top.resolve("bin/fsnap").toString();

        assertEquals(127, run(bin, home, "bash", "-c", "command -v mvn || exit 127").status(), "no mvn here");
        Run scan = run(bin, home, fsnap, "scan", tree.getParent().toString());
        assertEquals(0, scan.status(), scan.out());
        assertTrue(scan.out().contains("fsnap: 3 entries, 2 directories, 0 errors"), scan.out());
        Path repo = dir.resolve("repo");
        Run first = run(bin, home, fsnap, "check", tree.getParent().toString(), "--repo", repo.toString());
        assertEquals(0, first.status(), first.out());
        Files.writeString(tree.resolve("b"), "b");
        Run second = run(bin, home, fsnap, "check", tree.getParent().toString(), "--repo", repo.toString());
        assertEquals(1, second.status(), second.out());
        assertTrue(second.out().contains("  + b  1 B"), second.out());
        Run tune = run(bin, home, fsnap, "tune", tree.getParent().toString(), "--budget", "2s");
        assertEquals(0, tune.status(), tune.out());
        assertTrue(tune.out().contains("recommend"), tune.out());
        try (Stream<Path> s = Files.walk(home.resolve(".cache/fsnap"))) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals("fsnap.jsa")),
                    "the class-data archive went to the user's cache, the install being read-only");
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** dir/data: a directory and a file. */
    private Path tree() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(tree.resolve("a"), "a");
        return tree.getParent();
    }

    /**
     * Checks {@code tree} into a new repository twice, with the environment and the command
     * before the launcher ({@code setpriv}, a shell that closes descriptors) given: both runs exit 0,
     * the second finding no changes, and what the launcher says is no failure of its own.
     */
    private void checksTwice(Map<String, String> env, Path tree, Path repo, String... launcher) throws Exception {
        List<String> command = new ArrayList<>(List.of(launcher));
        command.addAll(List.of("check", tree.toString(), "--repo", repo.toString()));
        Run first = run(env, command.toArray(String[]::new));
        assertNoLauncherFailure(first);
        assertEquals(0, first.status(), first.out());
        assertTrue(first.out().contains("the first run of " + tree), first.out());
        Run second = run(env, command.toArray(String[]::new));
        assertEquals(0, second.status(), second.out());
        assertTrue(second.out().contains("0 added, 0 removed, 0 modified, 0 moved"), second.out());
        for (String failure : List.of("mkdir", "unbound variable", "Bad file descriptor", "launcher failed")) {
            assertTrue(!first.out().contains(failure) && !second.out().contains(failure), first.out() + second.out());
        }
    }

    /**
     * A service user whose HOME does not exist (Debian's system users have /nonexistent) and who
     * cannot write the install: the launcher has nowhere to keep what it prepares and runs without
     * it. It used to stop at creating its cache directory with exit 1, which the shipped unit counts
     * as a night of changes, and wrote no metrics.
     */
    @Test
    void aServiceUserWhoseHomeDoesNotExistChecksIntoARepositoryWithMetrics() throws Exception {
        Assumptions.assumeTrue(root() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root and setpriv");
        Path top = unpack();
        assertEquals(0, sh("chmod 755 \"$1\"", dir.toString())); // a temporary directory is 0700: let nobody in
        Path bin = pathWithoutMaven();
        Path tree = tree();
        Path var = Files.createDirectory(dir.resolve("var"));
        assertEquals(0, sh("chown nobody \"$1\"", var.toString()));
        Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", "/nonexistent");
        String[] nobody = {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            top.resolve("bin/fsnap").toString()};
        checksTwice(env, tree, var.resolve("repo"), nobody);
        List<String> metrics = new ArrayList<>(List.of(nobody));
        metrics.addAll(List.of("check", tree.toString(), "--repo", var.resolve("repo").toString(), "-q", "--metrics",
                var.resolve("fsnap.prom").toString()));
        Run night = run(env, metrics.toArray(String[]::new));
        assertEquals(0, night.status(), night.out());
        assertEquals("", night.out(), "-q: nothing to say on a night without changes");
        assertTrue(Files.readString(var.resolve("fsnap.prom")).contains("fsnap_exit_status"), "the metrics were written");
    }

    /**
     * A read-only install started without HOME (a systemd unit without User=), and with
     * XDG_CACHE_HOME where nothing can be written: no cache, and the job runs. It used to stop at
     * "HOME: unbound variable" with exit 1.
     */
    @Test
    void aReadOnlyInstallWithoutHomeOrAWritableCacheChecksIntoARepository() throws Exception {
        Path top = unpack();
        Path bin = pathWithoutMaven();
        Path tree = tree();
        String fsnap = top.resolve("bin/fsnap").toString();
        try (AutoCloseable mounted = readOnly(top)) {
            checksTwice(Map.of("PATH", bin.toString()), tree, dir.resolve("repo-without-home"), fsnap);
            checksTwice(Map.of("PATH", bin.toString(), "HOME", dir.toString(), "XDG_CACHE_HOME",
                    top.resolve("cache").toString()), tree, dir.resolve("repo-unwritable-cache"), fsnap);
        }
        assertTrue(Files.notExists(dir.resolve(".cache")), "XDG_CACHE_HOME is the cache when it is set");
    }

    /**
     * Started with standard input and output closed, as some daemons start their children: the
     * job runs and its exit status passes through (1 once the tree changed). The launcher's
     * descriptor juggling used to fail with "Bad file descriptor" and exit 1.
     */
    @Test
    void closedStandardInputAndOutputAreNoFailure() throws Exception {
        Path top = unpack();
        Path bin = pathWithoutMaven();
        Path tree = tree();
        Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", dir.toString());
        String[] closed = {"bash", "-c", "exec \"$@\" <&- >&-", "_", top.resolve("bin/fsnap").toString()};
        checksTwice(env, tree, dir.resolve("repo"), closed);
        Files.writeString(tree.resolve("b"), "b");
        List<String> command = new ArrayList<>(List.of(closed));
        command.addAll(List.of("check", tree.toString(), "--repo", dir.resolve("repo").toString()));
        Run changed = run(env, command.toArray(String[]::new));
        assertEquals(1, changed.status(), changed.out());
        assertTrue(changed.out().contains("1 added"), changed.out());
    }

    /**
     * Names that are no text in the caller's locale, under the C locale that cron and systemd give
     * (no LANG, no LC_*: {@code env -i} and a PATH): a root named Müller (UTF-8, which the C locale's
     * ASCII cannot hold: it was "not a valid path") and one named with the bytes {@code \xff\xfe}
     * (no UTF-8 at all: it was "no such file"), each holding a name of Latin-1 bytes. Roots,
     * {@code -o}, {@code --repo}, {@code --metrics} and {@code --report} are taken as the bytes given,
     * the snapshot lists the names byte for byte, and {@code plan} of such a root writes its plan.
     */
    @Test
    void namesThatAreNoTextInTheLocaleAreTakenAsTheirBytes() throws Exception {
        Path top = unpack();
        Path bin = pathWithoutMaven();
        Path data = Files.createDirectory(dir.resolve("data"));
        Map<String, String> env = Map.of("PATH", bin.toString());
        String fsnap = top.resolve("bin/fsnap").toString();
        // Names as bash writes bytes ($'\xHH'): the test JVM's own locale cannot be relied on to hold them.
        for (String name : List.of("M$'\\xc3\\xbc'ller", "$'\\xff\\xfe'")) {
            String[] names = {"root=\"$2\"/" + name + "; snap=\"$2\"/snap-" + name + ".snap; repo=\"$2\"/repo-" + name
                + "; prom=\"$2\"/m-" + name + ".prom; page=\"$2\"/r-" + name + ".html; plan=\"$2\"/p-" + name
                + ".json; "};
            assertEquals(0, sh(names[0] + "mkdir -p \"$root/d\" && printf x > \"$root/d/caf\"$'\\xe9'", "", data.toString()));
            Run scan = run(env, "bash", "-c", names[0] + "exec \"$1\" scan \"$root\" -o \"$snap\"", "_", fsnap,
                    data.toString());
            assertNoLauncherFailure(scan);
            assertEquals(0, scan.status(), scan.out());
            Run ls = run(env, "bash", "-c", names[0] + "\"$1\" ls \"$snap\" && exec \"$1\" ls --json \"$snap\"",
                    "_", fsnap, data.toString());
            assertEquals(0, ls.status(), ls.out());
            assertTrue(ls.out().contains(" d/caf\\xe9\n"), ls.out()); // the text listing escapes what is no UTF-8
            String exact = Base64.getEncoder().encodeToString(new byte[] {'d', '/', 'c', 'a', 'f', (byte) 0xe9});
            assertTrue(ls.out().contains("{\"path_b64\":\"" + exact + "\""), ls.out());
            String check = names[0] + "exec \"$1\" check \"$root\" --repo \"$repo\" --metrics \"$prom\" --report \"$page\"";
            Run first = run(env, "bash", "-c", check, "_", fsnap, data.toString());
            assertNoLauncherFailure(first);
            assertEquals(0, first.status(), first.out());
            assertTrue(first.out().contains("the first run of"), first.out());
            Run second = run(env, "bash", "-c", check, "_", fsnap, data.toString());
            assertEquals(0, second.status(), second.out());
            assertTrue(second.out().contains(": no changes"), second.out());
            Run plan = run(env, "bash", "-c", names[0] + "exec \"$1\" plan \"$root\" --shards 2 -o \"$plan\"", "_", fsnap,
                    data.toString());
            assertEquals(0, plan.status(), plan.out());
            assertEquals(0, sh(names[0] + "test -f \"$snap\" && test -f \"$repo/fsnap-repository\" && test -f \"$prom\" "
                    + "&& test -f \"$page\" && test -f \"$plan\"", "", data.toString()), "every file where its bytes named it");
        }
    }

    /**
     * A plan of a root whose name is no text in the C locale (no LANG: {@code env -i}) keeps the
     * root's bytes: each of its shards is scanned ({@code scan --shard} took the plan's lossy text
     * for the root, and refused it), and the parts merge to the single scan's tree hash.
     */
    @Test
    void aPlanOfARootNamedWithNoTextIsScannedInShardsAndMergedByItsBytes() throws Exception {
        Path top = unpack();
        Path bin = pathWithoutMaven();
        Path data = Files.createDirectory(dir.resolve("data"));
        Map<String, String> env = Map.of("PATH", bin.toString());
        String fsnap = top.resolve("bin/fsnap").toString();
        for (String name : List.of("M$'\\xc3\\xbc'ller", "$'\\xff\\xfe'")) {
            String[] names = {"root=\"$2\"/" + name + "; snap=\"$2\"/snap-" + name + ".snap; plan=\"$2\"/p-" + name
                + ".json; "};
            assertEquals(0, sh(names[0] + "mkdir -p \"$root/d\" && printf x > \"$root/d/caf\"$'\\xe9'", "", data.toString()));
            Run single = run(env, "bash", "-c", names[0] + "\"$1\" scan \"$root\" -o \"$snap\" && exec \"$1\" plan "
                    + "\"$root\" --shards 2 -o \"$plan\"", "_", fsnap, data.toString());
            assertNoLauncherFailure(single);
            assertEquals(0, single.status(), single.out());
            Run shards = run(env, "bash", "-c", names[0] + "parts=$(mktemp -d -p \"$2\") && n=0 && while read -r l; do "
                    + "[[ $l == *'\"index\":'* ]] && n=$((n + 1)); done < \"$plan\"; for ((k = 0; k < n; k++)); do "
                    + "\"$1\" scan \"$root\" --shard \"$plan:$k\" -o \"$parts/$k.snap\" "
                    + "|| exit; done && \"$1\" merge \"$plan\" \"$parts\"/*.snap -o \"$parts/merged.snap\" && echo \"shards: $n\" "
                    + "&& \"$1\" verify \"$snap\" && exec \"$1\" verify \"$parts/merged.snap\"", "_", fsnap, data.toString());
            assertNoLauncherFailure(shards);
            assertEquals(0, shards.status(), shards.out());
            assertTrue(shards.out().contains("shards: 2\n"), shards.out()); // the root's, and d's
            java.util.regex.Matcher hashes = java.util.regex.Pattern.compile("tree hash (\\w+)").matcher(shards.out());
            List<String> found = hashes.results().map(m -> m.group(1)).toList();
            assertEquals(3, found.size(), shards.out()); // merged, then verified: the single scan, the merged
            assertEquals(found.get(1), found.get(2), shards.out());
        }
    }

    @Test
    void theSystemdUnitsPassSystemdAnalyzeVerify() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
        Path archive = Path.of(System.getProperty("fsnap.release"));
        Path unpacked = Files.createDirectory(dir.resolve("unpacked"));
        assertEquals(0, sh("tar -xzf \"$1\" -C \"$2\" --strip-components=1", archive.toString(), unpacked.toString()));
        Path units = unpacked.resolve("share/fsnap/systemd");
        // An instance, as systemctl enable makes it; the command where the README links it, made to exist here.
        Path fsnap = Files.createDirectories(dir.resolve("usr/local/bin")).resolve("fsnap");
        Files.writeString(fsnap, "#!/bin/sh\n");
        assertEquals(0, sh("chmod +x \"$1\"", fsnap.toString()));
        for (String kind : List.of("service", "timer")) {
            String text = Files.readString(units.resolve("fsnap-check@." + kind)).replace("/usr/local/bin/fsnap",
                    fsnap.toString());
            Files.writeString(units.resolve("fsnap-check@data." + kind), text);
        }
        ProcessBuilder b = new ProcessBuilder(analyze.toString(), "verify",
                units.resolve("fsnap-check@data.service").toString(), units.resolve("fsnap-check@data.timer").toString())
                .redirectErrorStream(true);
        // Documentation=man:fsnap-check(1) is checked with man: the archive's pages, as an install puts them on MANPATH.
        b.environment().put("MANPATH", unpacked.resolve("share/man") + ":");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().noneMatch(l -> l.contains("fsnap-check@")), "no complaint about the units: " + out);
    }

    @Test
    void whereDpkgDebIsAtHandADebCarriesTheSameRelease() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb is not installed");
        Path deb;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("fsnap.target")))) {
            deb = s.filter(p -> p.getFileName().toString().endsWith("_all.deb")).findFirst().orElseThrow();
        }
        ProcessBuilder fields = new ProcessBuilder("dpkg-deb", "-f", deb.toString(), "Package", "Architecture", "Depends")
                .redirectErrorStream(true);
        Process p = fields.start();
        String control = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertTrue(control.contains("Package: fsnap\nArchitecture: all\nDepends: default-jre-headless (>= 2:1.17)"),
                control);
        Path root = Files.createDirectory(dir.resolve("root"));
        assertEquals(0, sh("dpkg-deb -x \"$1\" \"$2\"", deb.toString(), root.toString()));
        for (String f : List.of("usr/share/fsnap/lib/fsnap.jar", "usr/share/man/man1/fsnap-check.1.gz",
                "usr/share/bash-completion/completions/fsnap", "lib/systemd/system/fsnap-check@.timer")) {
            assertTrue(Files.exists(root.resolve(f)), f);
        }
        assertTrue(Files.readString(root.resolve("lib/systemd/system/fsnap-check@.service"))
                .contains("ExecStart=/usr/bin/fsnap check"));
        Path bin = pathWithoutMaven();
        Path home = Files.createDirectory(dir.resolve("home"));
        Run version = run(bin, home, root.resolve("usr/bin/fsnap").toString(), "--version");
        assertEquals(0, version.status(), version.out());
        assertTrue(version.out().startsWith("fsnap "), version.out());
    }
}
