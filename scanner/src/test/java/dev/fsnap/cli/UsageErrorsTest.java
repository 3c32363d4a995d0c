package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        refused("fsnap: Unknown command: 'scna' (scan, ls, diff, check, tune, verify, history, forget, plan, merge)\nTry 'fsnap --help'.\n",
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
