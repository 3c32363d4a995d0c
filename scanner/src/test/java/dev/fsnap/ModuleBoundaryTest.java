package dev.fsnap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the black-box tests and the library guide's example to the exported API: compiles them as
 * a module of their own against fsnap's modules (anything not exported fails the compilation),
 * then runs the example on the module path, as a modular program would.
 */
class ModuleBoundaryTest {
    /** The class path entries that are fsnap's modules and what they need, plus JUnit's API. */
    private static final List<String> MODULES = List.of("scanner/target/classes", "fsnap-native-bindings",
            "native-bindings/target/classes", "jffi-", "jnr-constants", "hash4j-", "bcprov-");
    private static final List<String> JUNIT = List.of("junit-jupiter-api", "opentest4j", "junit-platform-commons",
            "apiguardian");

    private static List<String> path(List<String> wanted) {
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String unix = entry.replace(File.separatorChar, '/');
            if (wanted.stream().anyMatch(unix::contains)) {
                out.add(entry);
            }
        }
        return out;
    }

    private static List<Path> sources(String pkg) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src/test/java", pkg.split("\\.")))) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void blackBoxTestsAndTheGuidesExampleUseExportedApiOnly(@TempDir Path dir) throws Exception {
        List<String> fsnap = path(MODULES);
        assertTrue(fsnap.stream().anyMatch(e -> e.contains("scanner")), () -> "no scanner module on " + fsnap);
        Path moduleInfo = Files.writeString(dir.resolve("module-info.java"),
                "module fsnap.blackbox { requires dev.fsnap.scanner; requires org.junit.jupiter.api; }\n");
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "javac").toString(), "-d", dir.resolve("out").toString(), "--release", "17",
                "-Xlint:all", "-Werror", "--module-path", String.join(File.pathSeparator,
                        Stream.concat(fsnap.stream(), path(JUNIT).stream()).toList()), moduleInfo.toString()));
        for (String pkg : List.of("dev.fsnap.library", "dev.fsnap.example")) {
            sources(pkg).forEach(p -> args.add(p.toString()));
        }
        Process javac = new ProcessBuilder(args).redirectErrorStream(true).start();
        String diagnostics = new String(javac.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(javac.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, javac.exitValue(), diagnostics);

        // And the example runs as a modular program, with the native backend.
        Path root = dir.resolve("home");
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/a.txt"), "alpha");
        Path state = Files.createDirectories(dir.resolve("state"));
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--module-path", String.join(File.pathSeparator,
                        Stream.concat(Stream.of(dir.resolve("out").toString()), Stream.concat(fsnap.stream(),
                                path(JUNIT).stream())).toList()),
                "-m", "fsnap.blackbox/dev.fsnap.example.BackupPlanner", root.toString(), state.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertEquals(List.of("read added 5 docs/a.txt", "1 files, 5 bytes to read; 3 entries scanned, native backend"),
                output.lines().toList());
    }
}
