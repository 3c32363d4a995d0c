package dev.fsnap.snapshot;

import dev.fsnap.internal.Paths;
import dev.fsnap.scan.Content;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.format.DirectoryFiles;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.walk.ContentBaseline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last snapshot as a content baseline for tonight's scan: each file's metadata and digest,
 * found in its directory's block (decoded once, when the walk reaches the directory), and tonight's
 * verification schedule: the unchanged files to read again, those verified longest ago first,
 * within the byte budget, and every file verified longer ago than the limit whatever the budget.
 */
final class SnapshotBaseline implements ContentBaseline {
    private final Snapshot old;
    /** The paths of unchanged files to read again tonight, each with whether it is overdue. */
    private final Map<ByteBuffer, Boolean> scheduled;
    /** The directories that hold them. */
    private final Set<ByteBuffer> scheduledDirectories = new HashSet<>();
    private final Schedule schedule;
    /**
     * Whether the last snapshot's digests are of tonight's algorithm: only then does an unchanged
     * file take its digest over. A digest of another algorithm (or none) is never taken over: every
     * file is read, so a snapshot never holds digests other than those its header names.
     */
    private final boolean inherits;
    /** Tonight's root in the last snapshot, relative to its root (see {@link #within(String, java.nio.file.Path)}). */
    private final byte[] within;

    /**
     * What the schedule chose: how many files and bytes, and how many of them were overdue; for a
     * budget in time, the reading speed it was turned into bytes with (bytes a second, else 0).
     */
    record Schedule(long files, long bytes, long overdue, long oldestMillis, long readRate) {
    }

