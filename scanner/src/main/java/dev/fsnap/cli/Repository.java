package dev.fsnap.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory of snapshots, as restic and borg keep them: every run's snapshot under a sortable
 * name, per root, with a small summary of the run beside it, and a lock that keeps two runs on one
 * root from overlapping.
 *
 * <pre>
 * DIR/fsnap-repository                  marks the directory as a repository
 * DIR/KEY/root                          the root, one line (KEY: its last name and a hash of its path)
 * DIR/KEY/lock                          while a run holds the root: its PID, host and start
 * DIR/KEY/20261129T021503.123Z.snap     a run's snapshot, named by its start (UTC)
 * DIR/KEY/20261129T021503.123Z.json     the run's summary: exit status and counts
 * </pre>
 */
final class Repository {
    static final String MARKER = "fsnap-repository";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final Path dir;

    private Repository(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens a repository, creating it when the directory is missing or empty.
     *
     * @param dir the directory
     * @return the repository
     * @throws IOException when it exists and is something else, or cannot be made
     */
    static Repository open(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(dir + " is not an fsnap repository (no " + MARKER + ") and not empty");
                }
            }
            Files.writeString(marker, "fsnap repository 1\n");
        }
        return new Repository(dir);
    }

    /**
     * Resolves a reference to a run: {@code DIR@latest}, {@code DIR@-1} (the one before the
     * latest), {@code DIR@-N}, or {@code DIR@2026-11-28} (the last run of that day, local time).
     * {@code DIR} is the repository when it holds one root, else that root's directory in it.
     *
     * @param ref the argument
     * @return the run's snapshot; null when the argument is no reference (a file's path)
     * @throws IOException naming what is wrong with a reference
     */
    static Path resolve(String ref) throws IOException {
        int at = ref.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        Path where = Path.of(ref.substring(0, at));
        String which = ref.substring(at + 1);
        Root root;
        if (is(where)) {
            List<Root> roots = new Repository(where).roots();
            if (roots.size() != 1) {
                throw new IOException(where + " holds " + roots.size() + " roots: name one, as " + where
                        + "/KEY@" + which + " (fsnap history " + where + " lists them)");
            }
            root = roots.get(0);
        } else if (where.getParent() != null && is(where.getParent()) && Files.isRegularFile(where.resolve("root"))) {
            root = new Repository(where.getParent()).new Root(where);
        } else {
            return null;
        }
        List<Run> runs = root.runs();
        Run found = null;
        if (which.equals("latest") || which.matches("-[0-9]+")) {
            int back = which.equals("latest") ? 0 : Integer.parseInt(which.substring(1));
            found = back < runs.size() ? runs.get(runs.size() - 1 - back) : null;
        } else if (which.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            LocalDate day = LocalDate.parse(which);
            for (Run r : runs) {
                if (LocalDate.ofInstant(r.started(), ZoneId.systemDefault()).equals(day)) {
                    found = r;
                }
            }
        } else {
            throw new IOException(ref + ": a run is named latest, -N or a date (YYYY-MM-DD)");
        }
        if (found == null) {
            throw new IOException(ref + ": no such run (" + runs.size() + " in " + root.dir + ")");
        }
        return found.snapshot();
    }

    /** A run on a root of a repository, its lock held: given where its snapshot goes. */
    interface Job {
        ScanJob.Result run(Root place, Path output) throws IOException, InterruptedException;
    }

    /**
     * Runs a job on a root with its lock held, then records the run beside its snapshot.
     *
     * @param dir the repository (made when missing)
     * @param rootPath the root, absolute
     * @param err where to say what went wrong
     * @param job the run
     * @param tally what its comparison found, asked once it is done (null: none)
     * @return how the run ended; {@link ExitStatus#LOCKED} when another run holds the lock
     */
    static ScanJob.Result locked(Path dir, String rootPath, java.io.PrintStream err, Job job,
                                 java.util.function.Supplier<ChangeTally> tally) throws IOException, InterruptedException {
        Root place;
        try {
            place = open(dir).root(rootPath);
        } catch (IOException e) {
            err.println("fsnap: " + ScanArguments.describe(e));
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        StringBuilder holder = new StringBuilder();
        try (Lock lock = place.lock(m -> err.println("fsnap: " + m), holder).orElse(null)) {
            if (lock == null) {
                err.println("fsnap: " + rootPath + " is being scanned into " + dir + " by " + holder
                        + "; this run did nothing");
                return new ScanJob.Result(ExitStatus.LOCKED, null);
            }
            Path output = place.snapshotFor(Instant.now());
            ScanJob.Result r = job.run(place, output);
            if (Files.exists(output)) {
                place.recordRun(output, r, tally == null ? null : tally.get());
            }
            return r;
        }
    }

    /** @return whether a directory is a repository */
    static boolean is(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER));
    }

    Path dir() {
        return dir;
    }

    /** One root's runs in the repository. */
    final class Root {
        final Path dir;

        private Root(Path dir) {
            this.dir = dir;
        }

        /** @return the root's path, as recorded */
        String path() throws IOException {
            return Files.readString(dir.resolve("root")).strip();
        }

        /** @return the runs, oldest first */
        List<Run> runs() throws IOException {
            List<Run> runs = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".snap")).sorted()
                        .forEach(n -> runs.add(new Run(this, n.substring(0, n.length() - ".snap".length()))));
            }
            return runs;
        }

        /** @return the newest run, if any */
        Optional<Run> latest() throws IOException {
            List<Run> r = runs();
            return r.isEmpty() ? Optional.empty() : Optional.of(r.get(r.size() - 1));
        }

        /**
         * Writes a run's summary beside its snapshot: its exit status, what it read, what changed.
         *
         * @param snapshot the run's snapshot, in place
         * @param result how the run ended
         * @param tally what its comparison found, or null (a first run)
         */
        void recordRun(Path snapshot, ScanJob.Result result, ChangeTally tally) throws IOException {
            StringBuilder b = new StringBuilder("{\"exit\":").append(result.exit());
            dev.fsnap.scan.ScanSummary s = result.summary();
            if (s != null) {
                b.append(",\"entries\":").append(s.entries()).append(",\"bytes\":").append(s.bytes())
                        .append(",\"unreadable\":").append(s.errors()).append(",\"seconds\":")
                        .append(String.format(Locale.ROOT, "%.3f", s.elapsed().toNanos() / 1e9));
            }
            if (tally != null) {
                b.append(",\"changes\":{");
                String sep = "";
                for (dev.fsnap.snapshot.Change.Kind k : dev.fsnap.snapshot.Change.Kind.values()) {
                    b.append(sep).append('"').append(k.label()).append("\":").append(tally.total(k));
                    sep = ",";
                }
                b.append('}');
            }
            String name = snapshot.getFileName().toString();
            Path summary = dir.resolve(name.substring(0, name.length() - ".snap".length()) + ".json");
            AtomicFile.write(summary, b.append("}\n"));
        }

        /**
         * @param started when the run starts
         * @return where its snapshot goes
         */
        Path snapshotFor(Instant started) {
            return dir.resolve(NAME.format(started) + ".snap");
        }

        /**
         * Takes the root's lock: created only if absent; a lock left on this host by a process that
         * is gone is taken over.
         *
         * @param said receives a line about a stale lock taken over
         * @return the lock, or empty when a live run holds it (its holder in {@code heldBy})
         */
        Optional<Lock> lock(java.util.function.Consumer<String> said, StringBuilder heldBy) throws IOException {
            Path file = dir.resolve("lock");
            String host = host();
            ProcessHandle me = ProcessHandle.current();
            String mine = me.pid() + " " + host + " " + Instant.now() + "\n";
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    Files.writeString(file, mine, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE);
                    return Optional.of(new Lock(file, mine));
                } catch (FileAlreadyExistsException held) {
                    String holder;
                    try {
                        holder = Files.readString(file).strip();
                    } catch (NoSuchFileException gone) {
                        continue; // released meanwhile
                    }
                    String[] f = holder.split(" ");
                    if (f.length == 3 && f[1].equals(host) && stale(f[0], f[2])) {
                        said.accept("took over the lock of " + path() + " left by process " + f[0] + " on " + f[1]
                                + " since " + f[2] + ", which is gone");
                        Files.deleteIfExists(file);
                        continue;
                    }
                    heldBy.append(f.length == 3 ? "process " + f[0] + " on " + f[1] + " since " + f[2] : holder);
                    return Optional.empty();
                }
            }
            heldBy.append("another run (the lock changed hands while it was looked at)");
            return Optional.empty();
        }
    }

    /** Whether a lock's process is gone: no such PID, or one started after the lock was taken. */
    private static boolean stale(String pid, String since) {
        try {
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(pid));
            if (p.isEmpty() || !p.get().isAlive()) {
                return true;
            }
            Optional<Instant> started = p.get().info().startInstant();
            return started.isPresent() && started.get().isAfter(Instant.parse(since).plusSeconds(1));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** A held lock; closing releases it (unless another run has taken it over meanwhile). */
    record Lock(Path file, String content) implements AutoCloseable {
        @Override
        public void close() {
            try {
                if (Files.readString(file).equals(content)) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException gone) {
                // already released
            }
        }
    }

    /** A run: its snapshot and its summary, named by its start. */
    record Run(Root root, String name) {
        Path snapshot() {
            return root.dir.resolve(name + ".snap");
        }

        Path summary() {
            return root.dir.resolve(name + ".json");
        }

        Instant started() {
            return Instant.from(NAME.parse(name));
        }

        /** @return the run's exit status from its summary, or -1 when it left none */
        int exit() {
            try {
                String exit = field(Files.readString(summary()), "exit");
                return exit.isEmpty() ? -1 : Integer.parseInt(exit);
            } catch (IOException none) {
                return -1;
            }
        }
    }

    /**
     * @param json a run's summary, or a part of it
     * @param name a numeric field's name
     * @return its value as written, or empty when it is not there
     */
    static String field(String json, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":([0-9.]+)").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    /**
     * The root's place in the repository, made when it is new.
     *
     * @param root the root, absolute
     */
    Root root(String root) throws IOException {
        Path d = dir.resolve(key(root));
        Files.createDirectories(d);
        Path file = d.resolve("root");
        if (!Files.exists(file)) {
            Files.writeString(file, root + "\n");
        }
        return new Root(d);
    }

    /** @return every root in the repository */
    List<Root> roots() throws IOException {
        List<Root> roots = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isRegularFile(p.resolve("root"))).sorted().forEach(p -> roots.add(new Root(p)));
        }
        return roots;
    }

    /**
     * @param only a root's path as given on the command line, or null for all
     * @return that root's place (none when the repository holds no runs of it), or every root
     */
    List<Root> roots(String only) throws IOException {
        if (only == null) {
            return roots();
        }
        String wanted = Path.of(only).toAbsolutePath().toString();
        List<Root> found = new ArrayList<>();
        for (Root r : roots()) {
            if (r.path().equals(wanted)) {
                found.add(r);
            }
        }
        return found;
    }

    /** A root's directory name: its last name, readable, and a hash of its whole path. */
    static String key(String root) {
        String name = Path.of(root).getFileName() == null ? "root" : Path.of(root).getFileName().toString();
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(root.getBytes(StandardCharsets.UTF_8));
            return name + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The runs restic's {@code forget} keeps: the newest {@code last}; the newest of each of the
     * last {@code daily} days, {@code weekly} ISO weeks and {@code monthly} months that have runs;
     * and, whatever the policy, the newest run that found nothing corrupt or damaged, so that a
     * run which did never leaves retention to delete the last good baseline.
     *
     * @param runs a root's runs, oldest first
     * @return the runs kept
     */
    static Set<Run> keep(List<Run> runs, int last, int daily, int weekly, int monthly, ZoneId zone) {
        List<Run> newest = new ArrayList<>(runs);
        java.util.Collections.reverse(newest);
        Set<Run> kept = new LinkedHashSet<>();
        for (int i = 0; i < Math.min(last, newest.size()); i++) {
            kept.add(newest.get(i));
        }
        bucket(newest, daily, r -> LocalDate.ofInstant(r.started(), zone).toString(), kept);
        bucket(newest, weekly, r -> {
            LocalDate d = LocalDate.ofInstant(r.started(), zone);
            return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, kept);
        bucket(newest, monthly, r -> LocalDate.ofInstant(r.started(), zone).withDayOfMonth(1).toString(), kept);
        for (Run r : newest) {
            int exit = r.exit();
            if (exit == ExitStatus.OK || exit == ExitStatus.CHANGED || exit == ExitStatus.VANISHED) {
                kept.add(r); // the last good baseline
                break;
            }
        }
        return kept;
    }

    private static void bucket(List<Run> newest, int n, java.util.function.Function<Run, String> period, Set<Run> kept) {
        Set<String> seen = new LinkedHashSet<>();
        for (Run r : newest) {
            if (seen.size() >= n) {
                return;
            }
            if (seen.add(period.apply(r))) {
                kept.add(r);
            }
        }
    }
}
