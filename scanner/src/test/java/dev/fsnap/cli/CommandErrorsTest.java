package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static dev.fsnap.cli.UsageErrorsTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees for each mistake the report, repository, metrics and plan options can meet: one
 * line that names the file or the option and the reason, exit 2, and nothing made on the way.
 */
class CommandErrorsTest {
    @TempDir
    Path dir;

    private Path tree;
    private Path snap;

    @BeforeEach
    void tree() throws Exception {
        tree = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        snap = dir.resolve("t.snap");
        assertEquals(0, fsnap("scan", tree.toString(), "-o", snap.toString()).status());
    }

    @Test
    void optionsThatCannotBeMetAreNamedWithTheReason() throws Exception {
        refused("fsnap: Invalid value for option '--format': must be text, lines or json, not 'yaml'\n"
                + "Try 'fsnap diff --help'.\n", "diff", "--format", "yaml", snap.toString(), snap.toString());
        refused("fsnap: Invalid value for option '--op-timeout': must be between 10ms and 1000000s, not '5ms'\n"
                + "Try 'fsnap scan --help'.\n", "scan", tree.toString(), "--op-timeout", "5ms");
        refused("fsnap: Invalid value for option '--op-timeout': must be between 10ms and 1000000s, not '5ms'\n"
                + "Try 'fsnap plan --help'.\n", "plan", tree.toString(), "--shards", "2", "--op-timeout", "5ms");
        refused("fsnap: completion takes the shell: fsnap completion bash\n", "completion", "zsh");
        refused("fsnap: Unknown command: 'nosuch' (scan, ls, diff, check, tune, verify, history, forget, plan, merge, key, approve, policy)\n",
                "man", "nosuch");
        refused("fsnap: Invalid value for option '--shards': must be between 1 and 100000, not 0\n"
                + "Try 'fsnap plan --help'.\n", "plan", tree.toString(), "--shards", "0");
        Path other = Files.createDirectory(dir.resolve("u"));
        refused("fsnap: " + snap + " is a snapshot of " + tree + ", not of " + other + "\n", "plan", other.toString(),
                "--shards", "2", "--from", snap.toString());
    }

    @Test
    void shardAndMergeMistakesAreNamed() throws Exception {
        String t = tree.toString();
        Path plan = dir.resolve("plan.json");
        assertEquals(0, fsnap("plan", t, "--shards", "2", "-o", plan.toString()).status());
        refused("fsnap: Invalid value for option '--shard': must be PLAN:K, a plan file and a shard's index, not "
                + "'plan.json'\nTry 'fsnap scan --help'.\n", "scan", t, "--shard", "plan.json");
        refused("fsnap: " + dir.resolve("none.json") + ": no such file or directory\n", "scan", t, "--shard",
                dir.resolve("none.json") + ":0", "-o", dir.resolve("p.snap").toString());
        Path repo = dir.resolve("repo");
        refused("fsnap: a shard's part is not a night of a repository: write it with -o, and merge the parts with "
                + "fsnap merge\n", "scan", t, "--shard", plan + ":0", "--repo", repo.toString());
        assertFalse(Files.exists(repo), "no repository made");
        refused("fsnap: Missing required parameter: 'PART...'\nTry 'fsnap merge --help'.\n", "merge", plan.toString());
        refused("fsnap: merge writes to -o FILE or into --repo DIR: give one of them\n", "merge", plan.toString(),
                snap.toString());
        refused("fsnap: merge writes to -o FILE or into --repo DIR: give one of them\n", "merge", plan.toString(),
                snap.toString(), "-o", dir.resolve("m.snap").toString(), "--repo", repo.toString());
        refused("fsnap: --baseline applies to --digest\n", "scan", t, "--baseline", snap.toString(), "-o",
                dir.resolve("p.snap").toString());
        Path other = Files.createDirectory(dir.resolve("u"));
        refused("fsnap: " + snap + " is a snapshot of " + tree + ", which does not hold " + other + "\n", "scan",
                other.toString(), "--digest", "--baseline", snap.toString(), "-o", dir.resolve("p.snap").toString());
        refused("fsnap: --repo takes its baseline from the repository: leave out --baseline\n", "scan", t, "--digest",
                "--baseline", snap.toString(), "--repo", repo.toString());
        assertFalse(Files.exists(dir.resolve("p.snap")));
    }

    @Test
    void digestOptionsOutOfPlaceOrOutOfRangeAreNamed() throws Exception {
        String t = tree.toString();
        refused("fsnap: --algorithm must be sha256 or xxh3-128, not 'md5'\n", "scan", t, "--digest", "--algorithm", "md5");
        refused("fsnap: --algorithm applies to --digest\n", "scan", t, "--algorithm", "sha256");
        refused("fsnap: --verify-budget and --verify-within apply to --digest\n", "scan", t, "--verify-budget", "1G");
        refused("fsnap: --digest applies to the native backend, not to --backend nio\n", "scan", t, "--digest",
                "--backend", "nio");
        refused("fsnap: Invalid value for option '--verify-within': 'soon' is not a time such as 500ms, 30s, 2m, 12h "
                + "or 30d\nTry 'fsnap scan --help'.\n", "scan", t, "--digest", "--verify-within", "soon");
    }

