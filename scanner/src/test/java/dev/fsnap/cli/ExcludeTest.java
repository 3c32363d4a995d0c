package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --exclude} and {@code --exclude-from}: what a scan leaves out, recorded, and honoured by diff. */
class ExcludeTest {
    private static Path tree(Path dir) throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("cache/deep"));
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("cache/deep/blob"), "x");
        Files.writeString(root.resolve("src/a.c"), "int a;");
        Files.writeString(root.resolve("src/a.o"), "obj");
        Files.writeString(root.resolve("src/keep.o"), "obj");
        return root;
    }

    private static List<String> paths(CliTest.Run r) {
        return r.out().lines().map(l -> l.replaceAll(".*\"path\":\"([^\"]*)\".*", "$1")).sorted().toList();
    }

    @Test
    void excludedEntriesAreNotScannedAndExceptionsComeBack(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        CliTest.Run r = CliTest.fsnap("scan", root.toString(), "--json", "--exclude", "*.o", "--exclude", "cache/",
                "--exclude", "!keep.o");
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(".", "src", "src/a.c", "src/keep.o"), paths(r));
        assertTrue(r.err().contains("4 entries"), r.err());

        // A pattern with a slash matches from the root: the whole path, not the name.
        Files.createDirectories(root.resolve("cache/src"));
        Files.writeString(root.resolve("cache/src/a.c"), "int c;");
        CliTest.Run anchored = CliTest.fsnap("scan", root.toString(), "--json", "--exclude", "/src/a.*");
        assertEquals(0, anchored.status(), anchored.err());
        assertEquals(List.of(".", "cache", "cache/deep", "cache/deep/blob", "cache/src", "cache/src/a.c", "src",
                "src/keep.o"), paths(anchored));
    }

    @Test
    void rulesFromAFileAreRecordedInTheSnapshotAndDiffIgnoresWhatEitherLeftOut(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        Path rules = Files.writeString(dir.resolve("rules"), "# build output\n*.o\n\ncache/\n");
        Path monday = dir.resolve("monday.snap");
        Path tuesday = dir.resolve("tuesday.snap");
        assertEquals(0, CliTest.fsnap("scan", root.toString(), "-o", monday.toString(), "--exclude-from",
                rules.toString()).status());
        CliTest.Run ls = CliTest.fsnap("ls", monday.toString());
        assertEquals(List.of("src/a.c"), ls.out().lines().filter(l -> l.startsWith("file")).map(l -> l.replaceAll(".* ", ""))
                .toList());
        assertTrue(ls.err().contains("excluded *.o cache/"), ls.err());

        // Tuesday scans everything: what Monday left out is not "added".
        Files.writeString(root.resolve("src/b.c"), "int b;");
        assertEquals(0, CliTest.fsnap("scan", root.toString(), "-o", tuesday.toString()).status());
        CliTest.Run d = CliTest.fsnap("diff", "--format", "lines", monday.toString(), tuesday.toString());
        assertEquals(1, d.status(), d.err());
        List<String> added = d.out().lines().filter(l -> l.startsWith("+ ")).toList();
        assertEquals(List.of("+ src/b.c  [racy in new]"), added, d.out());
        assertTrue(d.out().lines().noneMatch(l -> l.contains(".o") || l.contains("cache")), d.out());
    }

    @Test
    void badRulesAreRefusedNamingThePatternOrTheFile(@TempDir Path dir) throws Exception {
        Path root = tree(dir);
        CliTest.Run bad = CliTest.fsnap("scan", root.toString(), "--exclude", "src/[x");
        assertEquals(2, bad.status());
        assertEquals("fsnap: --exclude: pattern 'src/[x': the [ at character 5 is never closed (write \\[ for a bracket)\n",
                bad.err());
        Path missing = dir.resolve("no-such-rules");
        CliTest.Run none = CliTest.fsnap("check", "--format", "lines", root.toString(), "--against", dir.resolve("x").toString(), "-o",
                dir.resolve("y").toString(), "--exclude-from", missing.toString());
        assertEquals(2, none.status());
        assertEquals("fsnap: --exclude-from " + missing + ": no such file or directory\n", none.err());
        Path rules = Files.writeString(dir.resolve("rules"), "*.o\n\\\n");
        CliTest.Run line = CliTest.fsnap("scan", root.toString(), "--exclude-from", rules.toString());
        assertEquals(2, line.status());
        assertTrue(line.err().startsWith("fsnap: --exclude-from " + rules + ", line 2: pattern '\\': it ends in a lone \\"),
                line.err());
    }
}
