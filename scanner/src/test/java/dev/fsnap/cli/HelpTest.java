package dev.fsnap.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every help, manual page and the completion script, as a user meets them: no warning, no
 * sentence cut off, the manual pages render in {@code man} without a complaint from groff, and
 * bash completes commands and options.
 */
class HelpTest {
    private static final String[] COMMANDS = {"scan", "ls", "diff", "check", "tune", "verify", "history", "forget", "plan",
        "merge"};

    /** The rows of a help section (a row starts at two spaces and a non-space; longer ones continue). */
    private static List<String> rows(String help, String section) {
        List<String> rows = new ArrayList<>();
        boolean in = false;
        for (String line : help.split("\n")) {
            if (line.endsWith(":") && !line.startsWith(" ")) {
                in = line.equals(section);
                continue;
            }
            if (!in || line.isBlank()) {
                continue;
            }
            if (line.matches("  \\S.*")) {
                rows.add(line.strip());
            } else {
                rows.set(rows.size() - 1, rows.get(rows.size() - 1) + " " + line.strip());
            }
        }
        return rows;
    }

    @Test
    void everyHelpIsWholeAndWithoutWarnings() throws Exception {
        List<String> helps = new ArrayList<>();
        CliTest.Run top = fsnap("--help");
        assertEquals(0, top.status());
        assertEquals(top.out(), fsnap("help").out());
        helps.add(top.out());
        for (String c : COMMANDS) {
            CliTest.Run h = fsnap(c, "--help");
            assertEquals(0, h.status(), c);
            assertEquals("", h.err(), c);
            assertEquals(h.out(), fsnap("help", c).out(), "fsnap help " + c + " is fsnap " + c + " --help");
            helps.add(h.out());
            for (String section : List.of("Options:", "Parameters:")) {
                for (String row : rows(h.out(), section)) {
                    assertTrue(row.endsWith(".") || row.endsWith(")"), c + ": a sentence cut off: " + row);
                }
            }
            List<String> exits = rows(h.out(), "Exit status:");
            assertTrue(exits.size() >= 2, c + ": " + h.out());
            assertTrue(exits.get(0).startsWith("0 "), c + ": " + exits);
        }
        for (String h : helps) {
            assertFalse(h.toLowerCase(Locale.ROOT).contains("warn"), h);
            for (String line : h.split("\n")) {
                assertTrue(line.length() <= 80, "wrapped at 80 columns: " + line);
            }
        }
        assertTrue(rows(top.out(), "Exit status:").stream().anyMatch(r -> r.startsWith("24 ")), top.out());
        List<String> listed = rows(top.out(), "Commands:").stream().map(r -> r.split(" ")[0]).toList();
        assertEquals(List.of(COMMANDS), listed.subList(0, COMMANDS.length), "fsnap --help lists every command");
        assertTrue(rows(top.out(), "Exit status:").stream().anyMatch(r -> r.startsWith("75 ") && r.contains("merge")),
                "merge takes a repository's lock too: " + top.out());
    }

    @Test
    void theManualPagesRenderWithoutAComplaint() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/groff").canExecute() && new File("/usr/bin/man").canExecute(),
                "groff and man are not installed");
        List<String> pages = new ArrayList<>(List.of(""));
        pages.addAll(List.of(COMMANDS));
        for (String page : pages) {
            String command = String.join(" ", CliTest.command(page.isEmpty() ? new String[] {"man"}
                    : new String[] {"man", page}).stream().map(a -> "'" + a + "'").toList());
            StringBuilder warnings = new StringBuilder();
            assertEquals(0, CliTest.sh(command + " | groff -man -Tutf8 -ww -z", warnings), page);
            assertEquals("", warnings.toString(), "groff's warnings on fsnap man " + page);
            StringBuilder shown = new StringBuilder();
            assertEquals(0, CliTest.sh(command + " | MANWIDTH=80 man -l - 2>&1", shown), page);
            String text = shown.toString();
            assertTrue(text.contains("NAME") && text.contains("EXIT STATUS"), text);
            if (page.equals("check")) {
                assertTrue(text.contains("--against=OLD") && text.contains("--allow-other-root"), text);
            }
        }
    }

    @Test
    void bashCompletesCommandsAndOptions() throws Exception {
        String fsnap = String.join(" ", CliTest.command().stream().map(a -> "'" + a + "'").toList());
        StringBuilder out = new StringBuilder();
        int status = CliTest.sh("source <(" + fsnap + " completion bash) || exit 1; complete -p fsnap; "
                + "COMP_WORDS=(fsnap ch); COMP_CWORD=1; _fsnap; echo \"1: ${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(fsnap check --allow); COMP_CWORD=2; _fsnap; echo \"2: ${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(fsnap diff --form); COMP_CWORD=2; _fsnap; echo \"3: ${COMPREPLY[*]}\"; "
                + "COMP_WORDS=(fsnap help ve); COMP_CWORD=2; _fsnap; echo \"4: ${COMPREPLY[*]}\"", out);
        assertEquals(0, status, out.toString());
        assertEquals("complete -o filenames -F _fsnap fsnap\n1: check\n2: --allow-other-root\n3: --format\n4: verify\n",
                out.toString());
    }
}
