package dev.fsnap.snapshot;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanError;
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

/** Taking and reading snapshots in tests. */
final class Snapshots {
    private Snapshots() {
    }

    static ScanOptions options(Path root) {
        return ScanOptions.builder(root).threads(2).backend(Backend.AUTO).build();
    }

    /** Scans {@code root} into {@code file} with the given racy window; returns the scan's summary. */
    static ScanSummary take(Path root, Path file, Duration racyWindow) throws Exception {
        return take(options(root), file, racyWindow);
    }

    static ScanSummary take(ScanOptions options, Path file, Duration racyWindow) throws Exception {
        try (SnapshotWriter w = SnapshotWriter.create(file, options, racyWindow)) {
            ScanSummary s = Scanner.of(options).scan(w.listener());
            w.commit(s);
            return s;
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
