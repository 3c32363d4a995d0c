package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** What a user sees for each way a command line can be wrong: one line naming it, a pointer to help, exit 2. */
class UsageErrorsTest {
    @TempDir
    Path dir;

    static void refused(String expected, String... args) throws Exception {
        CliTest.Run r = fsnap(args);
        assertEquals(2, r.status(), r.err());
        assertEquals(expected, r.err(), String.join(" ", args));
    }

    @Test
    void eachMistakeIsNamedWithWhereToLookAndExitsTwo() throws Exception {
        String root = dir.toString();
        refused("fsnap: Unknown command: 'scna' (scan, ls, diff, check, tune, verify, history, forget, plan, merge, key, approve, policy)\nTry 'fsnap --help'.\n",
                "scna", root);
        refused("fsnap: Invalid value for option '--threads': 'many' is not an int\nTry 'fsnap scan --help'.\n",
                "scan", root, "--threads", "many");
        refused("fsnap: Invalid value for option '--op-timeout': 'soon' is not a time such as 500ms, 30s, 2m, 12h or 30d\nTry 'fsnap scan --help'.\n",
                "scan", root, "--op-timeout=soon");
        refused("fsnap: Option '--json' takes no value, not 'yes'\nTry 'fsnap scan --help'.\n",
                "scan", root, "--json=yes");
        refused("fsnap: Missing required parameter for option '--threads' (N)\nTry 'fsnap scan --help'.\n",
                "scan", root, "--threads");
        refused("fsnap: Unmatched argument: 'extra'\nTry 'fsnap scan --help'.\n", "scan", root, "extra");
        refused("fsnap: check needs --against=OLD and --output=NEW, or --repo=DIR alone\nTry 'fsnap check --help'.\n",
                "check", root);
        refused("fsnap: Missing required parameters: 'OLD', 'NEW'\nTry 'fsnap diff --help'.\n", "diff");
    }

    /**
     * A size, time or count too large for any type, or just outside what fsnap accepts, is refused
     * while the command line is read, saying the range: never an overflow once the scan has started
     * (a time budget of 10000000 days overflowed the scan's deadline in nanoseconds).
     */
    @Test
    void overflowingSizesTimesAndCountsAreRefusedWithTheirRangeBeforeAnythingIsScanned() throws Exception {
        String root = dir.toString();
        String out = dir.resolve("out.snap").toString();
        String budget = "must be a size from 0 to 8388607T (1000, 200K, 50M, 200G, 2T) or a time from 1s to 365d "
                + "(90s, 45min, 2h, 1d)";
        for (String value : new String[] {"10000000d", "366d", "999999999999999999999h", "99999999999T", "8388608T"}) {
            refused("fsnap: Invalid value for option '--verify-budget': " + budget + ", not '" + value + "'\n"
                    + "Try 'fsnap scan --help'.\n", "scan", root, "--digest", "--verify-budget", value, "-o", out);
        }
        refused("fsnap: Invalid value for option '--verify-within': must be between 1s and 36500d, not "
                + "'10000000000000000d'\nTry 'fsnap check --help'.\n", "check", root, "--digest", "--against", out,
                "-o", out, "--verify-within", "10000000000000000d");
        refused("fsnap: Invalid value for option '--verify-within': must be between 1s and 36500d, not '36501d'\n"
                + "Try 'fsnap scan --help'.\n", "scan", root, "--digest", "--verify-within", "36501d", "-o", out);
        for (String command : new String[] {"scan", "check", "plan", "tune"}) {
            refused("fsnap: Invalid value for option '--op-timeout': must be between 10ms and 1000000s, not "
                    + "'99999999999999999999999d'\nTry 'fsnap " + command + " --help'.\n", command, root,
                    "--op-timeout", "99999999999999999999999d");
        }
        refused("fsnap: Invalid value for option '--threads': must be between 1 and 1024, not 99999999999 (leave it "
                + "out for automatic)\nTry 'fsnap scan --help'.\n", "scan", root, "--threads", "99999999999", "-o", out);
        refused("fsnap: Invalid value for option '--threads': must be between 1 and 1024, not -4294967295 (leave it "
                + "out for automatic)\nTry 'fsnap check --help'.\n", "check", root, "--threads", "-4294967295");
        refused("fsnap: Invalid value for option '--buffer-size': must be between 65536 and 16777216, not 4294967296\n"
                + "Try 'fsnap scan --help'.\n", "scan", root, "--buffer-size", "4294967296", "-o", out);
        refused("fsnap: Invalid value for option '--max-threads': must be between 1 and 1024, not 99999999999\n"
                + "Try 'fsnap tune --help'.\n", "tune", root, "--max-threads", "99999999999");
        refused("fsnap: Invalid value for option '--budget': must be between 1s and 1d, not '99999999999999999999d'\n"
                + "Try 'fsnap tune --help'.\n", "tune", root, "--budget", "99999999999999999999d");
        refused("fsnap: Invalid value for option '--shards': must be between 1 and 100000, not 99999999999\n"
                + "Try 'fsnap plan --help'.\n", "plan", root, "--shards", "99999999999");
        refused("fsnap: Invalid value for option '--shard': K, a shard's index: must be between 0 and 99999, not "
                + "99999999999\nTry 'fsnap scan --help'.\n", "scan", root, "--shard", "plan.json:99999999999", "-o", out);
        for (String keep : new String[] {"--keep-last", "--keep-daily", "--keep-weekly", "--keep-monthly"}) {
            refused("fsnap: Invalid value for option '" + keep + "': must be between 0 and 2147483647, not "
                    + "99999999999\nTry 'fsnap forget --help'.\n", "forget", root, keep, "99999999999");
        }
        assertFalse(Files.exists(dir.resolve("out.snap")), "nothing written");
    }

    @Test
    void optionsEndAtTwoDashesAndTakeTheirValueEitherWay() throws Exception {
        CliTest.Run spaced = fsnap("scan", "--threads", "1", "--", dir.toString());
        assertEquals(0, spaced.status(), spaced.err());
        CliTest.Run joined = fsnap("scan", "--threads=1", dir.toString());
        assertEquals(0, joined.status(), joined.err());
        assertEquals(spaced.err().replaceAll("[0-9.]+ s, [0-9]+ entries/s", ""),
                joined.err().replaceAll("[0-9.]+ s, [0-9]+ entries/s", ""));
    }
}
