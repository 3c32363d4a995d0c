package dev.fsnap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every package of every module says, in its {@code package-info.java}, what it owns and which of
 * fsnap's packages it may import ({@code May import: ...}); this test holds the code to it. A
 * package that reaches one it may not (an import, or a name written out in full in code) fails the
 * build, naming the file and the package: the rooms stay what docs/design.md says they are.
 */
class PackageRulesTest {
    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern MAY_IMPORT = Pattern.compile("<p>May import:(.*?)\\.\\s*\\n\\s*\\*/", Pattern.DOTALL);
    private static final Pattern PACKAGE_NAME = Pattern.compile("dev\\.fsnap(?:\\.[a-z][a-z0-9]*)+");
    /** A name of fsnap used in code: its package is everything before the first capital. */
    private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.])(dev\\.fsnap(?:\\.[a-z][a-z0-9]*)+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyWhatItsPackageInfoAllows() throws IOException {
        Map<String, Set<String>> rules = rules();
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, Path> p : packages().entrySet()) {
            Set<String> allowed = rules.get(p.getKey());
            try (Stream<Path> files = Files.list(p.getValue())) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    for (String used : references(Files.readString(f))) {
                        if (!used.equals(p.getKey()) && !allowed.contains(used)) {
                            broken.add(PROJECT.relativize(f) + " uses " + used + ", which " + p.getKey() + " may not import");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everyPackageSaysWhatItOwnsAndMayImport() throws IOException {
        Map<String, Path> packages = packages();
        Map<String, Set<String>> rules = rules();
        assertEquals(packages.keySet(), rules.keySet(), "packages with code, against packages with a package-info");
        for (Map.Entry<String, Path> p : packages.entrySet()) {
            String info = Files.readString(p.getValue().resolve("package-info.java"));
            assertTrue(info.contains("<p>Owns: "), p.getKey() + ": its package-info says what it owns");
            for (String allowed : rules.get(p.getKey())) {
                assertTrue(packages.containsKey(allowed), p.getKey() + " may import " + allowed + ", which is no package");
            }
        }
    }

    /** The rules catch what they are for: the snapshot format reaching the walk, and code written out in full. */
    @Test
    void aPackageReachingOneItMayNotIsFound(@TempDir Path dir) {
        String codec = "package dev.fsnap.snapshot.format;\n\nimport dev.fsnap.walk.DirectoryListing;\n"
                + "/** {@link dev.fsnap.cli.Main} in a comment is no use. */\nclass X { Object o = dev.fsnap.cli.command.ScanJob.class;"
                + " String s = \"dev.fsnap.cli.Main\"; }\n";
        assertEquals(Set.of("dev.fsnap.walk", "dev.fsnap.cli.command"), references(codec));
    }

    /** The fsnap packages a source file names in code (imports included; comments and strings not). */
    static Set<String> references(String source) {
        String code = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"").replaceAll("(?m)^package .*$", "");
        Set<String> used = new TreeSet<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            used.add(m.group(1));
        }
        return used;
    }

    /** Every package with main code, in every module: its name and directory. */
    private static Map<String, Path> packages() throws IOException {
        Map<String, Path> found = new TreeMap<>();
        try (Stream<Path> s = Files.walk(PROJECT, 12)) {
            for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".java")
                    && !f.getFileName().toString().equals("module-info.java")).toList()) {
                String path = PROJECT.relativize(f).toString();
                int at = path.indexOf("/src/main/java/");
                if (at < 0 || path.contains("/target/")) {
                    continue;
                }
                String dir = path.substring(at + "/src/main/java/".length(), path.lastIndexOf('/'));
                found.put(dir.replace('/', '.'), f.getParent());
            }
        }
        return found;
    }

    /** What each package-info allows: the packages named in its {@code May import:} paragraph. */
    private static Map<String, Set<String>> rules() throws IOException {
        Map<String, Set<String>> rules = new TreeMap<>();
        for (Map.Entry<String, Path> p : packages().entrySet()) {
            Path info = p.getValue().resolve("package-info.java");
            assertTrue(Files.exists(info), p.getKey() + " has no package-info.java saying what it owns and may import");
            Matcher m = MAY_IMPORT.matcher(Files.readString(info));
            assertTrue(m.find(), info + ": no '<p>May import: ...' paragraph");
            Set<String> allowed = new TreeSet<>();
            Matcher n = PACKAGE_NAME.matcher(m.group(1));
            while (n.find()) {
                allowed.add(n.group());
            }
            rules.put(p.getKey(), allowed);
        }
        return rules;
    }
}
