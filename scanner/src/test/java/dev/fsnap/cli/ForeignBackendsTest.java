package dev.fsnap.cli;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The macOS and Windows backends are compiled into every jar, but a scan on Linux never touches
 * them: the JVM's own class-loading log of a whole {@code fsnap scan} names none of their classes.
 * What they cannot read is left out of reports.
 */
class ForeignBackendsTest {
    @TempDir
    Path dir;

    @Test
    void aScanOnLinuxLoadsNoMacOsOrWindowsClass() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 10).symlink("l", "a/b").root();
        Path log = dir.resolve("classes.log");
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "scan", root.toString(), "--backend", "native", "--json")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("\"ino\":") && output.contains("\"target\":\"a/b\""), output);
        List<String> loaded = Files.readAllLines(log);
        assertTrue(loaded.stream().anyMatch(l -> l.contains("dev.fsnap.bindings.LinuxDirectoryReader ")),
                "the log names the Linux reader, so it would name the others");
        List<String> foreign = loaded.stream()
                .filter(l -> l.matches(".*dev\\.fsnap\\.[a-z.]+\\.(Darwin|Windows|Kernel32|Wtf8).*")).toList();
        assertEquals(List.of(), foreign);
    }

    /** A snapshot whose backend could not read some fields lists its entries without them, not with zeros. */
    @Test
    void jsonLeavesOutTheFieldsASnapshotsBackendCouldNotRead() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 3).root();
        Path file = dir.resolve("s");
        ScanOptions options = ScanOptions.builder(root).build();
        dev.fsnap.snapshot.Snapshots.takeWithAbsent(options, file,
                EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID, Field.NLINK, Field.TARGET));
        CliTest.Run r = CliTest.fsnap("ls", file.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        String a = lines.stream().filter(l -> l.startsWith("{\"path\":\"a\"")).findFirst().orElseThrow();
        assertTrue(a.matches("\\{\"path\":\"a\",\"type\":\"file\",\"size\":3,\"mtime_ns\":\\d+,\"mode\":\\d+,\"mode_octal\":\"0644\"\\}"), a);
    }
}
