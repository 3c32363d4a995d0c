package dev.fsnap.repository;

import dev.fsnap.internal.PathText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One root's runs in a repository: its directory ({@code DIR/KEY}), the root it records, its runs,
 * and its lock. Got from {@link Repository#root(String)} (made and judged safe) or
 * {@link Repository#roots()} (as found: call {@link #check()} before writing into it).
 */
public final class RunSeries {
    static final String ROOT_FILE = "root";
    private static final int MAX_ROOT_FILE = 8192;

    private final Path dir;

    RunSeries(Path dir) {
        this.dir = dir;
    }

    /** @return the series' directory in the repository */
    public Path dir() {
        return dir;
    }

    /**
     * @return the root's path, as recorded (its text; see {@link Repository})
     * @throws RefusedException when the root file is no regular file, has other names, or names no root
     * @throws IOException when it cannot be read
     */
    public String root() throws IOException {
        Path file = dir.resolve(ROOT_FILE);
        byte[] b = SafeFiles.readSmall(file, MAX_ROOT_FILE);
        int end = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
        // The root's exact bytes, as an argument naming it is decoded: a name that is no UTF-8 stays itself.
        String p = PathText.decode(Arrays.copyOf(b, end));
        if (p.isBlank() || p.contains("\n") || p.indexOf('\0') >= 0) {
            throw new RefusedException(file, file + " names no root");
        }
        return p;
    }

    /**
     * Judges the directory before a run uses it: it must be a directory (not a link), owned by the
     * running user or root, and writable by no one else. Nothing in it is read before.
     *
     * @throws OtherUsersException when another user owns it
     * @throws RefusedException when it is a link, not a directory, or writable by others
     * @throws IOException when it cannot be looked at
     */
    public void check() throws IOException {
        SafeFiles.checkRootDirectory(dir, () -> {
            try {
                return root();
            } catch (IOException unreadable) {
                return "an unknown root";
            }
        });
    }

    /**
     * The runs: those named as fsnap names them, oldest first; those dated after {@code now} and
     * {@link Repository#FUTURE_TOLERANCE} apart (a clock that ran ahead, a file put there) so that
     * they never become the latest; and names of {@code .snap} files that are no run's (no such date).
     *
     * @param now the time that runs are judged against
     * @return the listing
     * @throws IOException when the directory cannot be listed
     */
    public RunListing listing(Instant now) throws IOException {
        List<Run> runs = new ArrayList<>();
        List<Run> future = new ArrayList<>();
        List<String> stray = new ArrayList<>();
        Instant limit = now.plus(Repository.FUTURE_TOLERANCE);
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(Run.SNAPSHOT)).sorted().toList();
        }
        for (String n : names) {
            Instant started = Run.started(n.substring(0, n.length() - Run.SNAPSHOT.length()));
            if (started == null) {
                stray.add(n);
            } else if (started.isAfter(limit)) {
                future.add(new Run(dir, started));
            } else {
                runs.add(new Run(dir, started));
            }
        }
        return new RunListing(runs, future, stray);
    }

    /**
     * @return the runs not dated after now, oldest first, as {@link #listing} counts them
     * @throws IOException when the directory cannot be listed
     */
    public List<Run> runs() throws IOException {
        return listing(Instant.now()).runs();
    }

    /**
     * @param started when a run starts
     * @return the run, to write its snapshot to {@link Run#snapshot()}
     */
    public Run runAt(Instant started) {
        return new Run(dir, started);
    }

    /**
     * Writes a run's summary beside its snapshot, whole or not at all.
     *
     * @param run the run, its snapshot in place
     * @param summary what it found
     * @throws IllegalArgumentException when the run is not one of this series
     * @throws IOException when the summary cannot be written
     */
    public void record(Run run, RunSummary summary) throws IOException {
        if (!run.directory().equals(dir)) {
            throw new IllegalArgumentException(run.snapshot() + " is not a run of " + dir);
        }
        SafeFiles.writeWhole(run.summaryFile(), summary.json());
    }

    /**
     * Takes the root's lock ({@code KEY/lock}, see {@link RootLock}); never waits.
     *
     * @return the lock taken, or why not
     */
    public RootLock.Outcome lock() {
        String what;
        try {
            what = root();
        } catch (IOException unreadable) {
            what = dir.toString();
        }
        return RootLock.take(dir.resolve("lock"), what);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunSeries s && s.dir.equals(dir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dir);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
