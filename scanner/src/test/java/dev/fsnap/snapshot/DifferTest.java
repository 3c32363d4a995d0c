package dev.fsnap.snapshot;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of change, on real trees scanned twice. */
class DifferTest {
    @TempDir
    Path dir;

    private Path root;
    private int taken;

    private Path snap() throws Exception {
        Path file = dir.resolve("snap" + taken++);
        Snapshots.take(root, file, Duration.ZERO);
        return file;
    }

    /** The changes as "marker path (fields)" lines, directories' own mtime/ctime/nlink/size noise left out. */
    private static List<String> lines(List<Change> changes) {
        return changes.stream()
                .filter(c -> !(c.kind() == Change.Kind.MODIFIED && c.after().type() == dev.fsnap.scan.EntryType.DIRECTORY
                        && Set.of(Field.MTIME, Field.CTIME, Field.NLINK, Field.SIZE).containsAll(c.fields())))
                .map(DifferTest::line).toList();
    }

    private static String line(Change c) {
        String s = c.kind().marker() + " " + (c instanceof Change.Moved m ? Snapshots.key(m.from()) + " -> " : "")
                + Snapshots.key(c.path());
        if (!c.fields().isEmpty()) {
            s += " " + c.fields().stream().map(Field::label).collect(Collectors.joining(","));
        }
        if (c instanceof Change.Unreadable u) {
            s += " " + u.error().code() + " in " + u.side().label();
        }
        return s;
    }

    @Test
    void identicalSnapshotsReportNothingAndReadOnlyTheRoots() throws Exception {
        root = dir.resolve("t");
        TreeGenerator.generate(root, 2_000);
        Path a = snap();
        Path b = snap();
        try (Snapshot x = Snapshot.open(a); Snapshot y = Snapshot.open(b)) {
            DiffSummary s = Differ.compare(x, y, c -> { throw new AssertionError("no change expected: " + line(c)); });
            assertEquals(0, s.changes());
            assertEquals(0, s.directoriesRead(), "equal root hashes: no directory block is read");
        }
    }

