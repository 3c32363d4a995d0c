package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Measures how a scan's throughput changes with the number of calls in flight, on the user's own
 * filesystem, reading metadata only.
 *
 * <p>One scan runs through the whole sweep, its pool sized for the largest count, while a limit on
 * the tasks reading at once steps up: 1, 2, 4, ... Each step thus reads entries no earlier step
 * read, as cold as a nightly scan finds them (re-reading the same entries would measure a network
 * filesystem's attribute cache instead of its server). When the tree is read to the end, the sweep
 * starts it over. A last step runs the NIO backend at the recommended count, for comparison.
 */
public final class ThroughputSweep {
    /** A step is within this fraction of the best throughput to count as on the flat of the curve. */
    static final double FLAT = 0.85;
    /** The largest count tried on a network filesystem when the caller does not say. */
    static final int NETWORK_MAX = 256;

    private final ScanOptions options;
    private final int maxThreads;
    private final Duration budget;

    /**
     * One measured step.
     *
     * @param backend the backend that read
     * @param threads calls in flight
     * @param entries entries read during the measurement
     * @param elapsed how long the measurement lasted
     */
    public record Step(Backend backend, int threads, long entries, Duration elapsed) {
        /** @return entries per second */
        public double entriesPerSecond() {
            double s = elapsed.toNanos() / 1e9;
            return s > 0 ? entries / s : 0;
        }
    }

    /**
     * What the sweep found.
     *
     * @param filesystem the root's filesystem type, as the mount table names it
     * @param network whether fsnap treats it as a network filesystem
     * @param steps the thread steps, in order, then the NIO step when one ran
     * @param entriesRead every entry read, warm-up included
     * @param treeEntries the tree's entry count when it was read to the end at least once, else -1
     * @param errors entries that could not be read
     * @param timeouts calls that got no answer within the scan's deadline: the filesystem stopped
     *                 answering, and the steps measured its silence, not its speed
     * @param elapsed the whole sweep's wall time
     */
    public record Result(String filesystem, boolean network, List<Step> steps, long entriesRead, long treeEntries,
                         long errors, long timeouts, Duration elapsed) {
        /** @return the native (or only) backend's steps, one per thread count */
        public List<Step> threadSteps() {
            Backend first = steps.get(0).backend();
            return steps.stream().filter(s -> s.backend() == first).toList();
        }

        /** @return the step with the highest throughput */
        public Step best() {
            Step best = null;
            for (Step s : threadSteps()) {
                if (best == null || s.entriesPerSecond() > best.entriesPerSecond()) {
                    best = s;
                }
            }
            return best;
        }

        /**
         * Where the curve flattens: the fewest threads within 15 % of the best throughput (on a shared machine,
         * steps on the flat part differ by about 10 % from run to run). More
         * threads than that buy little and cost the server.
         *
         * @return the recommended step
         */
        public Step recommended() {
            double bar = best().entriesPerSecond() * FLAT;
            for (Step s : threadSteps()) {
                if (s.entriesPerSecond() >= bar) {
                    return s;
                }
            }
            return best();
        }

        /** @return the NIO backend's step, when one ran */
        public java.util.Optional<Step> nioStep() {
            Backend first = steps.get(0).backend();
            return steps.stream().filter(s -> s.backend() != first).findFirst();
        }
    }

    private ThroughputSweep(ScanOptions options, int maxThreads, Duration budget) {
        this.options = options;
        this.maxThreads = maxThreads;
        this.budget = budget;
    }

    /**
     * A sweep of a root.
     *
     * @param options the root and the scan options; its thread count is ignored
     * @param maxThreads the largest count to try, or 0 for automatic: {@value #NETWORK_MAX} on a network
     *                   filesystem, 8 per core on a local one
     * @param budget the time the whole sweep may take, at least one second
     * @return the sweep
     * @throws IllegalArgumentException when a value is out of range
     */
    public static ThroughputSweep of(ScanOptions options, int maxThreads, Duration budget) {
        Objects.requireNonNull(options, "options");
        if (maxThreads < 0 || maxThreads > ScanOptions.MAX_THREADS) {
            throw new IllegalArgumentException("the largest thread count must be between 1 and "
                    + ScanOptions.MAX_THREADS + " (or 0 for automatic), not " + maxThreads);
        }
        if (budget.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("the time budget must be at least 1 s, not " + budget);
        }
        return new ThroughputSweep(options, maxThreads, budget);
    }

    /** The thread counts a sweep tries: powers of two up to the largest, and the largest. */
    static List<Integer> counts(int max) {
        List<Integer> counts = new ArrayList<>();
        for (int n = 1; n < max; n *= 2) {
            counts.add(n);
        }
        counts.add(max);
        return counts;
    }

    /**
     * Runs the sweep.
     *
     * @param onStep told of each step as it is measured (from the calling thread); may be null
     * @return what it found
     * @throws IOException when the root cannot be opened, naming it
     * @throws InterruptedException when interrupted (the scan is cancelled)
     */
    public Result run(Consumer<Step> onStep) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        Concurrency.Filesystem fs;
        try {
            fs = Concurrency.Filesystem.ofName(Files.getFileStore(options.root()).type());
        } catch (IOException e) {
            fs = Concurrency.Filesystem.UNKNOWN; // the scan's own open says what is wrong with the root
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int max = maxThreads > 0 ? maxThreads : fs.network() ? NETWORK_MAX : 8 * cores;
        List<Integer> counts = counts(max);
        Scanner scanner = Scanner.of(options.toBuilder().threads(max).build());
        boolean compareNio = scanner.options().backend() != Backend.NIO && Walk.nativeUnavailableReason() == null;
        // warm-up (class loading, compilation), the thread steps, and the NIO step
        long slice = budget.toNanos() / (counts.size() + 1 + (compareNio ? 1 : 0));
        List<Step> steps = new ArrayList<>();
        Passes passes = new Passes(scanner, Math.min(cores, max));
        try {
            passes.measure(slice);
            for (int n : counts) {
                passes.limit(n);
                Step s = passes.measure(slice);
                steps.add(s);
                if (onStep != null) {
                    onStep.accept(s);
                }
            }
        } finally {
            passes.close();
        }
        long read = passes.finished + passes.current();
        long tree = passes.treeEntries;
        long errors = passes.errors;
        long timeouts = passes.timeouts;
        if (compareNio && timeouts == 0) {
            Result sofar = new Result(fs.name(), fs.network(), steps, read, tree, errors, 0, Duration.ZERO);
            int n = sofar.recommended().threads();
            Passes nio = new Passes(Scanner.of(nio(options, n)), 0);
            try {
                Step s = nio.measure(slice);
                steps.add(s);
                if (onStep != null) {
                    onStep.accept(s);
                }
            } finally {
                nio.close();
            }
            read += nio.finished + nio.current();
            errors += nio.errors;
            timeouts += nio.timeouts;
        }
        return new Result(fs.name(), fs.network(), List.copyOf(steps), read, tree, errors, timeouts,
                Duration.ofNanos(System.nanoTime() - begin));
    }

    /** Scans of the root one after another, as long as measuring needs, under one changeable limit. */
    private static final class Passes {
        private final Scanner scanner;
        private int limit;
        private ScanRun run;
        long finished;
        long treeEntries = -1;
        long errors;
        long timeouts;

        /** @param limit calls in flight, or 0 for the pool's size */
        Passes(Scanner scanner, int limit) throws IOException {
            this.scanner = scanner;
            this.limit = limit;
            next();
        }

        private void next() throws IOException {
            ScanRun r = Walk.prepare(scanner.options(), null);
            if (limit > 0) {
                r.limitCalls(limit);
            }
            r.start();
            run = r;
        }

        void limit(int calls) {
            limit = calls;
            run.limitCalls(calls);
        }

        long current() {
            return run.progress().entries();
        }

        /** Entries read so far by every pass, starting a new pass when one has read the whole tree. */
        private long total() throws IOException, InterruptedException {
            if (run.isDone()) {
                ScanSummary s = run.await();
                finished += s.entries();
                errors += s.errors();
                timeouts += run.givenUp();
                treeEntries = s.entries();
                next();
            }
            return finished + current();
        }

        /**
         * Measures for {@code nanos}: the first tenth lets the new limit take hold, the rest counts.
         */
        Step measure(long nanos) throws IOException, InterruptedException {
            long start = System.nanoTime();
            long settled = start + nanos / 10;
            long end = start + nanos;
            long e0 = -1;
            long t0 = 0;
            while (true) {
                long now = System.nanoTime();
                if (e0 < 0 && now >= settled) {
                    e0 = total();
                    t0 = System.nanoTime();
                }
                if (now >= end) {
                    break;
                }
                run.awaitEnd(Math.min(end - now, TimeUnit.MILLISECONDS.toNanos(20)));
                total(); // a pass that read the whole tree is followed at once by the next
            }
            long e1 = total();
            long t1 = System.nanoTime();
            ScanRun r = run;
            return new Step(r.backend(), limit > 0 ? limit : r.threads(), e1 - e0, Duration.ofNanos(t1 - t0));
        }

        void close() throws InterruptedException {
            run.cancel();
            ScanSummary s = run.await();
            errors += s.errors();
            timeouts += run.givenUp();
        }
    }

    /**
     * The same walk by NIO: root, links, filesystems, deadline, rules and shard as asked, without
     * what only the native backend reads (extended attributes, content) or lets be chosen (stat
     * call, buffer), which the options refuse with NIO.
     */
    private static ScanOptions nio(ScanOptions options, int threads) {
        return ScanOptions.builder(options.root()).backend(Backend.NIO).threads(threads)
                .followSymlinks(options.followSymlinks()).oneFileSystem(options.oneFileSystem())
                .opTimeout(options.opTimeout()).rules(options.rules()).shard(options.shard()).build();
    }
}
