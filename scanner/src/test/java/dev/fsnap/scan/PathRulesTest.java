package dev.fsnap.scan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathRulesTest {
    private static boolean file(PathRules r, String path) {
        return r.excludes(path.getBytes(StandardCharsets.UTF_8), false);
    }

    private static boolean dir(PathRules r, String path) {
        return r.excludes(path.getBytes(StandardCharsets.UTF_8), true);
    }

    private static PathRules rules(String... patterns) {
        return PathRules.of(List.of(patterns));
    }

    @Test
    void aPatternWithoutSlashMatchesTheNameAtAnyDepth() {
        PathRules r = rules("*.tmp");
        assertTrue(file(r, "a.tmp"));
        assertTrue(file(r, "x/y/a.tmp"));
        assertFalse(file(r, "a.tmp.keep"));
        assertFalse(file(r, "tmp"));
        assertTrue(file(r, "dir.tmp/inside"), "below an excluded directory");
    }

    @Test
    void aPatternWithASlashIsAnchoredAtTheRoot() {
        PathRules r = rules("build/out", "/top");
        assertTrue(dir(r, "build/out"));
        assertFalse(dir(r, "x/build/out"));
        assertTrue(file(r, "top"));
        assertFalse(file(r, "x/top"));
        PathRules star = rules("home/*/Downloads");
        assertTrue(dir(star, "home/ann/Downloads"));
        assertFalse(dir(star, "home/ann/x/Downloads"), "* does not cross a /");
    }

    @Test
    void aTrailingSlashMatchesDirectoriesOnly() {
        PathRules r = rules("cache/");
        assertTrue(dir(r, "cache"));
        assertTrue(dir(r, "a/cache"));
        assertFalse(file(r, "cache"));
        assertTrue(file(r, "cache/f"), "what is below an excluded directory is excluded");
    }

    @Test
    void doubleStarCrossesDirectories() {
        assertTrue(file(rules("**/x.log"), "x.log"));
        assertTrue(file(rules("**/x.log"), "a/b/x.log"));
        assertTrue(file(rules("logs/**"), "logs/a/b"));
        assertFalse(dir(rules("logs/**"), "logs"), "logs/** is what is inside logs");
        PathRules mid = rules("a/**/z");
        assertTrue(file(mid, "a/z"));
        assertTrue(file(mid, "a/b/c/z"));
        assertFalse(file(mid, "b/a/z"));
    }

    @Test
    void theLastMatchingPatternDecidesAndExceptionsBringEntriesBack() {
        PathRules r = rules("*.log", "!keep.log");
        assertTrue(file(r, "a.log"));
        assertFalse(file(r, "keep.log"));
        assertFalse(file(r, "d/keep.log"));
        assertTrue(file(rules("!keep.log", "*.log"), "keep.log"), "a later pattern wins");
        // Only some files: everything out, directories back in, then the wanted files.
        PathRules only = rules("*", "!*/", "!*.docx");
        assertFalse(dir(only, "reports"));
        assertFalse(file(only, "reports/q3.docx"));
        assertTrue(file(only, "reports/q3.txt"));
        assertTrue(file(rules("out/", "!out/keep"), "out/keep"), "nothing below an excluded directory comes back");
    }

    @Test
    void setsQuestionMarksAndEscapes() {
        assertTrue(file(rules("file[0-9].txt"), "file7.txt"));
        assertFalse(file(rules("file[0-9].txt"), "fileA.txt"));
        assertTrue(file(rules("file[!0-9].txt"), "fileA.txt"));
        assertTrue(file(rules("[]x]"), "]"));
        assertTrue(file(rules("a?c"), "abc"));
        assertFalse(file(rules("a?c"), "a/c"));
        assertTrue(file(rules("\\*literal"), "*literal"));
        assertFalse(file(rules("\\*literal"), "xliteral"));
        assertTrue(file(rules("\\#x"), "#x"));
    }

    @Test
    void namesAreBytesCharactersWhereValidUtf8AndSingleBytesWhereNot() {
        assertTrue(file(rules("caf?"), "café"), "? is one character, two bytes here");
        assertTrue(file(rules("[é]"), "é"));
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xE9};
        assertTrue(rules("caf?").excludes(latin1, false), "? is one byte where the name is not UTF-8");
        assertTrue(rules("caf*").excludes(latin1, false));
        assertFalse(rules("café").excludes(latin1, false), "the pattern is UTF-8; these bytes are not");
    }

    @Test
    void invalidPatternsAreRefusedWithTheReason() {
        assertEquals("pattern '[abc': the [ at character 1 is never closed (write \\[ for a bracket)",
                assertThrows(IllegalArgumentException.class, () -> rules("[abc")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rules("")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rules("/")).getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> rules("x\\")).getMessage().contains("lone \\"));
        assertEquals("pattern 'a\0b' holds a NUL byte, which no name can",
                assertThrows(IllegalArgumentException.class, () -> rules("a\0b")).getMessage());
        assertThrows(NullPointerException.class, () -> ScanOptions.builder(Path.of("/")).exclude(null));
    }

    @Test
    void rulesAreReadFromAFileInGitignoreSyntax(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("excludes");
        Files.writeString(f, "# build output\n\n*.o\r\n!main.o\n/tmp/\n");
        PathRules r = PathRules.read(f);
        assertEquals(List.of("*.o", "!main.o", "/tmp/"), r.patterns());
        assertTrue(file(r, "x.o"));
        assertFalse(file(r, "main.o"));
        assertTrue(dir(r, "tmp"));
        Files.writeString(f, "ok\nbad[\n");
        IOException e = assertThrows(IOException.class, () -> PathRules.read(f));
        assertTrue(e.getMessage().startsWith(f + ", line 2: pattern 'bad['"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> PathRules.read(dir.resolve("missing")));
    }
}
