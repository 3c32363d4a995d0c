package dev.fsnap.scan;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trees other people filled: each case builds the tree and checks the exact entries and errors. */
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
public class HostileTreeTest {
    HostileTreeTest() {
    }

    @TempDir
    Path dir;

    private final List<Path> mounts = new ArrayList<>();

    @AfterEach
    void unmountAndRemoveDeepTrees() throws Exception {
        for (Path m : mounts) {
            sh("umount -l \"$1\"", m.toString());
        }
        // JUnit's cleanup cannot delete paths longer than PATH_MAX; rm walks with descriptors.
        sh("rm -rf \"$1\"/deep", dir.toString());
    }

    static int sh(String script, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "_"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out;
        // Closed here, not by the JDK's reaper thread after waitFor returns: the tests count this
        // process's descriptors, and the reaper's close would race with the count.
        try (var stdout = p.getInputStream()) {
            out = new String(stdout.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script);
        if (p.exitValue() != 0) {
            System.err.println(script + ": " + out);
        }
        return p.exitValue();
    }

    /** What a scan saw: entries by path (Latin-1, so any byte survives as one char), errors as lines. */
    public record Seen(Map<String, Entry> entries, List<String> errors, ScanSummary summary, int peakDescriptors) {
    }

    public static Seen scan(ScanOptions options) throws Exception {
        Map<String, Entry> entries = Collections.synchronizedMap(new TreeMap<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger peak = new AtomicInteger();
        ScanSummary s = Scanner.of(options).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                entries.put(latin1(e.path()), e);
                if (e.type() == EntryType.DIRECTORY) {
                    peak.accumulateAndGet(Descriptors.count(), Math::max);
                }
            }

            @Override
            public void error(ScanError e) {
                errors.add(latin1(e.path()) + " " + e.operation() + " " + e.code());
            }
        });
        Collections.sort(errors);
        return new Seen(entries, errors, s, peak.get());
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * The descriptor count with the scanner's classes loaded: loading a class from a jar not yet
     * opened keeps that jar open, which is not the scan's doing.
     */
    int baseline() throws Exception {
        Path warm = TreeBuilder.at(dir.resolve("warm-up-" + System.nanoTime())).file("d/f", 1).root();
        scan(options(warm));
        snapshot(warm, dir.resolve("warm-up.snap"));
        return Descriptors.count();
    }

    ScanOptions options(Path root) {
        return builder(root).build();
    }

    /** Descriptors each of the scan's two workers holds for the whole scan besides the directories it reads. */
    int descriptorsPerWorker() {
        return 0;
    }

    /** How this class's scans are made: a subclass runs every case another way. */
    ScanOptions.Builder builder(Path root) {
        return ScanOptions.builder(root).threads(2);
    }

