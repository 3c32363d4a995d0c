package dev.fsnap.example.backup;

import dev.fsnap.repository.Repository;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.repository.RunSummary;
import dev.fsnap.repository.Verdict;
import dev.fsnap.scan.Digest;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.Differ;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * An incremental backup on fsnap's library, and nothing else of it:
 *
 * <pre>
 * backup SRC STORE          a run: SRC's snapshot kept in STORE/runs, new content in STORE/objects
 * restore STORE[@RUN] DEST  the run (the latest by default) recreated in DEST, which must be empty
 * verify STORE              every object read again and checked against its name
 * </pre>
 *
 * The snapshot is the catalogue: names as bytes, types, modes, owners, times, link targets, and
 * each file's SHA-256, which names its content in the store. A run after the first reads only the
 * files whose metadata changed since the last run (the scan takes the others' digests over from
 * the last snapshot), each once: the scan hands the bytes it digests to the store.
 *
 * <p>Exit statuses: 0 done, 2 bad usage or a failure (named), 3 some entries could not be read.
 */
public final class Backup {
    private Backup() {
    }

    /**
     * Runs one command and exits with its status.
     *
     * @param args {@code backup SRC STORE}, {@code restore STORE[@RUN] DEST} or {@code verify STORE}
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 3 && args[0].equals("backup")) {
                return backup(Path.of(args[1]), Path.of(args[2]), out);
            }
            if (args.length == 3 && args[0].equals("restore")) {
                int at = args[1].lastIndexOf('@');
                Path store = Path.of(at < 0 ? args[1] : args[1].substring(0, at));
                return Restore.run(store, at < 0 ? null : args[1].substring(at + 1), Path.of(args[2]), out);
            }
            if (args.length == 2 && args[0].equals("verify")) {
                return verify(Path.of(args[1]), out, err);
            }
            err.println("usage: backup SRC STORE | restore STORE[@RUN] DEST | verify STORE");
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("backup: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("backup: interrupted");
            return 2;
        }
    }

    /** The one series of runs a store keeps. */
    static RunSeries series(Path store) throws IOException {
        List<RunSeries> roots = Repository.existing(store.resolve("runs")).roots();
        if (roots.size() != 1) {
            throw new IOException(store + ": holds the runs of " + roots.size() + " sources, not one");
        }
        return roots.get(0);
    }

    static int backup(Path source, Path store, PrintStream out) throws IOException, InterruptedException {
        RunSeries series = Repository.open(store.resolve("runs")).root(Repository.canonical(source));
        if (!(series.lock() instanceof RootLock.Taken taken)) {
            throw new IOException(store + ": another run of " + source + " holds its lock");
        }
        try (RootLock lock = taken.lock()) {
            Instant now = Instant.now();
            Optional<Run> last = series.listing(now).latest();
            Run run = series.runAt(now);
            ObjectStore objects = new ObjectStore(store.resolve("objects"));
            Scanner scanner = Scanner.of(ScanOptions.builder(source).digest(Digest.SHA256).contentSink(objects).build());
            ScanSummary scanned;
            Map<Change.Kind, Long> changes = new EnumMap<>(Change.Kind.class);
            // The last run's snapshot is opened (and verified) once: the scan takes its digests over,
            // then the new snapshot is compared with it.
            try (Snapshot before = last.isPresent() ? Snapshot.open(last.get().snapshot()) : null) {
                try (SnapshotScan scan = (before == null ? scanner : scanner.against(before))
                        .writingTo(run.snapshot()).start(null)) {
                    scanned = scan.await();
                    scan.commit();
                }
                if (before != null) {
                    for (Change.Kind k : Change.Kind.values()) {
                        changes.put(k, 0L);
                    }
                    try (Snapshot after = Snapshot.open(run.snapshot());
                         Stream<Change> found = Differ.changes(before, after)) {
                        found.forEach(c -> changes.merge(c.kind(), 1L, Long::sum));
                    }
                }
            }
            Verdict verdict = scanned.errors() > 0 ? Verdict.UNREADABLE
                    : changes.values().stream().anyMatch(n -> n > 0) ? Verdict.CHANGED : Verdict.UNCHANGED;
            series.record(run, new RunSummary("backup", verdict, Optional.of(RunSummary.Counts.of(scanned)), changes));
            out.printf("run %s: %d entries, %d unreadable; read %d files, %d bytes%n", run.name(), scanned.entries(),
                    scanned.errors(), objects.filesRead.sum(), objects.bytesRead.sum());
            return scanned.errors() > 0 ? 3 : 0;
        }
    }

    static int verify(Path store, PrintStream out, PrintStream err) throws IOException {
        ObjectStore objects = new ObjectStore(store.resolve("objects"));
        int[] damaged = {0};
        long checked = objects.verify(p -> {
            err.println("backup: damaged object " + p + ": its content does not match its name");
            damaged[0]++;
        });
        out.printf("%d objects checked, %d damaged%n", checked, damaged[0]);
        return damaged[0] == 0 ? 0 : 2;
    }
}
