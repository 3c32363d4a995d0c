package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link Field#between}, what a backup tool asks of one file it found in its last snapshot, names
 * the same fields as the differ does for the same two entries: the two compare different
 * representations (entries, and the differ's decoded records) and must not drift apart.
 */
class FieldBetweenTest {
    @TempDir
    Path dir;

    @Test
    void fieldBetweenNamesWhatTheDifferReportsForEveryModifiedEntry() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("grown", 10).file("chmod", 1).file("copied", 4)
                .file("linked", 2).symlink("link", "grown").file("becomes-dir", 1).file("same", 5)
                .file("owned", 1).file("flagged", 1).file("acl", 1).file("capable", 1).file("labelled", 1)
                .file("tagged", 1).root();
        FileTime then = FileTime.from(Instant.parse("2020-01-01T00:00:00Z")); // kept exactly by a copy
        Files.setLastModifiedTime(root.resolve("copied"), then);
        Path old = dir.resolve("old.snap");
        // statx, so that the birth time is read too (a replaced file is born again)
        ScanOptions options = ScanOptions.builder(root).threads(2).statx(true).xattrs(true)
                .digest(dev.fsnap.scan.Digest.SHA256).build();
        Snapshots.take(options, old, Duration.ZERO);

        Files.writeString(root.resolve("grown"), "more", StandardOpenOption.APPEND);         // SIZE, MTIME, CTIME, CONTENT
        Files.setPosixFilePermissions(root.resolve("chmod"), PosixFilePermissions.fromString("rwx------")); // MODE
        Path copy = root.resolve("copied.tmp");                                              // INO, same size+mtime
        Files.copy(root.resolve("copied"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, root.resolve("copied"), StandardCopyOption.REPLACE_EXISTING);
        Files.createLink(root.resolve("linked.2"), root.resolve("linked"));                  // NLINK
        Files.delete(root.resolve("link"));                                                  // TARGET
        Files.createSymbolicLink(root.resolve("link"), Path.of("chmod"));
        Files.delete(root.resolve("becomes-dir"));                                           // TYPE
        Files.createDirectory(root.resolve("becomes-dir"));
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        if (asRoot) {
            Files.setAttribute(root.resolve("owned"), "unix:uid", 4321);                     // UID
            Files.setAttribute(root.resolve("owned"), "unix:gid", 4321);                     // GID
        }
        // FLAGS, where the filesystem has file flags (ext4, xfs, btrfs; chattr fails elsewhere)
        boolean flags = chattr("+d", root.resolve("flagged"));
        // ACL, CAPS, SELINUX, XATTRS: with the tools that set them where they are installed (as root for the last two)
        boolean acl = run("setfacl", "-m", "u:nobody:r", root.resolve("acl").toString());
        boolean caps = run("setcap", "cap_net_raw+ep", root.resolve("capable").toString());
        boolean label = run("setfattr", "-n", "security.selinux", "-v", "system_u:object_r:etc_t:s0",
                root.resolve("labelled").toString());
        Files.getFileAttributeView(root.resolve("tagged"), java.nio.file.attribute.UserDefinedFileAttributeView.class)
                .write("x", java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
        Path now = dir.resolve("new.snap");
        try {
            Snapshots.take(options, now, Duration.ZERO);
        } finally {
            chattr("-d", root.resolve("flagged"));
        }

        Set<Field> seen = EnumSet.noneOf(Field.class);
        Map<String, Set<Field>> reported = new HashMap<>();
        for (Change c : Snapshots.diff(old, now)) {
            if (c instanceof Change.Modified m) {
                assertEquals(m.fields(), Field.between(m.before(), m.after()), Snapshots.key(m.path()));
                seen.addAll(m.fields());
                reported.put(Snapshots.key(m.path()), m.fields());
            }
        }
        Set<Field> expected = EnumSet.allOf(Field.class);
        if (!asRoot) {
            expected.removeAll(List.of(Field.UID, Field.GID));
        }
        if (BirthTimeTest.statBirth(root) == null) {
            expected.remove(Field.BTIME); // a filesystem that records no birth time
        }
        if (!flags) {
            expected.remove(Field.FLAGS); // a filesystem without file flags
        }
        if (!acl) {
            expected.remove(Field.ACL);
        }
        if (!caps) {
            expected.remove(Field.CAPS);
        }
        if (!label) {
            expected.remove(Field.SELINUX);
        }
        assertEquals(expected, seen, "every field changed once in this tree: " + reported);
        assertFalse(reported.containsKey("same"), "an untouched file is not modified: " + reported);
        Entry same = Snapshots.read(now, new ArrayList<>()).get("same");
        assertEquals(Set.of(), Field.between(same, same));
    }

    /** Sets or clears a file flag with chattr; false where the filesystem has none. */
    private static boolean chattr(String change, Path file) throws Exception {
        return run("chattr", change, file.toString());
    }

    /** Runs a tool; false where it failed or is not installed. */
    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException notInstalled) {
            return false;
        }
    }
}
