package dev.fsnap.example.backup;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;
import dev.fsnap.repository.Run;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten incremental runs over a tree changed at random between them (content rewritten, modes
 * changed, files touched, renamed and deleted, new directories, hard and symbolic links, a name
 * that is not UTF-8); each run's restore into an empty directory is the source as it was at that
 * run, by rsync's checksums and by fsnap's own comparison; each run reads exactly the files the
 * last snapshot cannot vouch for, once each.
 */
class BackupRestoreTest {
    @TempDir
    Path dir;


    private static Snapshot snapshot(Path root, Path file) throws Exception {
        try (SnapshotScan scan = Scanner.of(ScanOptions.builder(root).build()).writingTo(file).start(null)) {
            scan.await();
            scan.commit();
        }
        return Snapshot.open(file);
    }

    private static Path pick(Random random, Path src) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(src)) {
            all.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
        }
        return files.isEmpty() ? null : files.get(random.nextInt(files.size()));
    }

    private static void change(Random random, Path src, int round) throws Exception {
        for (int k = 0; k < 12; k++) {
            Path f = pick(random, src);
            switch (random.nextInt(8)) {
                case 0 -> { // rewritten
                    if (f != null) {
                        byte[] b = new byte[random.nextInt(20_000)];
                        random.nextBytes(b);
                        Files.write(f, b);
                    }
                }
                case 1 -> { // mode changed
                    if (f != null) {
                        Set<PosixFilePermission> p = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                        if (random.nextBoolean()) {
                            p.add(PosixFilePermission.GROUP_READ);
                        }
                        Files.setPosixFilePermissions(f, p);
                    }
                }
                case 2 -> { // touched
                    if (f != null) {
                        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(random.nextInt(100_000))));
                    }
                }
                case 3 -> { // renamed
                    if (f != null) {
                        Files.move(f, f.resolveSibling("renamed-" + round + "-" + k));
                    }
                }
                case 4 -> { // deleted
                    if (f != null) {
                        Files.delete(f);
                    }
                }
                case 5 -> { // a new directory with files
                    Path d = Files.createDirectories(src.resolve("new-" + round + "-" + k).resolve("deeper"));
                    for (int i = 0; i < 3; i++) {
                        byte[] b = new byte[random.nextInt(5_000)];
                        random.nextBytes(b);
                        Files.write(d.resolve("f" + i), b);
                    }
                }
                case 6 -> { // a hard link
                    if (f != null) {
                        Files.createLink(f.resolveSibling("hard-" + round + "-" + k), f);
                    }
                }
                default -> { // a symbolic link, relative, possibly dangling
                    Files.createSymbolicLink(src.resolve("link-" + round + "-" + k),
                            Path.of(random.nextBoolean() && f != null ? src.relativize(f).toString() : "nowhere"));
                }
            }
        }
    }

    /** The fields whose change means a file's content may have changed: what makes a scan read it again. */
    private static final Set<Field> CONTENT_MAY_HAVE_CHANGED = Set.of(Field.SIZE, Field.MTIME, Field.CTIME, Field.INO);

    /**
     * The bytes of the regular files the last snapshot cannot vouch for: new paths (a file moved
     * is found by its path, so under its new name it is new), and files whose size, times or inode
     * changed (a mode, an owner or a new hard link changes the ctime: content could have been
     * changed and the mtime put back). {@code ReadPlan} lists fewer: it is made after tonight's scan
     * and leaves out the files whose digest that scan found unchanged.
     */
    private static long changedBytes(Snapshot before, Snapshot now) throws IOException {
        long sum = 0;
        try (Stream<Change> changes = Differ.changes(before, now)) {
            for (Change c : (Iterable<Change>) changes::iterator) {
                if (c instanceof Change.Added a && a.after().type() == EntryType.FILE) {
                    sum += a.after().size();
                } else if (c instanceof Change.Moved m && m.after().type() == EntryType.FILE) {
                    sum += m.after().size();
                } else if (c instanceof Change.Modified m && m.after().type() == EntryType.FILE
                        && (m.before().type() != EntryType.FILE
                        || m.fields().stream().anyMatch(CONTENT_MAY_HAVE_CHANGED::contains))) {
                    sum += m.after().size();
                }
            }
        }
        return sum;
    }

    @Test
    void tenIncrementalRunsEachRestoreTheSourceAsItWasReadingOnlyWhatChanged() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/rsync")), "needs rsync");
        Random random = new Random(20261206);
        Path src = Files.createDirectories(dir.resolve("src"));
        for (int d = 0; d < 5; d++) {
            Path sub = Files.createDirectories(src.resolve("d" + d));
            for (int f = 0; f < 8; f++) {
                byte[] b = new byte[random.nextInt(30_000)];
                random.nextBytes(b);
                Files.write(sub.resolve("f" + f), b);
            }
        }
        // "café" in UTF-8, and in Latin-1: bytes that are no UTF-8 (made by a file: URI, which carries bytes)
        Files.writeString(Path.of(java.net.URI.create(src.toUri() + "d0/caf%C3%A9")), "utf-8");
        Files.writeString(Path.of(java.net.URI.create(src.toUri() + "d1/caf%E9")), "latin-1");
        Path store = dir.resolve("store");
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                change(random, src, round);
            }
            Thread.sleep(2_100); // outside the racy window: a run after this one trusts what it saw
            Ran b = Ran.backup("backup", src.toString(), store.toString());
            assertEquals(0, b.status(), b.err());

            List<Run> runs = Backup.series(store).runs();
            Run latest = runs.get(runs.size() - 1);
            long expected;
            if (runs.size() == 1) {
                try (Snapshot now = Snapshot.open(latest.snapshot())) {
                    expected = now.bytes();
                }
            } else {
                try (Snapshot before = Snapshot.open(runs.get(runs.size() - 2).snapshot());
                     Snapshot now = Snapshot.open(latest.snapshot())) {
                    expected = changedBytes(before, now);
                }
            }
            assertTrue(b.out().contains(", " + expected + " bytes"), "round " + round + ": read what changed, "
                    + expected + " bytes: " + b.out());

            Path restored = dir.resolve("restored-" + round);
            Ran r = Ran.backup("restore", store.toString(), restored.toString());
            assertEquals(0, r.status(), r.err());
            Process rsync = new ProcessBuilder("rsync", "-aHnc", "--delete", "--itemize-changes", src + "/", restored + "/")
                    .redirectErrorStream(true).start();
            String differences = new String(rsync.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, rsync.waitFor(), differences);
            assertEquals("", differences, "round " + round + ": rsync finds differences");

            try (Snapshot a = snapshot(src, dir.resolve("src-" + round + ".snap"));
                 Snapshot c = snapshot(restored, dir.resolve("restored-" + round + ".snap"));
                 Stream<Change> changes = Differ.changes(a, c)) {
                List<String> other = changes.filter(ch -> !(ch instanceof Change.Modified m)
                                || !Set.of(Field.CTIME, Field.INO).containsAll(m.fields()))
                        .map(Object::toString).toList();
                assertEquals(List.of(), other, "round " + round + ": fsnap finds changes beyond ctime and inode");
            }
        }
    }
}
