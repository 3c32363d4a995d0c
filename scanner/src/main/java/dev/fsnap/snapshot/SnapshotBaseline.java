package dev.fsnap.snapshot;

import dev.fsnap.internal.Paths;
import dev.fsnap.scan.Content;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.walk.ContentBaseline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last snapshot as a content baseline for tonight's scan: each file's metadata and digest,
 * found by its directory's block (each block read once per worker and directory), and tonight's
 * verification schedule: the unchanged files to read again, those verified longest ago first,
 * within the byte budget, and every file verified longer ago than the limit whatever the budget.
 */
final class SnapshotBaseline implements ContentBaseline {
    private final Snapshot old;
    /** Directory path to its block's offset, learned from each parent's block as it is read. */
    private final ConcurrentHashMap<ByteBuffer, Long> offsets = new ConcurrentHashMap<>();
    private final ThreadLocal<Cached> last = new ThreadLocal<>();
    /** The paths of unchanged files to read again tonight. */
    private final Set<ByteBuffer> scheduled;
    /** The directories that hold them. */
    private final Set<ByteBuffer> scheduledDirectories = new HashSet<>();
    private final Schedule schedule;

    private record Cached(byte[] path, DirectoryRecord.Files files) {
    }

    /** What the schedule chose: how many files and bytes, and how many of them were overdue. */
    record Schedule(long files, long bytes, long overdue, long oldestMillis) {
    }

    SnapshotBaseline(Snapshot old, ScanOptions options, long nowMillis) throws IOException {
        this.old = old;
        long cutoff = options.verifyWithin() == null ? Long.MIN_VALUE
                : nowMillis - options.verifyWithin().toMillis();
        if (options.verifyBudget() == 0 && options.verifyWithin() == null) {
            scheduled = Set.of();
            schedule = new Schedule(0, 0, 0, Long.MIN_VALUE);
            return;
        }
        record Candidate(byte[] path, long verified, long size) {
        }
        List<Candidate> all = new ArrayList<>();
        old.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry e) {
                Content c = e.content();
                if (e.type() == EntryType.FILE && c != null && !c.corrupt()) {
                    all.add(new Candidate(e.path(), c.verified().toEpochMilli(), e.size()));
                }
            }
        });
        all.sort(Comparator.comparingLong(Candidate::verified)
                .thenComparing(Candidate::path, Arrays::compareUnsigned));
        Set<ByteBuffer> chosen = new HashSet<>();
        long bytes = 0;
        long overdue = 0;
        long budget = options.verifyBudget();
        for (Candidate c : all) {
            boolean late = c.verified() < cutoff;
            if (!late && (budget == 0 || bytes + c.size() > budget && !chosen.isEmpty())) {
                if (cutoff == Long.MIN_VALUE) {
                    break; // oldest first: nothing after this fits better
                }
                continue;
            }
            chosen.add(ByteBuffer.wrap(c.path()));
            scheduledDirectories.add(ByteBuffer.wrap(parent(c.path())));
            bytes += c.size();
            if (late) {
                overdue++;
            }
        }
        scheduled = chosen;
        schedule = new Schedule(chosen.size(), bytes, overdue, all.isEmpty() ? Long.MIN_VALUE : all.get(0).verified());
    }

    Schedule schedule() {
        return schedule;
    }

    @Override
    public boolean find(byte[] directory, byte[] names, int offset, int length, Found into) {
        try {
            DirectoryRecord.Files dir = directory(directory);
            if (dir == null) {
                return false;
            }
            int i = dir.find(names, offset, length);
            if (i < 0 || !dir.file[i]) {
                return false;
            }
            System.arraycopy(dir.rows, i * into.row.length, into.row, 0, into.row.length);
            into.content = dir.content[i];
            into.racy = dir.racy[i];
            into.scheduled = !scheduled.isEmpty()
                    && scheduled.contains(ByteBuffer.wrap(Paths.child(directory, names, offset, length)));
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Content below this many bytes in a directory is read by one worker. */
    private static final long HEAVY = 16 << 20;

    @Override
    public boolean heavy(byte[] path) {
        try {
            DirectoryRecord.Files dir = directory(path);
            return dir == null || dir.fileBytes() >= HEAVY || scheduledDirectories.contains(ByteBuffer.wrap(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory's files by its path, or null when the last snapshot did not list it. */
    private DirectoryRecord.Files directory(byte[] path) throws IOException {
        Cached c = last.get();
        if (c != null && Arrays.equals(c.path(), path)) {
            return c.files();
        }
        DirectoryRecord.Files r;
        if (path.length == 0) {
            long root = old.rootListing();
            r = root < 0 ? null : old.readFiles(root);
        } else {
            Long at = offsets.get(ByteBuffer.wrap(path));
            if (at == null) {
                at = offsetFromParent(path);
            }
            r = at == null ? null : old.readFiles(at);
        }
        if (r != null) {
            for (int k = 0; k < r.childNames.size(); k++) {
                offsets.putIfAbsent(ByteBuffer.wrap(Paths.child(path, r.childNames.get(k), 0,
                        r.childNames.get(k).length)), r.childOffsets.get(k));
            }
        }
        last.set(new Cached(path, r));
        return r;
    }

    /** Where a directory's block is, found through its parent's (a parent read by another worker). */
    private Long offsetFromParent(byte[] path) throws IOException {
        DirectoryRecord.Files p = directory(parent(path));
        return p == null ? null : offsets.get(ByteBuffer.wrap(path));
    }

    /** The path of an entry's directory (empty for the root's entries). */
    private static byte[] parent(byte[] path) {
        int slash = path.length - 1;
        while (slash >= 0 && path[slash] != '/') {
            slash--;
        }
        return slash < 0 ? new byte[0] : Arrays.copyOf(path, slash);
    }
}
