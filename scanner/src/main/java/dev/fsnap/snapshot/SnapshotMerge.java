package dev.fsnap.snapshot;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.format.DirectorySplice;
import dev.fsnap.snapshot.format.BlockRef;
import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grafts the parts of a {@link ShardPlan} into one snapshot: the snapshot a single scan of the whole
 * tree would have written, the same entries and the same {@link Snapshot#treeHash() tree hash}
 * when the tree was at rest.
 *
 * <p>Each part recorded the roots of the shards below it as directories it did not enter; the
 * merge puts each such shard's part there. Entries are copied as the bytes they are; only the
 * references of the directories above a grafted shard change, and with them those directories'
 * hashes, up to the root. The parts' unreadable lists are joined, their paths made relative to the
 * tree's root. The merged file is verified whole before it replaces the target.
 *
 * <p>Every part must be there, readable, and of this plan; otherwise nothing is written and a
 * {@link PartException} names the part. Where a shard's scan failed and left no part, a merge that
 * is told to ({@code missingAsUnreadable}) records the shard's root as unreadable instead: its entry
 * is kept (its parent's part holds it), its contents are unknown, never absent.
 */
public final class SnapshotMerge {
    private SnapshotMerge() {
    }

    /** A part that cannot be merged: it names the part's file (or the shard that has none) and why. */
    public static final class PartException extends IOException {
        private static final long serialVersionUID = 1L;

        PartException(Object part, String why) {
            super(part + ": " + why);
        }
    }

    /**
     * What a merge wrote.
     *
     * @param entries the merged snapshot's entries
     * @param directories the directories among them
     * @param errors its unreadable entries, from the parts that recorded them
     * @param bytes the sum of its regular files' sizes
     * @param started when the earliest part's scan started
     * @param finished when the last part's scan ended
     * @param backend the backend the root's shard was read with ({@code NATIVE} or {@code NIO})
     * @param treeHash its tree hash
     * @param unreadable per shard, the entries its part recorded as unreadable (0 for most)
     * @param missing the shards without a part, recorded as unreadable
     * @param leftOut the shards whose roots were no longer directories when their parent shard was
     *                listed (removed or replaced while the parts were scanned), or lay inside a missing
     *                shard: their parts are left out
     * @param otherFilesystem under one-file-system, the shards whose roots are on another filesystem
     *                        than the tree's: left out, as a scan of the whole tree leaves them
     */
    public record Result(long entries, long directories, long errors, long bytes, Instant started, Instant finished,
                         String backend, String treeHash, long[] unreadable,
                         List<ShardPlan.Shard> missing, List<ShardPlan.Shard> leftOut,
                         List<ShardPlan.Shard> otherFilesystem) {
    }

    /** The code a missing part's shard root is recorded unreadable with. */
    private static final String MISSING_CODE = "EIO";

    /** One part: its snapshot and the shard it covers. */
    private static final class Part {
        final Path file;
        final Snapshot snapshot;
        final ShardPlan.Shard shard;
        boolean grafted;
        /** Left out: on another filesystem under one-file-system. */
        boolean elsewhere;

        Part(Path file, Snapshot snapshot, ShardPlan.Shard shard) {
            this.file = file;
            this.snapshot = snapshot;
            this.shard = shard;
        }
    }

    /**
     * Merges a plan's parts.
     *
     * @param plan the plan the parts were scanned by
     * @param parts one snapshot per shard, in any order
     * @param target the merged snapshot (replaced only once it is complete and verified)
     * @return what was written
     * @throws PartException when a part is missing, damaged, of another plan or root, given twice,
     *                       scanned with other options than the rest, or entered another shard's root
     * @throws IOException when the merged snapshot cannot be written
     */
    public static Result merge(ShardPlan plan, List<Path> parts, Path target) throws IOException {
        return merge(plan, parts, target, false);
    }

    /**
     * Merges a plan's parts, recording the shards without a part (their scans failed) as unreadable
     * when asked to.
     *
     * @param plan the plan the parts were scanned by
     * @param parts one snapshot per shard, in any order
     * @param target the merged snapshot (replaced only once it is complete and verified)
     * @param missingAsUnreadable whether a shard without a part is recorded as unreadable (else it is refused)
     * @return what was written
     * @throws PartException as {@link #merge(ShardPlan, List, Path)}; shard 0's part is always needed
     * @throws IOException when the merged snapshot cannot be written
     */
    public static Result merge(ShardPlan plan, List<Path> parts, Path target, boolean missingAsUnreadable)
            throws IOException {
        Part[] byShard = new Part[plan.shards().size()];
        List<Snapshot> opened = new ArrayList<>();
        try {
            for (Path file : parts) {
                Snapshot s;
                try {
                    s = Snapshot.open(file);
                } catch (IOException e) {
                    throw new PartException(file, "cannot be merged: " + e.getMessage());
                }
                opened.add(s);
                Part p = check(plan, file, s);
                if (byShard[p.shard.index()] != null) {
                    throw new PartException(file, "is shard " + p.shard.index() + ", as "
                            + byShard[p.shard.index()].file + " is");
                }
                byShard[p.shard.index()] = p;
            }
            for (ShardPlan.Shard s : plan.shards()) {
                if (byShard[s.index()] == null) {
                    if (!missingAsUnreadable || s.index() == 0) {
                        throw new PartException("shard " + s.index() + " (" + plan.rootOf(s.index()) + ")",
                                "no part among the " + parts.size() + " given"
                                        + (s.index() == 0 ? " (the root's shard: the others are grafted onto it)" : ""));
                    }
                    byShard[s.index()] = new Part(null, null, s);
                }
            }
            String options = options(byShard[0].snapshot.header());
            for (Part p : byShard) {
                if (p.snapshot != null && !options(p.snapshot.header()).equals(options)) {
                    throw new PartException(p.file, "was scanned with other options than " + byShard[0].file + " ("
                            + options(p.snapshot.header()) + " against " + options + ")");
                }
            }
            return write(plan, byShard, target);
        } finally {
            for (Snapshot s : opened) {
                s.close();
            }
        }
    }

    private static Part check(ShardPlan plan, Path file, Snapshot s) throws PartException {
        if (s.shardPlan().isEmpty()) {
            throw new PartException(file, "is a snapshot of a whole tree (" + s.root() + "), not a part of a plan");
        }
        if (!s.shardPlan().equals(plan.id())) {
            throw new PartException(file, "is a part of another plan (" + s.shardPlan() + "; this plan is "
                    + plan.id() + ")");
        }
        ShardPlan.Shard shard = plan.shard(s.shardIndex()); // the same plan: the index is one of its own
        String root = plan.rootOf(shard.index()).toString();
        if (!s.root().equals(root)) {
            throw new PartException(file, "is a scan of " + s.root() + ", not of shard " + shard.index() + "'s root "
                    + root);
        }
        return new Part(file, s, shard);
    }

    /** What must be the same in every part for their entries to be one snapshot's. */
    static String options(Header h) {
        Encoder columns = new Encoder(64);
        h.columns().write(columns);
        return "follow=" + h.followSymlinks() + " one-file-system=" + h.oneFileSystem() + " rules="
                + h.rules().patterns() + " digest=" + (h.digest().isEmpty() ? "none" : h.digest()) + " columns="
                + java.util.HexFormat.of().formatHex(columns.buf, 0, columns.length) + " racy-window="
                + h.racyWindow().toMillis() + "ms";
    }

    private static Result write(ShardPlan plan, Part[] parts, Path target) throws IOException {
        Instant earliest = parts[0].snapshot.started();
        Instant finished = parts[0].snapshot.finished();
        for (Part p : parts) {
            if (p.snapshot == null) {
                continue;
            }
            earliest = p.snapshot.started().isBefore(earliest) ? p.snapshot.started() : earliest;
            finished = p.snapshot.finished().isAfter(finished) ? p.snapshot.finished() : finished;
        }
        Map<ByteBuffer, Part> shardAt = new HashMap<>();
        for (Part p : parts) {
            if (p.shard.index() > 0) {
                shardAt.put(ByteBuffer.wrap(p.shard.root().getBytes(StandardCharsets.UTF_8)), p);
            }
        }
        Header header = parts[0].snapshot.header().merged(plan.root(), earliest);
        try (SnapshotWriter out = SnapshotWriter.create(target, header)) {
            Grafting g = new Grafting(out, shardAt, header.oneFileSystem() ? parts[0].snapshot.rootEntry().device() : -1);
            Footer.RootRef root = parts[0].snapshot.footer().rootRef();
            parts[0].grafted = true;
            if (root == Footer.RootRef.EMPTY) {
                out.rootDirectory(BlockRef.EMPTY);
            } else if (root.listed()) {
                out.rootDirectory(g.deep(parts[0], root.offset(), root.flags(), new byte[0]));
            }
            out.root(parts[0].snapshot.rootEntry());
            long entries = 0;
            long directories = 0;
            long errors = 0;
            long bytes = 0;
            int threads = 0;
            Set<Field> absent = EnumSet.noneOf(Field.class);
            long[] unreadable = new long[parts.length];
            List<ShardPlan.Shard> missing = new ArrayList<>();
            List<ShardPlan.Shard> leftOut = new ArrayList<>();
            List<ShardPlan.Shard> elsewhere = new ArrayList<>();
            for (Part p : parts) { // shards inside a shard on another filesystem are on it too
                for (Part q : parts) {
                    if (q.elsewhere && !p.grafted && p.shard.root().startsWith(q.shard.root() + "/")) {
                        p.elsewhere = true;
                    }
                }
            }
            for (Part p : parts) {
                if (!p.grafted) {
                    (p.elsewhere ? elsewhere : leftOut).add(p.shard);
                    continue;
                }
                if (p.snapshot == null) {
                    missing.add(p.shard);
                    out.error(missing(p.shard).at(p.shard.root().getBytes(StandardCharsets.UTF_8)));
                    errors++;
                    unreadable[p.shard.index()]++;
                    continue;
                }
                Snapshot s = p.snapshot;
                // A shard's root is an entry of its parent's part as well: counted there.
                int again = p.shard.index() == 0 ? 0 : 1;
                entries += s.entries() - again;
                directories += s.directories() - again;
                errors += s.errors();
                bytes += s.bytes();
                threads = Math.max(threads, s.threads());
                absent.addAll(s.absentFields());
                byte[] prefix = p.shard.root().getBytes(StandardCharsets.UTF_8);
                for (ScanError e : s.unreadable()) {
                    out.error(new ScanError(join(prefix, e.path()), e.operation(), e.code(), e.message()));
                    unreadable[p.shard.index()]++;
                }
            }
            Footer first = parts[0].snapshot.footer();
            Path done = out.complete(new Footer(finished, first.backend(), first.backendReason(), absent, threads,
                    entries, directories, errors, bytes, null, null, -1, 0, null));
            String hash;
            try (Snapshot merged = Snapshot.open(done)) {
                hash = merged.treeHash();
            }
            out.publish();
            return new Result(entries, directories, errors, bytes, earliest, finished, first.backend(), hash, unreadable,
                    missing, leftOut, elsewhere);
        }
    }

    /** The walk that copies blocks, children before parents, grafting each shard where its parent recorded it. */
    private static final class Grafting {
        private final SnapshotWriter out;
        private final Map<ByteBuffer, Part> shardAt;
        /** Under one-file-system, the root's device (a shard's root on another is left out, as a whole scan leaves it); else -1. */
        private final long device;

        Grafting(SnapshotWriter out, Map<ByteBuffer, Part> shardAt, long device) {
            this.out = out;
            this.shardAt = shardAt;
            this.device = device;
        }

        /**
         * Copies a block and everything below it, on a thread whose stack holds a tree of any
         * depth (one frame a level).
         */
        BlockRef deep(Part part, long offset, int flags, byte[] path) throws IOException {
            return DeepStack.run("fsnap-merge", () -> copy(part, offset, flags, path));
        }

        private BlockRef copy(Part part, long offset, int flags, byte[] path) throws IOException {
            Decoder in = part.snapshot.reader().readBlock(offset, Format.DIRECTORY);
            DirectorySplice block = DirectorySplice.parse(in, offset, part.snapshot.header().columns());
            for (int i = 0; i < block.size(); i++) {
                byte[] name = block.subdirectory(i);
                if (name == null) {
                    continue;
                }
                byte[] child = join(path, name);
                Part other = shardAt.get(ByteBuffer.wrap(child));
                if (block.hasBlock(i)) {
                    if (other != null) {
                        throw new PartException(part.file, "holds " + new String(child, StandardCharsets.UTF_8)
                                + ", which shard " + other.shard.index() + " covers (a part of another plan?)");
                    }
                    block.listed(i, copy(part, block.childOffset(i), block.childFlags(i), child));
                } else if (block.notScanned(i) && other != null && device >= 0 && block.device(i) != device) {
                    other.elsewhere = true;
                } else if (block.notScanned(i) && other != null && !other.grafted) {
                    other.grafted = true;
                    Footer.RootRef root = other.snapshot == null ? Footer.RootRef.unreadable(missing(other.shard))
                            : other.snapshot.footer().rootRef();
                    if (root == Footer.RootRef.EMPTY) {
                        block.listed(i, BlockRef.EMPTY);
                    } else if (root.listed()) {
                        block.listed(i, copy(other, root.offset(), root.flags(), child));
                    } else {
                        block.unreadable(i, root.failure());
                    }
                }
            }
            Encoder body = new Encoder(in.remaining() + in.pos + 64);
            return out.directory(body, block.encode(body, flags));
        }
    }

    /** Why a shard without a part is unreadable. */
    private static Fields.Failure missing(ShardPlan.Shard shard) {
        return new Fields.Failure(Operation.OPEN, MISSING_CODE, "shard " + shard.index()
                + "'s part is missing: its scan failed or did not run");
    }

    private static byte[] join(byte[] parent, byte[] name) {
        if (parent.length == 0) {
            return name;
        }
        if (name.length == 0) {
            return parent;
        }
        byte[] p = Arrays.copyOf(parent, parent.length + 1 + name.length);
        p[parent.length] = '/';
        System.arraycopy(name, 0, p, parent.length + 1, name.length);
        return p;
    }
}