    @Test
    void addedRemovedAndModifiedNameEachChangedField() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("keep", 1).file("grow", 1).file("gone", 1).file("chmod", 1)
                .file("chown", 1).file("chgrp", 1).file("touch", 1).file("linked", 1).file("replaced", 1).file("becomes-dir", 1)
                .symlink("link", "keep").file("deep/er/x", 1).root();
        Path a = snap();
        Files.write(root.resolve("grow"), new byte[10]);
        Files.delete(root.resolve("gone"));
        Files.write(root.resolve("new"), new byte[3]);
        Files.setPosixFilePermissions(root.resolve("chmod"), PosixFilePermissions.fromString("rwx------"));
        // Only root may give a file to another owner or group.
        boolean superuser = "root".equals(System.getProperty("user.name"));
        if (superuser) {
            Files.setAttribute(root.resolve("chown"), "unix:uid", 12345);
            Files.setAttribute(root.resolve("chgrp"), "unix:gid", 23456);
        }
        Files.setLastModifiedTime(root.resolve("touch"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        Files.createLink(root.resolve("hard"), root.resolve("linked"));
        // replaced the way editors save: a new file renamed over the old (a new inode)
        Files.write(root.resolve(".replaced.tmp"), new byte[1]);
        Files.move(root.resolve(".replaced.tmp"), root.resolve("replaced"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(root.resolve("becomes-dir"));
        Files.createDirectory(root.resolve("becomes-dir"));
        Files.delete(root.resolve("link"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("grow"));
        Files.write(root.resolve("deep/er/x"), new byte[2], StandardOpenOption.APPEND);
        Path b = snap();
        List<String> got = lines(Snapshots.diff(a, b));
        // Entries made anew may land in the same clock tick as the old ones (mtime may or may not differ),
        // and a file deleted before its replacement is created may hand it its inode number.
        List<String> expected = new java.util.ArrayList<>(List.of(
                "M becomes-dir type,size,ctime,mode,nlink [mtime,ino]",
                "M chgrp ctime,gid",
                "M chmod ctime,mode",
                "M chown ctime,uid",
                "M deep/er/x size,mtime,ctime",
                "M grow size,mtime,ctime",
                "M link ctime,target [mtime,ino]",
                "M linked ctime,nlink",
                "M replaced ctime,ino [mtime]",
                "M touch mtime,ctime",
                "- gone",
                "+ hard",
                "+ new"));
        if (!superuser) {
            expected.removeAll(List.of("M chgrp ctime,gid", "M chown ctime,uid"));
        }
        assertEquals(expected.size(), got.size(), got.toString());
        for (int i = 0; i < expected.size(); i++) {
            String e = expected.get(i);
            String g = got.get(i);
            if (!e.contains("[")) {
                assertEquals(e, g);
                continue;
            }
            String[] want = e.split(" ");
            String[] have = g.split(" ");
            assertEquals(want[1], have[1]);
            Set<String> fields = Set.of(have[2].split(","));
            Set<String> required = Set.of(want[2].split(","));
            assertTrue(fields.containsAll(required), g);
            Set<String> extra = new java.util.HashSet<>(fields);
            extra.removeAll(required);
            Set<String> optional = Set.of(e.substring(e.indexOf('[') + 1, e.indexOf(']')).split(","));
            assertTrue(optional.containsAll(extra), g);
        }
    }

    @Test
    void aRenamedFileIsAMoveAndAHardLinkIsNot() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("a/report.txt", 5).file("b/data", 7).dir("c").root();
        Path a = snap();
        Files.move(root.resolve("a/report.txt"), root.resolve("c/renamed.txt"));
        Files.createLink(root.resolve("c/second-name"), root.resolve("b/data"));
        Path b = snap();
        List<String> got = lines(Snapshots.diff(a, b));
        assertEquals(List.of("M b/data ctime,nlink", "> a/report.txt -> c/renamed.txt ctime", "+ c/second-name"),
                got);
    }

    @Test
    void aMovedDirectoryIsOneMoveWithNothingReportedInside() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("projects/alpha/src/main.c", 10).file("projects/alpha/README", 3)
                .dir("archive").root();
        Path a = snap();
        Files.move(root.resolve("projects/alpha"), root.resolve("archive/alpha"));
        Path b = snap();
        List<String> got = lines(Snapshots.diff(a, b));
        assertEquals(1, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("> projects/alpha -> archive/alpha"), got.get(0));
    }

    @Test
    void aFileMovedIntoANewDirectoryIsFoundAsAMove() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("app.log", 4).file("other", 1).root();
        Path a = snap();
        Files.createDirectories(root.resolve("old/logs"));
        Files.move(root.resolve("app.log"), root.resolve("old/logs/app.log"));
        Path b = snap();
        assertEquals(List.of("> app.log -> old/logs/app.log ctime", "+ old", "+ old/logs"),
                lines(Snapshots.diff(a, b)));
    }

    @Test
    void aRemovedDirectoryListsEverythingThatWentWithIt() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("tmp/x/1", 1).file("tmp/x/2", 1).file("tmp/3", 1)
                .file("stay", 1).root();
        Path a = snap();
        try (var walk = Files.walk(root.resolve("tmp"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Path b = snap();
        assertEquals(List.of("- tmp", "- tmp/3", "- tmp/x", "- tmp/x/1", "- tmp/x/2"), lines(Snapshots.diff(a, b)));
    }

    @Test
    void oneChangeDeepInABigTreeReadsOnlyItsPath() throws Exception {
        root = dir.resolve("t");
        TreeGenerator.generate(root, 2_000);
        Path a = snap();
        Path deep;
        try (var walk = Files.walk(root)) {
            deep = walk.filter(Files::isRegularFile).max(java.util.Comparator.comparingInt(Path::getNameCount))
                    .orElseThrow();
        }
        Files.write(deep, new byte[] {1}, StandardOpenOption.APPEND);
        Path b = snap();
        try (Snapshot x = Snapshot.open(a); Snapshot y = Snapshot.open(b)) {
            List<Change> changes = new java.util.ArrayList<>();
            DiffSummary s = Differ.compare(x, y, changes::add);
            assertEquals(List.of("M " + root.relativize(deep) + " size,mtime,ctime"), lines(changes));
            int depth = root.relativize(deep).getNameCount();
            assertEquals(2L * depth, s.directoriesRead(), "one block per level, per side");
            assertTrue(s.subtreesSkipped() > 0);
        }
    }

    @Test
    void anUnreadableSubtreeIsReportedAsSuchAndNothingBelowItAsRemoved() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("real/f", 1).file("real/g", 1).root();
        Path a = snap();
        // real/up leads back to real: with --follow, the scan cannot enter it (a loop).
        Files.createSymbolicLink(root.resolve("real/up"), Path.of(".."));
        Path b = dir.resolve("snap-follow");
        Snapshots.take(ScanOptions.builder(root).threads(2).followSymlinks(true).build(), b, Duration.ZERO);
        Path c = dir.resolve("snap-after");
        Files.delete(root.resolve("real/up"));
        Files.createDirectory(root.resolve("real/up"));
        Files.write(root.resolve("real/up/inside"), new byte[1]);
        Snapshots.take(root, c, Duration.ZERO);
        List<String> bc = lines(Snapshots.diff(b, c));
        assertTrue(bc.contains("! real/up ELOOP in old"), bc.toString());
        assertTrue(bc.stream().noneMatch(l -> l.contains("real/up/")), "nothing below an unreadable subtree: " + bc);
        List<String> ab = lines(Snapshots.diff(a, b));
        assertTrue(ab.contains("! real/up ELOOP in new"), ab.toString());
    }

    @Test
    void racyEntriesAreFlaggedNotHidden() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("old", 1).file("fresh", 1).root();
        Files.setLastModifiedTime(root.resolve("old"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        // ctime cannot be set back, so the window reaches back only as far as "old"'s ctime must not be racy
        Thread.sleep(1100);
        Files.write(root.resolve("fresh"), new byte[2]);
        Path a = dir.resolve("racy-a");
        Snapshots.take(root, a, Duration.ofSeconds(1));
        Path b = dir.resolve("racy-b");
        Snapshots.take(root, b, Duration.ZERO);
        List<Change> changes = Snapshots.diff(a, b);
        List<String> got = lines(changes);
        assertTrue(got.contains("? fresh"), got.toString());
        assertTrue(got.stream().noneMatch(l -> l.endsWith(" old")), got.toString());
        Files.write(root.resolve("fresh"), new byte[3]);
        Path c = dir.resolve("racy-c");
        Snapshots.take(root, c, Duration.ofSeconds(1));
        Change m = Snapshots.diff(b, c).stream().filter(x -> Snapshots.key(x.path()).equals("fresh")).findFirst()
                .orElseThrow();
        assertEquals(Change.Kind.MODIFIED, m.kind());
        assertTrue(m.racy(), "modified during the new scan's window: flagged");
    }

    @Test
    void namesThatAreNotTextSurviveTheComparison() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).dir("d").root();
        Path a = snap();
        Process p = new ProcessBuilder("bash", "-c", "touch \"$1\"/d/$'\\xff\\xfe\\n'", "_", root.toString()).start();
        assertEquals(0, p.waitFor());
        Path b = snap();
        Change added = Snapshots.diff(a, b).stream().filter(c -> c.kind() == Change.Kind.ADDED).findFirst()
                .orElseThrow();
        assertEquals(List.of((byte) 'd', (byte) '/', (byte) 0xff, (byte) 0xfe, (byte) '\n'),
                toList(added.path()));
        assertTrue(Snapshots.key(added.path()).length() == 5);
        assertEquals("d/\ufffd\ufffd\n", new String(added.path(), StandardCharsets.UTF_8));
    }

    private static List<Byte> toList(byte[] b) {
        List<Byte> l = new java.util.ArrayList<>();
        for (byte x : b) {
            l.add(x);
        }
        return l;
    }
}
