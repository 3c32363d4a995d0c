package dev.fsnap.cli;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.snapshot.DiffSummary;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.IncompatibleSnapshotException;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** Opening snapshots and reporting comparisons, for {@code ls}, {@code diff} and {@code check}. */
final class SnapshotFiles {
    /** diff(1)'s convention: no differences. */
    static final int SAME = 0;
    /** diff(1)'s convention: differences. */
    static final int DIFFERENT = 1;

    private SnapshotFiles() {
    }

    /** Runs a task on a thread of its own (not the common pool, which a short command need not start). */
    static void onOwnThread(Runnable task) {
        Thread t = new Thread(task, "fsnap-open");
        t.setDaemon(true);
        t.start();
    }

    /** Opens a snapshot; on failure prints the file and the reason and returns null. */
    static Snapshot open(Path file, PrintStream err) {
        try {
            return Snapshot.open(file);
        } catch (IOException e) {
            boolean named = e instanceof CorruptSnapshotException || e instanceof IncompatibleSnapshotException;
            err.println("fsnap: " + (named ? e.getMessage() : ScanArguments.describe(e)));
            return null;
        }
    }

    /** Exit status: a file corrupt (content changed, metadata not) or tampered with (mtime put back). */
    static final int CORRUPT = 4;

    /**
     * Compares and reports; returns 0 (same: nothing but racy entries, if any), 1 (differences), 4
     * (corrupt or tampered files among them) or 2 (a snapshot is damaged).
     */
    static int diff(Snapshot old, Snapshot now, ReportOptions report, PrintStream err) {
        long start = System.nanoTime();
        Report out = report.open(Differ.ignoredFields(old, now));
        if (!old.root().equals(now.root())) {
            err.println("fsnap: note: comparing snapshots of different roots: " + old.root() + " and " + now.root());
        }
        if (old.contentDigest() != null && now.contentDigest() != null && old.contentDigest() != now.contentDigest()) {
            err.println("fsnap: note: content not compared: the digests are " + old.contentDigest().label()
                    + " in " + old.file() + " and " + now.contentDigest().label() + " in " + now.file());
        }
        DiffSummary s;
        try {
            try {
                s = Differ.compare(old, now, out::change);
            } finally {
                out.flush();
            }
        } catch (IOException e) {
            err.println("fsnap: " + e.getMessage());
            return Main.USAGE;
        } catch (UncheckedIOException e) {
            err.println("fsnap: the report was cut: " + e.getMessage());
            return Main.USAGE;
        }
        err.println(String.format(Locale.ROOT,
                "fsnap: %d added, %d removed, %d modified, %d moved, %d unreadable, %d racy%s; "
                        + "%d directory blocks read, %d identical subtrees skipped, %.3f s",
                s.added(), s.removed(), s.modified(), s.moved(), s.unreadable(), s.racy(),
                s.corrupt() + s.tampered() == 0 ? "" : ", " + s.corrupt() + " CORRUPT, " + s.tampered() + " TAMPERED",
                s.directoriesRead(), s.subtreesSkipped(), (System.nanoTime() - start) / 1e9));
        return s.corrupt() + s.tampered() > 0 ? CORRUPT : s.differences() == 0 ? SAME : DIFFERENT;
    }
}
