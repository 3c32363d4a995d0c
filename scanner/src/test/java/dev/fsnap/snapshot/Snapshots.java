package dev.fsnap.snapshot;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Taking and reading snapshots in tests. Public for the tests of other packages that need what the
 * library's one way ({@link Scanner#writingTo}) does not offer: a chosen racy window, or a summary
 * that claims fields absent, as another system's backend would.
 */
public final class Snapshots {
    private Snapshots() {
    }

    static ScanOptions options(Path root) {
        return ScanOptions.builder(root).threads(2).backend(Backend.AUTO).build();
    }

    /** Scans {@code root} into {@code file} with the given racy window; returns the scan's summary. */
    static ScanSummary take(Path root, Path file, Duration racyWindow) throws Exception {
        return take(options(root), file, racyWindow);
    }

    public static ScanSummary take(ScanOptions options, Path file, Duration racyWindow) throws Exception {
        return take(options, file, racyWindow, null);
    }

    /** As {@link #take(ScanOptions, Path, Duration)}, telling {@code listener} of errors (and entries, when it visits them). */
    public static ScanSummary take(ScanOptions options, Path file, Duration racyWindow, ScanListener listener)
            throws Exception {
        try (SnapshotWriter w = SnapshotWriter.create(file, options, racyWindow)) {
            ScanSummary s = Scanner.of(options).scan(w.listenerWith(listener));
            w.commit(s);
            return s;
        }
    }

    /** Scans into {@code file} and records {@code absent} as the fields the backend could not read. */
    public static void takeWithAbsent(ScanOptions options, Path file, java.util.Set<dev.fsnap.scan.Field> absent)
            throws Exception {
        try (SnapshotWriter w = SnapshotWriter.create(file, options)) {
            ScanSummary s = Scanner.of(options).scan(w.listener());
            w.commit(new ScanSummary(s.entries(), s.directories(), s.errors(), s.bytes(), s.elapsed(), s.backend(),
                    s.backendReason(), s.threads(), s.threadsReason(), s.cancelled(), absent, s.roundTrips()));
        }
    }

    /** Every entry a live scan sees, by display path. */
    static Map<String, Entry> scan(ScanOptions options) throws Exception {
        Map<String, Entry> m = new TreeMap<>();
        Scanner.of(options).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                m.put(key(e.path()), e);
            }
        });
        return m;
    }

    /** Every entry of a snapshot by path, and its unreadable list from the walk. */
    static Map<String, Entry> read(Path file, List<ScanError> unreadable) throws Exception {
        Map<String, Entry> m = new TreeMap<>();
        try (Snapshot s = Snapshot.open(file)) {
            s.walk(new Snapshot.Visitor() {
                @Override
                public void entry(Entry e) {
                    m.put(key(e.path()), e);
                }

                @Override
                public void unreadable(ScanError e) {
                    unreadable.add(e);
                }
            });
        }
        return m;
    }

    /** Every path a comparison names: a move's both ends. */
    static List<byte[]> changedPaths(Path from, Path to) throws Exception {
        List<byte[]> paths = new ArrayList<>();
        for (Change c : diff(from, to)) {
            paths.add(c.path());
            if (c instanceof Change.Moved m) {
                paths.add(m.from());
            }
        }
        return paths;
    }

    /**
     * The directories moved to one of {@code paths} (or from one), as an approval takes them: with
     * what they hold, which the comparison lists under the old path only.
     */
    static List<byte[]> movedDirectories(Path old, Path now, List<byte[]> paths) throws Exception {
        List<byte[]> trees = new ArrayList<>();
        for (Change c : diff(old, now)) {
            if (c instanceof Change.Moved m && m.after().type() == dev.fsnap.scan.EntryType.DIRECTORY
                    && paths.stream().anyMatch(p -> java.util.Arrays.equals(p, m.path()) || java.util.Arrays.equals(p, m.from()))) {
                trees.add(m.path());
            }
        }
        return trees;
    }

    static List<Change> diff(Path old, Path now) throws Exception {
        List<Change> changes = new ArrayList<>();
        try (Snapshot a = Snapshot.open(old); Snapshot b = Snapshot.open(now)) {
            Differ.compare(a, b, changes::add);
        }
        return changes;
    }

    static String key(byte[] path) {
        return new String(path, StandardCharsets.ISO_8859_1);
    }
}
