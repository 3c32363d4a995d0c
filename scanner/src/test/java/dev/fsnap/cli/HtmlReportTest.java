package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTML report in a real headless Chromium: the page loads from the file alone, shows the
 * right totals, opens a directory of the tree on a click, and filters by kind.
 */
class HtmlReportTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void thePageShowsTheTotalsAndItsTreeOpensAndFilters() throws Exception {
        Assumptions.assumeTrue(Chromium.unavailableReason() == null, Chromium.unavailableReason());
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t")).file("c/x", 10);
        for (int k = 0; k < 3; k++) {
            tree.file("b/old" + k, 7);
        }
        Path root = tree.root();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", monday.toString()).status());
        for (int k = 0; k < 5; k++) {
            Files.write(Files.createDirectories(root.resolve("a/deep")).resolve("f" + k), new byte[100]);
        }
        Files.delete(root.resolve("b/old0"));
        Files.delete(root.resolve("b/old1"));
        Files.write(root.resolve("c/x"), new byte[2000]);
        Path page = dir.resolve("report.html");
        CliTest.Run check = fsnap("check", root.toString(), "--against", monday.toString(), "-o",
                dir.resolve("tuesday.snap").toString(), "--report", page.toString());
        assertEquals(1, check.status(), check.err());
        String html = Files.readString(page);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("src="),
                "the page fetches nothing");

        try (Chromium browser = new Chromium(page)) {
            browser.awaitReady(Duration.ofSeconds(20));
            assertEquals("added 7", browser.eval("document.getElementById('total-added').innerText.replace(/\\s+/g, ' ')"),
                    "a, a/deep and its five files");
            assertEquals("removed 2", browser.eval(
                    "document.getElementById('total-removed').innerText.replace(/\\s+/g, ' ')"));
            // The page's totals are the text report's: entries, the directories changed by their entries
            // included (the root, b/) beside c/x; its tree's top row counts the same.
            java.util.regex.Matcher headline = java.util.regex.Pattern.compile(": (\\d+) changes\n").matcher(check.out());
            assertTrue(headline.find(), check.out());
            assertEquals("12", headline.group(1), check.out());
            assertTrue(check.out().lines().anyMatch(l -> l.matches("  modified +3  2 of them directories .*")), check.out());
            assertEquals("changes 12", browser.eval(
                    "document.getElementById('total-changes').innerText.replace(/\\s+/g, ' ')"));
            assertEquals("modified 3", browser.eval(
                    "document.getElementById('total-modified').innerText.replace(/\\s+/g, ' ')"));
            String whole = browser.eval("document.querySelector('#tree > li > .row').innerText");
            assertTrue(whole.contains("12 changes"), whole);
            String rows = "[...document.querySelectorAll('#tree > li > ul > li.dir > .row')]"
                    + ".map(r => [...r.children].map(c => c.textContent).join(' ')).join('|')";
            String top = browser.eval(rows);
            assertTrue(top.startsWith("▸ a/ 6 changes, 500 B|▸ b/ 2 changes, 14 B|▸ c/ 1 change, 2.0 KiB"), top);

            // a click on a/ opens it: deep/ inside, and a click on that shows the five files
            browser.eval("[...document.querySelectorAll('.dir > .row')].find(r => r.innerText.includes('a/')).click(); ''");
            browser.eval("[...document.querySelectorAll('.dir > .row')].find(r => r.innerText.includes('deep/')).click(); ''");
            String files = browser.eval("[...document.querySelectorAll('li.change')].map(c => c.innerText).join('|')");
            for (int k = 0; k < 5; k++) {
                assertTrue(files.contains("+ f" + k + "  100 B"), files);
            }

            // leaving out additions leaves a/ out of the tree
            browser.eval("const box = document.getElementById('show-added'); box.click(); ''");
            String filtered = browser.eval(rows);
            assertTrue(filtered.startsWith("▸ b/ 2 changes") && !filtered.contains("a/"), filtered);
        }
    }

    @Test
    @Timeout(120)
    void namesThatAreScriptPropertiesOrNotTextAreDirectoriesLikeAnyOther() throws Exception {
        Assumptions.assumeTrue(Chromium.unavailableReason() == null, Chromium.unavailableReason());
        Path root = TreeBuilder.at(dir.resolve("t")).file("keep", 1).root();
        Path monday = dir.resolve("monday.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", monday.toString()).status());
        // Directories named as an object's properties, two whose names differ only in a byte that is
        // not UTF-8 (Java cannot name them; the shell can), and a file whose name holds a newline.
        for (String d : new String[] {"constructor", "__proto__", "toString", "hasOwnProperty"}) {
            TreeBuilder.at(root).file(d + "/f", 3);
        }
        assertEquals(0, new ProcessBuilder("bash", "-c", "cd \"$1\" && mkdir $'d\\xff' $'d\\xfe' && touch $'d\\xff/f' "
                + "$'d\\xfe/f' $'a\\nb'", "_", root.toString()).inheritIO().start().waitFor());
        Path page = dir.resolve("report.html");
        CliTest.Run check = fsnap("check", root.toString(), "--against", monday.toString(), "-o",
                dir.resolve("tuesday.snap").toString(), "--report", page.toString());
        assertEquals(1, check.status(), check.err());

        String rows = "[...document.querySelectorAll('#tree > li > ul > li.dir > .row')]"
                + ".map(r => [...r.children].map(c => c.textContent).join(' ')).join('|')";
        try (Chromium browser = new Chromium(page)) {
            browser.awaitReady(Duration.ofSeconds(20));
            assertEquals("added 13", browser.eval("document.getElementById('total-added').innerText.replace(/\\s+/g, ' ')"),
                    "six directories, a file in each, and a\\nb");
            assertEquals("▸ __proto__/ 1 change, 3 B|▸ constructor/ 1 change, 3 B|▸ d\\xfe/ 1 change|▸ d\\xff/ 1 change"
                    + "|▸ hasOwnProperty/ 1 change, 3 B|▸ toString/ 1 change, 3 B", browser.eval(rows));
            String files = browser.eval("[...document.querySelectorAll('#tree > li > ul > li.change')]"
                    + ".map(c => c.innerText).join('|')");
            assertTrue(files.contains("+ a\\nb"), "the newline shown escaped, on one line: " + files);
            // a click on d\xfe opens that directory alone
            browser.eval("[...document.querySelectorAll('.dir > .row')].find(r => r.innerText.includes('d\\\\xfe/')).click(); ''");
            assertEquals("+ f  0 B", browser.eval("[...document.querySelectorAll('#tree > li > ul > li.dir')]"
                    + ".map(d => [...d.querySelectorAll('li.change')].map(c => c.innerText).join(',')).join('|')")
                    .replace("|", ""), "one directory open, one file in it");
        }
        // A link with a fragment that is not a path (%E0 decodes to nothing) opens the page as without it.
        try (Chromium browser = new Chromium(new java.net.URI(page.toUri() + "#open=%E0"))) {
            browser.awaitReady(Duration.ofSeconds(20));
            assertEquals("added 13", browser.eval("document.getElementById('total-added').innerText.replace(/\\s+/g, ' ')"));
            assertTrue(browser.eval(rows).startsWith("▸ __proto__/ 1 change, 3 B|▸ constructor/"));
        }
    }
}