    /**
     * The combinations ScanOptions.build() refuses, as the command line has always named them: the
     * option the user gave, exit 2; checked in the same order when two are wrong at once.
     */
    @Test
    void nativeOnlyOptionsWithNioAreNamedAsTheyAlwaysWere() throws Exception {
        String t = tree.toString();
        String xattrs = "fsnap: --xattrs applies to the native backend, not to --backend nio\n";
        refused(xattrs, "scan", t, "--xattrs", "--backend", "nio");
        refused(xattrs, "check", t, "--integrity", "--backend", "nio", "--against", snap.toString(), "-o",
                dir.resolve("n.snap").toString());
        refused(xattrs, "scan", t, "--xattrs", "--digest", "--backend", "nio");
        String tuning = "fsnap: --stat and --buffer-size apply to the native backend, not to --backend nio\n";
        refused(tuning, "scan", t, "--stat", "fstatat", "--backend", "nio");
        refused(tuning, "scan", t, "--stat", "sideways", "--backend", "nio");
        refused(tuning, "scan", t, "--buffer-size", "65536", "--backend", "nio");
        refused("fsnap: --digest applies to the native backend, not to --backend nio\n", "scan", t, "--digest",
                "--algorithm", "md5", "--backend", "nio");
        refused("fsnap: --verify-budget and --verify-within apply to --digest\n", "scan", t, "--verify-within", "30d",
                "--backend", "nio");
        assertFalse(Files.exists(dir.resolve("n.snap")));
    }

    @Test
    void repositoryMistakesAreRefusedBeforeAnythingIsMade() throws Exception {
        Path repo = dir.resolve("repo");
        refused("fsnap: check needs --against=OLD and --output=NEW, or --repo=DIR alone\nTry 'fsnap check --help'.\n",
                "check", tree.toString(), "--repo", repo.toString(), "--against", snap.toString());
        refused("fsnap: --repo names the snapshot itself: leave out -o\n", "scan", tree.toString(), "--repo",
                repo.toString(), "-o", dir.resolve("x.snap").toString());
        refused("fsnap: Invalid value for option '--op-timeout': must be between 10ms and 1000000s, not '5ms'\n"
                + "Try 'fsnap check --help'.\n", "check", tree.toString(), "--repo", repo.toString(), "--op-timeout",
                "5ms");
        assertFalse(Files.exists(repo), "a refused run makes no repository");

        Path notRepo = Files.createDirectory(dir.resolve("other"));
        Files.writeString(notRepo.resolve("file"), "mine");
        refused("fsnap: " + notRepo + " is not an fsnap repository (no fsnap-repository) and not empty\n", "check",
                tree.toString(), "--repo", notRepo.toString());
        refused("fsnap: " + notRepo + " is not an fsnap repository\n", "history", notRepo.toString());
        refused("fsnap: " + notRepo + " is not an fsnap repository\n", "forget", notRepo.toString(), "--keep-last", "1");

        assertEquals(0, fsnap("check", tree.toString(), "--repo", repo.toString()).status());
        refused("fsnap: " + repo + " holds no runs of " + dir.resolve("nowhere") + "\n", "history", repo.toString(),
                dir.resolve("nowhere").toString());
        refused("fsnap: forget needs a policy: --keep-last, --keep-daily, --keep-weekly or --keep-monthly (it would "
                + "keep only the last good run)\n", "forget", repo.toString());
        // Counts whose sum wraps to 0 in an int are still a policy, not none.
        CliTest.Run wrapping = fsnap("forget", repo.toString(), "--keep-last", "2147483647", "--keep-daily",
                "2147483647", "--keep-weekly", "2", "--dry-run");
        assertEquals(0, wrapping.status(), wrapping.err());
        assertFalse(wrapping.err().contains("needs a policy"), wrapping.err());
        refused("fsnap: Invalid value for option '--keep-last': must be between 0 and 2147483647, not -1\n"
                + "Try 'fsnap forget --help'.\n",
                "forget", repo.toString(), "--keep-last", "-1");
        refused("fsnap: Invalid value for positional parameter OLD: " + repo + "@yesterday: a run is named latest, -N or "
                + "a date (YYYY-MM-DD)\nTry 'fsnap diff --help'.\n", "diff", repo + "@yesterday", repo + "@latest");
        CliTest.Run missing = fsnap("diff", repo + "@-3", repo + "@latest");
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("fsnap: Invalid value for positional parameter OLD: " + repo
                + "@-3: no such run (1 in " + repo + "/t-"), missing.err());
    }

    @Test
    void aMetricsFileOrAPageThatCannotBeWrittenIsSaid() throws Exception {
        // Refused before the run: a job whose metrics or page go nowhere did not do its work.
        Path nowhere = dir.resolve("missing/dir");
        CliTest.Run scan = fsnap("scan", tree.toString(), "--metrics", nowhere.resolve("m.prom").toString());
        assertEquals(2, scan.status(), scan.err());
        assertEquals("fsnap: --metrics " + nowhere.resolve("m.prom") + ": no directory " + nowhere + "\n", scan.err());
        refused("fsnap: --report " + nowhere.resolve("r.html") + ": no directory " + nowhere + "\n", "diff", "-q",
                snap.toString(), snap.toString(), "--report", nowhere.resolve("r.html").toString());
    }
}