    SnapshotBaseline(Snapshot old, ScanOptions options, long nowMillis) throws IOException {
        this.old = old;
        this.inherits = old.contentDigest() == options.digest();
        this.within = within(old.root(), options.root());
        byte[] prefix = within.length == 0 ? within : Arrays.copyOf(within, within.length + 1);
        if (prefix.length > 0) {
            prefix[within.length] = '/';
        }
        List<byte[]> covered = new ArrayList<>();
        if (options.shard() != null) {
            for (String c : options.shard().covered()) {
                covered.add((c + "/").getBytes(StandardCharsets.UTF_8));
            }
        }
        long cutoff = options.verifyWithin() == null ? Long.MIN_VALUE
                : nowMillis - options.verifyWithin().toMillis();
        if (!inherits || options.verifyBudget() == 0 && options.verifyTime() == null && options.verifyWithin() == null) {
            scheduled = Map.of();
            schedule = new Schedule(0, 0, 0, Long.MIN_VALUE, 0);
            return;
        }
        record Candidate(byte[] path, long verified, long size) {
        }
        List<Candidate> all = new ArrayList<>();
        long[] lastRun = {Long.MIN_VALUE, 0}; // when the last run verified what it read, and how many bytes
        old.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry e) {
                Content c = e.content();
                if (e.type() == EntryType.FILE && c != null && !c.corrupt()) {
                    long verified = c.verified().toEpochMilli();
                    byte[] path = tonights(e.path(), prefix, covered);
                    if (path != null) {
                        all.add(new Candidate(path, verified, e.size()));
                    }
                    if (verified > lastRun[0]) {
                        lastRun[0] = verified;
                        lastRun[1] = 0;
                    }
                    if (verified == lastRun[0]) {
                        lastRun[1] += e.size();
                    }
                }
            }
        });
        all.sort(Comparator.comparingLong(Candidate::verified)
                .thenComparing(Candidate::path, Arrays::compareUnsigned));
        Map<ByteBuffer, Boolean> chosen = new HashMap<>();
        long bytes = 0;
        long overdue = 0;
        long budget = options.verifyBudget();
        long rate = 0;
        if (options.verifyTime() != null) {
            rate = readRate(old, lastRun[0], lastRun[1]);
            double b = (double) rate * options.verifyTime().toMillis() / 1000;
            budget = b >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, (long) b);
        } else if (budget == 0 && options.verifyWithin() != null) {
            budget = spread(all.stream().mapToLong(Candidate::size).sum(), nowMillis - old.started().toEpochMilli(),
                    options.verifyWithin().toMillis());
        }
        for (Candidate c : all) {
            boolean late = c.verified() < cutoff;
            if (!late && (budget == 0 || bytes + c.size() > budget && !chosen.isEmpty())) {
                if (cutoff == Long.MIN_VALUE) {
                    break; // oldest first: nothing after this fits better
                }
                continue;
            }
            chosen.put(ByteBuffer.wrap(c.path()), late);
            scheduledDirectories.add(ByteBuffer.wrap(Paths.parent(c.path())));
            bytes += c.size();
            if (late) {
                overdue++;
            }
        }
        scheduled = chosen;
        schedule = new Schedule(chosen.size(), bytes, overdue, all.isEmpty() ? Long.MIN_VALUE : all.get(0).verified(),
                rate);
    }

    /**
     * A window without a budget, spread evenly over the runs: the share of all the content that the
     * time since the last run is of the window (a nightly run with a 30-day window reads a thirtieth,
     * oldest first), so that no night reads everything when the first night's files come due
     * together. At least one byte: the oldest file, however close the runs.
     *
     * @param total the bytes of every file the schedule may pick
     * @param sinceLast the time since the last run, in milliseconds (0 or less: a clock set back)
     * @param window the window, in milliseconds
     * @return the bytes to read again tonight
     */
    static long spread(long total, long sinceLast, long window) {
        double share = Math.min(1.0, Math.max(0.0, (double) sinceLast / window));
        return Math.max(1, (long) Math.ceil(total * share));
    }

    /**
     * The speed at which the last run read content: what it read (the files verified at its
     * verification time) over the time from then to its end; a run's time covers its stats as well,
     * so this is a low estimate, and never below {@link #ASSUMED_READ_RATE}.
     */
    private static long readRate(Snapshot old, long verifiedMillis, long bytes) {
        long millis = old.finished().toEpochMilli() - verifiedMillis;
        long measured = verifiedMillis == Long.MIN_VALUE || millis <= 0 ? 0 : (long) (bytes * 1000.0 / millis);
        return Math.max(measured, ASSUMED_READ_RATE);
    }

    /** The reading speed a time budget assumes at least, in bytes a second: a slow NAS's. */
    static final long ASSUMED_READ_RATE = 50L << 20;

    Schedule schedule() {
        return schedule;
    }

    /**
     * Where tonight's root lies in the last snapshot: relative to its root, empty when the two are
     * the same tree (or the root moved: {@code check --allow-other-root}); a shard of a plan scans a
     * subtree of the tree whose merged snapshot is its baseline.
     */
    private static byte[] within(String oldRoot, java.nio.file.Path tonight) {
        java.nio.file.Path from = java.nio.file.Path.of(oldRoot).normalize();
        java.nio.file.Path to = tonight.toAbsolutePath().normalize();
        if (!to.startsWith(from) || to.equals(from)) {
            return new byte[0];
        }
        return from.relativize(to).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A file of the last snapshot as tonight's scan names it: relative to tonight's root, or null
     * when the scan does not reach it (outside its root, or in a subtree another shard covers).
     */
    private static byte[] tonights(byte[] path, byte[] prefix, List<byte[]> covered) {
        if (!startsWith(path, prefix)) {
            return null;
        }
        byte[] p = prefix.length == 0 ? path : Arrays.copyOfRange(path, prefix.length, path.length);
        for (byte[] c : covered) {
            if (startsWith(p, c)) {
                return null;
            }
        }
        return p;
    }

    private static boolean startsWith(byte[] path, byte[] prefix) {
        return path.length >= prefix.length && Arrays.equals(path, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** @return whether unchanged files take their digests over from the last snapshot (see {@link #inherits}) */
    boolean inherits() {
        return inherits;
    }

    @Override
    public ContentBaseline.Directory root() {
        if (!inherits) {
            return null;
        }
        long root;
        try {
            root = within.length == 0 ? old.rootListing() : old.listingAt(within);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root < 0 ? null : new Directory(root, new byte[0]);
    }

    /** Content below this many bytes in a directory is read by one worker. */
    private static final long HEAVY = 16 << 20;

    /**
     * A directory of the last snapshot, its block decoded on first use (by the worker that lists
     * it, before it hands pieces of the listing to others) and dropped with the walk's task.
     */
    private final class Directory implements ContentBaseline.Directory {
        private final long offset;
        /** Its path, when the schedule reads files again somewhere; else null. */
        private final byte[] path;
        /** Whether the schedule reads files in it again. */
        private final boolean holdsScheduled;
        private volatile DirectoryFiles files;

        Directory(long offset, byte[] path) {
            this.offset = offset;
            this.path = scheduledDirectories.isEmpty() ? null : path;
            this.holdsScheduled = this.path != null && scheduledDirectories.contains(ByteBuffer.wrap(path));
        }

        private DirectoryFiles files() {
            DirectoryFiles f = files;
            if (f == null) {
                try {
                    f = old.reader().readFiles(offset);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                files = f;
            }
            return f;
        }

        @Override
        public boolean heavy() {
            return holdsScheduled || files().fileBytes() >= HEAVY;
        }

        @Override
        public boolean find(byte[] names, int nameOffset, int length, Found into) {
            DirectoryFiles dir = files();
            int i = dir.find(names, nameOffset, length);
            if (i < 0 || !dir.file[i]) {
                return false;
            }
            System.arraycopy(dir.rows, i * into.row.length, into.row, 0, into.row.length);
            into.content = dir.content[i];
            into.racy = dir.racy[i];
            Boolean late = holdsScheduled ? scheduled.get(ByteBuffer.wrap(Paths.child(path, names, nameOffset, length)))
                    : null;
            into.scheduled = late != null;
            into.overdue = late == Boolean.TRUE;
            return true;
        }

        @Override
        public ContentBaseline.Directory child(byte[] names, int nameOffset, int length) {
            DirectoryFiles dir = files();
            int i = dir.find(names, nameOffset, length);
            if (i < 0 || dir.childOffset[i] < 0) {
                return null;
            }
            return new Directory(dir.childOffset[i], path == null ? null : Paths.child(path, names, nameOffset, length));
        }
    }
}
