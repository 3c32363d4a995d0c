package dev.fsnap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.fsnap.cli.CliTest.changes;
import static dev.fsnap.cli.CliTest.fsnap;
import static dev.fsnap.cli.CliTest.sh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * File flags ({@code chattr +i}, {@code +a}) on a real ext4 filesystem on a loop device: read from
 * {@code statx}'s attributes, kept in the snapshot, and reported by {@code check} and {@code diff}
 * as the {@code flags} field with old and new values, set and removed.
 */
class FileFlagsTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final Ext4Mount ext4 = new Ext4Mount();

    @Test
    void immutableAndAppendOnlyAreReportedAsTheFlagsFieldSetAndRemoved() throws Exception {
        Path root = Files.createDirectories(ext4.root().resolve("t"));
        for (String name : List.of("locked", "log", "plain")) {
            Files.writeString(root.resolve(name), name);
        }
        Path s1 = dir.resolve("s1.snap");
        CliTest.Run first = fsnap("scan", root.toString(), "--stat", "statx", "-o", s1.toString());
        assertEquals(0, first.status(), first.err());
        CliTest.Run listed = fsnap("ls", s1.toString(), "--json");
        assertTrue(listed.out().contains("\"path\":\"locked\"") && listed.out().contains("\"flags\":\"-------\""),
                listed.out());

        assertEquals(0, sh("chattr +i \"$1\"/locked && chattr +a \"$1\"/log", root.toString()));
        Path s2 = dir.resolve("s2.snap");
        CliTest.Run set = fsnap("check", "--format", "lines", root.toString(), "--stat", "statx", "--against", s1.toString(), "-o",
                s2.toString());
        assertEquals(1, set.status(), set.err());
        List<String> lines = changes(set.out());
        assertEquals(List.of("M locked  (ctime,flags)  flags ------- -> i------",
                "M log  (ctime,flags)  flags ------- -> -a-----"), lines, set.out());

        CliTest.Run json = fsnap("diff", s1.toString(), s2.toString(), "--json");
        String locked = json.out().lines().filter(l -> l.contains("\"path\":\"locked\"")).findFirst().orElseThrow();
        assertTrue(locked.contains("\"op\":\"modified\"") && locked.contains("\"fields\":[\"ctime\",\"flags\"]"),
                locked);
        assertTrue(locked.contains("\"flags\":\"-------\"") && locked.contains("\"flags\":\"i------\""), locked);
        assertTrue(locked.indexOf("\"flags\":\"-------\"") < locked.indexOf("\"flags\":\"i------\""),
                "old before new: " + locked);

        assertEquals(0, sh("chattr -i \"$1\"/locked && chattr -a \"$1\"/log", root.toString()));
        Path s3 = dir.resolve("s3.snap");
        CliTest.Run removed = fsnap("check", "--format", "lines", root.toString(), "--stat", "statx", "--against", s2.toString(), "-o",
                s3.toString());
        assertEquals(1, removed.status(), removed.err());
        assertEquals(List.of("M locked  (ctime,flags)  flags i------ -> -------",
                "M log  (ctime,flags)  flags -a----- -> -------"),
                changes(removed.out()), removed.out());

        // Without statx the flags are not read, and a comparison with a snapshot that has them says nothing of them.
        CliTest.Run classic = fsnap("scan", root.toString(), "--json");
        assertTrue(!classic.out().contains("\"flags\""), classic.out());
        Path s4 = dir.resolve("s4.snap");
        CliTest.Run unread = fsnap("check", "--format", "lines", root.toString(), "--against", s3.toString(), "-o", s4.toString());
        assertEquals(0, unread.status(), unread.out() + unread.err());
        assertTrue(new String(Files.readAllBytes(s4), StandardCharsets.ISO_8859_1).length() > 0);
    }
}