    @Test
    void namesThatAreNotTextAreKeptByteExact() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).dir("d").root();
        String x255 = "x".repeat(255);
        assertEquals(0, sh("cd \"$1\" && touch $'\\xff\\xfe' $'new\\nline' 'back\\slash' ./-dash \"$2\" "
                + "$'d/\\xe9t\\xe9' $'tab\\there' ' lead-space'", root.toString(), x255));
        Seen seen = scan(options(root));
        Set<String> expected = Set.of("", "d", "\u00ff\u00fe", "new\nline", "back\\slash", "-dash", x255,
                "d/\u00e9t\u00e9", "tab\there", " lead-space");
        assertEquals(expected, seen.entries().keySet());
        assertEquals(List.of(), seen.errors());
    }

    @Test
    void aTreeFarDeeperThanPathMaxIsScannedWithFewDescriptors() throws Exception {
        int depth = 3000;
        Path root = Files.createDirectories(dir.resolve("deep"));
        assertEquals(0, sh("python3 - \"$1\" \"$2\" <<'PY'\n"
                + "import os, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                + "for i in range(int(sys.argv[2])):\n"
                + "    os.mkdir('level', dir_fd=fd)\n"
                + "    n = os.open('level', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = n\n"
                + "os.close(os.open('bottom', os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))\n"
                + "PY", root.toString(), Integer.toString(depth)));
        int before = baseline();
        Seen seen = scan(options(root));
        assertEquals(List.of(), seen.errors());
        assertEquals(depth + 2, seen.entries().size(), "the root, every level and the file at the bottom");
        String bottom = "level/".repeat(depth) + "bottom";
        assertTrue(bottom.length() > 4 * 4096);
        assertEquals(EntryType.FILE, seen.entries().get(bottom).type());
        assertTrue(seen.peakDescriptors() <= before + 2 + 4 + 2 * descriptorsPerWorker(),
                "descriptors: " + seen.peakDescriptors() + " at the peak, " + before + " before");
        assertClosed(root, before, "after the scan");

        // Through a snapshot and a comparison too: both walk the depth without running out of stack.
        Path a = dir.resolve("deep-a.snap");
        Path b = dir.resolve("deep-b.snap");
        snapshot(root, a);
        assertEquals(0, sh("python3 - \"$1\" \"$2\" <<'PY'\n"
                + "import os, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
                + "for i in range(int(sys.argv[2])):\n"
                + "    n = os.open('level', os.O_RDONLY, dir_fd=fd); os.close(fd); fd = n\n"
                + "f = os.open('bottom', os.O_WRONLY | os.O_APPEND, dir_fd=fd); os.write(f, b'more'); os.close(f)\n"
                + "PY", root.toString(), Integer.toString(depth)));
        snapshot(root, b);
        List<dev.fsnap.snapshot.Change> changes = new ArrayList<>();
        try (var x = dev.fsnap.snapshot.Snapshot.open(a); var y = dev.fsnap.snapshot.Snapshot.open(b)) {
            dev.fsnap.snapshot.Differ.compare(x, y, changes::add);
            assertEquals(EntryType.FILE, y.lookup(bottom.getBytes(StandardCharsets.UTF_8)).entry().type());
        }
        assertEquals(1, changes.stream().filter(c -> c.after().type() == EntryType.FILE).count(), changes.toString());
        assertEquals(bottom, latin1(changes.get(changes.size() - 1).path()));
    }

    void snapshot(Path root, Path file) throws Exception {
        dev.fsnap.snapshot.Snapshots.take(options(root), file, Duration.ZERO);
    }

    @Test
    void linksAreNeverFollowedByDefaultNorOutOfTheRootAndLoopsEnd() throws Exception {
        Path outside = TreeBuilder.at(dir.resolve("outside")).file("secret", 1).root();
        Path root = TreeBuilder.at(dir.resolve("t")).file("in/f", 1).symlink("link-in", "in")
                .symlink("link-out", outside.toString()).symlink("link-out-relative", "../outside")
                .symlink("loop", ".").symlink("in/up", "..").root();
        Seen plain = scan(options(root));
        assertEquals(Set.of("", "in", "in/f", "in/up", "link-in", "link-out", "link-out-relative", "loop"),
                plain.entries().keySet());
        assertEquals(EntryType.SYMLINK, plain.entries().get("link-out").type());
        assertEquals(List.of(), plain.errors());

        Seen followed = scan(builder(root).followSymlinks(true).build());
        assertEquals(Set.of("", "in", "in/f", "in/up", "link-in", "link-in/f", "link-in/up", "link-out",
                "link-out-relative", "loop"), followed.entries().keySet());
        assertEquals(List.of("in/up OPEN ELOOP", "link-in/up OPEN ELOOP", "link-out OPEN EXDEV",
                "link-out-relative OPEN EXDEV", "loop OPEN ELOOP"), followed.errors());
    }

    @Test
    void specialFilesAreRecordedAndNeverOpened() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).fifo("pipe").socket("sock").root();
        boolean devices = sh("mknod \"$1\"/null c 1 3 && mknod \"$1\"/loop0 b 7 0", root.toString()) == 0;
        // Opening a fifo with no writer blocks forever: a scan that opened it would never end.
        Seen seen = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> scan(options(root)));
        assertEquals(EntryType.FIFO, seen.entries().get("pipe").type());
        assertEquals(EntryType.SOCKET, seen.entries().get("sock").type());
        if (devices) {
            assertEquals(EntryType.CHAR_DEVICE, seen.entries().get("null").type());
            assertEquals(EntryType.BLOCK_DEVICE, seen.entries().get("loop0").type());
        }
        assertEquals(List.of(), seen.errors());
    }

    @Test
    void oneFileSystemStopsAtAMountPointAndCrossingShowsInTheDevice() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("here", 1).dir("mnt").root();
        Assumptions.assumeTrue(sh("mount -t tmpfs fsnap-test \"$1\"/mnt && touch \"$1\"/mnt/there",
                root.toString()) == 0, "mounting a tmpfs needs root and CAP_SYS_ADMIN");
        mounts.add(root.resolve("mnt"));
        Seen all = scan(options(root));
        assertEquals(Set.of("", "here", "mnt", "mnt/there"), all.entries().keySet());
        long rootDevice = all.entries().get("").device();
        assertTrue(all.entries().get("mnt").device() != rootDevice, "the mount point is the tmpfs root");
        assertTrue(all.entries().get("mnt/there").device() != rootDevice);

        Seen one = scan(builder(root).oneFileSystem(true).build());
        assertEquals(Set.of("", "here", "mnt"), one.entries().keySet());
        assertEquals(List.of(), one.errors());
    }

    @Test
    void theScanChangesNothingItReads() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/f", 3).file("b/g", 4).root();
        FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
        List<Path> all;
        try (var w = Files.walk(root)) {
            all = w.toList();
        }
        for (Path p : all) {
            Files.setAttribute(p, "lastAccessTime", old);
        }
        Map<Path, Object> before = new TreeMap<>();
        for (Path p : all) {
            before.put(p, Files.readAttributes(p, "unix:lastAccessTime,lastModifiedTime,ctime,size"));
        }
        scan(options(root));
        scan(builder(root).backend(Backend.NATIVE).build());
        for (Path p : all) {
            assertEquals(before.get(p).toString(),
                    Files.readAttributes(p, "unix:lastAccessTime,lastModifiedTime,ctime,size").toString(),
                    "atime, mtime, ctime and size of " + p);
        }
        try (var w = Files.walk(root)) {
            assertEquals(all, w.toList(), "nothing created in the tree");
        }
    }

    /**
     * Nothing of the tree is open, and the process holds as many descriptors as before: allowing
     * two seconds for those that other threads of this test JVM close on their own (a FUSE fixture
     * of an earlier test released, a child process reaped); a leak stays.
     */
    private static void assertClosed(Path root, int before, String when) throws InterruptedException {
        assertEquals(List.of(), Descriptors.openBelow(root), when);
        long end = System.nanoTime() + 2_000_000_000L;
        while (Descriptors.count() != before && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertEquals(before, Descriptors.count(), () -> when + ": " + Descriptors.list());
    }

    @Test
    void everyDescriptorIsCloseOnExecAndAllAreClosedAfterEveryKindOfEnd() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b/c/d", 1).file("e/f", 1).root();
        int before = baseline();
        List<String> seenOpen = Collections.synchronizedList(new ArrayList<>());
        Scanner.of(options(root)).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                seenOpen.addAll(Descriptors.openBelow(root));
            }
        });
        assertTrue(seenOpen.size() > 0, "descriptors were seen open during the scan");
        assertTrue(seenOpen.stream().allMatch(l -> l.endsWith(" cloexec")), seenOpen.toString());
        assertClosed(root, before, "after a complete scan");

        try {
            Scanner.of(options(dir.resolve("missing"))).scan(null);
        } catch (java.nio.file.NoSuchFileException expected) {
            // a failed scan
        }
        assertClosed(root, before, "after a failed scan");

        Scan cancelled = Scanner.of(options(root)).start(null);
        cancelled.cancel();
        cancelled.await();
        assertClosed(root, before, "after a cancelled scan");
    }

    @Test
    void aChildStartedDuringAScanInheritsNoDescriptor() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b/c", 1).file("d/e", 1).root();
        Path out = dir.resolve("child-fds");
        jnr.posix.POSIX posix = jnr.posix.POSIXFactory.getNativePOSIX();
        List<Long> pids = new ArrayList<>();
        Scanner.of(options(root)).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                if (pids.isEmpty() && e.path().length > 0) {
                    // posix_spawn, unlike ProcessBuilder, closes nothing: the child keeps what is inheritable.
                    pids.add((long) posix.posix_spawnp("/bin/sh", List.of(), List.of("sh", "-c",
                            "ls -l /proc/$$/fd > '" + out + "'"), List.of("PATH=/usr/bin:/bin")));
                }
            }
        });
        int[] status = new int[1];
        posix.waitpid(pids.get(0), status, 0);
        String fds = Files.readString(out);
        assertTrue(fds.contains(" -> "), fds);
        assertTrue(!fds.contains(root.toString()), "the child holds none of the scan's directories: " + fds);
    }

    @Test
    void aTreeMutatedDuringTheScanEndsConsistently() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).root();
        for (int d = 0; d < 20; d++) {
            for (int f = 0; f < 50; f++) {
                Files.write(Files.createDirectories(root.resolve("d" + d)).resolve("f" + f), new byte[f]);
            }
        }
        int before = baseline();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        AtomicInteger mutations = new AtomicInteger();
        Thread mutator = new Thread(() -> {
            java.util.Random r = new java.util.Random(1);
            while (System.nanoTime() < end) {
                Path d = root.resolve("d" + r.nextInt(20));
                Path f = d.resolve("f" + r.nextInt(50));
                try {
                    switch (r.nextInt(5)) {
                        case 0 -> Files.deleteIfExists(f);
                        case 1 -> Files.write(f, new byte[r.nextInt(100)]);
                        case 2 -> Files.move(f, d.resolve("f" + r.nextInt(50)),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        case 3 -> { // a directory replaced by a file, and back
                            Path x = root.resolve("x" + r.nextInt(5));
                            if (Files.isDirectory(x)) {
                                try (var s = Files.list(x)) {
                                    for (Path p : s.toList()) {
                                        Files.deleteIfExists(p);
                                    }
                                }
                                Files.delete(x);
                                Files.write(x, new byte[1]);
                            } else {
                                Files.deleteIfExists(x);
                                Files.createDirectories(x.resolve("inner"));
                            }
                        }
                        default -> Files.createDirectories(d.resolve("n" + r.nextInt(10)));
                    }
                    mutations.incrementAndGet();
                } catch (java.io.IOException raced) {
                    // the mutator races itself too
                }
            }
        });
        mutator.start();
        int scans = 0;
        Set<String> codes = ConcurrentHashMap.newKeySet();
        while (mutator.isAlive()) {
            Seen seen = scan(options(root));
            scans++;
            assertEquals(seen.summary().entries(), seen.entries().size(), "every entry counted was delivered");
            assertEquals(seen.summary().errors(), seen.errors().size(), "every error counted was delivered");
            seen.errors().forEach(e -> codes.add(e.substring(e.lastIndexOf(' ') + 1)));
        }
        mutator.join();
        assertTrue(scans >= 2 && mutations.get() > 100, scans + " scans, " + mutations + " mutations");
        assertTrue(Set.of("ENOENT", "ENOTDIR", "ELOOP").containsAll(codes), "errors only from races: " + codes);
        assertClosed(root, before, "after the scan");
    }

    @Test
    void directoriesThatVanishOrTurnIntoFilesBeforeTheyAreOpenedAreRecorded() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("gone/inside", 1).file("becomes-file/inside", 1)
                .file("stays/inside", 1).root();
        // The visitor sees a directory's entries before its subdirectories are opened: the moment
        // another process's change lands between the listing and the open.
        int base = baseline();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        Map<String, Entry> entries = new ConcurrentHashMap<>();
        Scanner.of(options(root)).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                entries.put(latin1(e.path()), e);
                try {
                    if (latin1(e.path()).equals("gone")) {
                        sh("rm -rf \"$1\"", root.resolve("gone").toString());
                    } else if (latin1(e.path()).equals("becomes-file")) {
                        sh("rm -rf \"$1\" && echo x > \"$1\"", root.resolve("becomes-file").toString());
                    }
                } catch (Exception x) {
                    throw new IllegalStateException(x);
                }
            }

            @Override
            public void error(ScanError e) {
                errors.add(latin1(e.path()) + " " + e.operation() + " " + e.code());
            }
        });
        assertEquals(Set.of("", "gone", "becomes-file", "stays", "stays/inside"), entries.keySet());
        Collections.sort(errors);
        assertEquals(List.of("becomes-file OPEN ENOTDIR", "gone OPEN ENOENT"), errors);
        assertClosed(root, base, "after the scan");
    }

    @Test
    void aWideDirectoryIsReadWithOneDescriptor() throws Exception {
        Path root = Files.createDirectories(dir.resolve("t/wide"));
        assertEquals(0, sh("python3 -c \"import os,sys\nfor i in range(10000): os.close(os.open(sys.argv[1] + '/n%d' % i, os.O_CREAT | os.O_WRONLY))\" \"$1\"",
                root.toString()));
        int base = baseline();
        AtomicInteger peak = new AtomicInteger();
        ScanSummary s = Scanner.of(options(root)).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                if (e.path().length > 0 && e.path()[e.path().length - 1] == '0') {
                    peak.accumulateAndGet(Descriptors.count(), Math::max);
                }
            }
        });
        assertEquals(10001, s.entries()); // four getdents64 batches of 64 KiB
        assertTrue(peak.get() <= base + 2 + 2 + 2 * descriptorsPerWorker(), "peak " + peak + ", baseline " + base);
        assertClosed(root, base, "after the scan");
    }

    @Test
    void entriesRemovedBetweenListingAndStatAreRecordedByNameNotDropped() throws Exception {
        Path root = Files.createDirectories(dir.resolve("t/wide"));
        assertEquals(0, sh("python3 -c \"import os,sys\nfor i in range(10000): os.close(os.open(sys.argv[1] + '/n%d' % i, os.O_CREAT | os.O_WRONLY))\" \"$1\"",
                root.toString()));
        // One worker: it stats the first getdents64 batch, forks the next two to wait (the bound on
        // waiting chunks), and stats every later batch itself. Batches hold 2,048 to 2,730 of these
        // names, so the 4,000th entry delivered is in the reader's second own batch: by then the two
        // waiting batches have been listed but not stat'ed. Deleting every name not yet delivered
        // makes exactly those fail with ENOENT; names not yet listed simply vanish.
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        ScanOptions one = builder(root).threads(1).build();
        Path file = dir.resolve("race.snap");
        ScanSummary s = dev.fsnap.snapshot.Snapshots.take(one, file, Duration.ZERO, new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                delivered.add(latin1(e.path()));
                if (delivered.size() == 4000) {
                    try (var names = Files.list(root)) {
                        for (Path p : names.toList()) {
                            if (!delivered.contains(p.getFileName().toString())) {
                                Files.delete(p);
                            }
                        }
                    } catch (java.io.IOException x) {
                        throw new java.io.UncheckedIOException(x);
                    }
                }
            }

            @Override
            public void error(ScanError e) {
                errors.add(latin1(e.path()) + " " + e.operation() + " " + e.code());
            }
        });
        // The snapshot keeps those names, as entries that could not be read: not dropped, not absent.
        List<String> stored = new ArrayList<>();
        try (var snap = dev.fsnap.snapshot.Snapshot.open(file)) {
            snap.walk(new dev.fsnap.snapshot.Snapshot.Visitor() {
                @Override
                public void entry(Entry e) {
                }

                @Override
                public void unreadable(ScanError e) {
                    stored.add(latin1(e.path()) + " " + e.operation() + " " + e.code());
                }
            });
            String gone = errors.get(0).substring(0, errors.get(0).indexOf(' '));
            assertEquals(dev.fsnap.snapshot.Snapshot.Status.UNREADABLE,
                    snap.lookup(gone.getBytes(StandardCharsets.ISO_8859_1)).status());
        }
        Collections.sort(stored);
        List<String> reported = new ArrayList<>(errors);
        Collections.sort(reported);
        assertEquals(reported, stored);
        assertTrue(errors.size() >= 2 * 2048, "the two waiting batches were gone when stat'ed: " + errors.size());
        assertTrue(errors.stream().allMatch(l -> l.matches("n\\d+ STAT ENOENT")), errors.toString());
        assertEquals(s.errors(), errors.size());
        assertEquals(s.entries(), delivered.size());
        for (String l : errors) {
            assertTrue(!delivered.contains(l.substring(0, l.indexOf(' '))), l + ": both delivered and failed");
        }
    }
}
