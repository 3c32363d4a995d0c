package dev.fsnap.snapshot;

import dev.fsnap.bindings.Sha256;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.format.BlockRef;
import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.DirectoryDraft;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.DirectorySplice;
import dev.fsnap.snapshot.format.EncodedBlock;
import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Frame;
import dev.fsnap.snapshot.format.Header;
import dev.fsnap.snapshot.format.RacyFrom;
import dev.fsnap.snapshot.format.UnreadableBlock;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A baseline with some entries taken over from a later snapshot of the same tree: what an approval
 * of some changes writes. At each path given the result holds what the later snapshot holds there
 * (the entry, or none where it was removed); everywhere else what the baseline holds. A directory
 * that must exist to hold a path given, and that the baseline lacks, comes from the later snapshot
 * too; one that is removed takes everything below it along.
 *
 * <p>The work is proportional to the paths given, not to the tree: only the directories on the way
 * to them are read and written again, and every other block of the baseline stays where it is. The
 * result continues the baseline's bytes: the blocks it replaced are marked free ({@link Format#FREE},
 * format version 8) and the new ones follow. Once free blocks would make up half of the file, it is
 * written afresh instead, every block copied, and holds none.
 *
 * <p>Both snapshots must be of the same root, scanned with the same options (columns, rules,
 * content digest, links, filesystems, racy window). The result's scan start is the later scan's
 * (in the footer of a file that continues the baseline's bytes, whose header keeps its own): an
 * entry kept from the baseline that the later scan did not see changed, it saw with the same
 * metadata, so its racy judgement is the one that counts, as it is after an approval of all.
 */
public final class SnapshotGraft {
    /** Free blocks past this share of the file: it is written afresh. */
    private static final int MOST_FREE_PERCENT = 50;

    private SnapshotGraft() {
    }

    /**
     * What a graft wrote.
     *
     * @param entries the result's entries
     * @param errors its unreadable entries
     * @param treeHash its tree hash
     * @param blocksWritten the directory blocks written (the rest were kept)
     * @param freeBytes the bytes of its free blocks
     * @param rewritten whether it was written afresh (then it holds no free block)
     */
    public record Result(long entries, long errors, String treeHash, long blocksWritten, long freeBytes,
                         boolean rewritten) {
    }

    /**
     * Writes {@code target}: {@code base} with the entries at {@code paths} as {@code later} holds them.
     *
     * @param base the baseline
     * @param later a later snapshot of the same root, scanned with the same options
     * @param paths the entries to take over, relative to the root ({@code ""}: the root's own entry)
     * @param trees those of the paths where a directory is taken with all it holds in {@code later}:
     *              one moved there, whose contents a comparison does not list (it compared them
     *              under their old path)
     * @param target where to write (replaced once complete); not either snapshot's file
     * @return what was written
     * @throws IllegalArgumentException when the snapshots are of different roots, or were scanned with other options
     * @throws IOException when a block is damaged, or the target cannot be written
     */
    public static Result graft(Snapshot base, Snapshot later, Collection<byte[]> paths, Collection<byte[]> trees,
                               Path target) throws IOException {
        return graft(base, later, paths, trees, target, false);
    }

    /**
     * Writes a snapshot afresh: every block copied, none free, the same entries and tree hash. What a
     * graft does once free blocks would make up half of the file; for a baseline kept for years,
     * or to see what a whole rewrite costs against a graft.
     *
     * @param snapshot the snapshot
     * @param target where to write (replaced once complete and verified); not the snapshot's file
     * @return what was written
     * @throws IOException when a block is damaged, or the target cannot be written
     */
    public static Result rewrite(Snapshot snapshot, Path target) throws IOException {
        return graft(snapshot, snapshot, List.of(), List.of(), target, true);
    }

    private static Result graft(Snapshot base, Snapshot later, Collection<byte[]> paths, Collection<byte[]> trees,
                                Path target, boolean afresh) throws IOException {
        if (!base.root().equals(later.root())) {
            throw new IllegalArgumentException(later.file() + " is a snapshot of " + later.root() + ", not of "
                    + base.root());
        }
        String theirs = SnapshotMerge.options(later.header());
        String ours = SnapshotMerge.options(base.header());
        if (!theirs.equals(ours) || !base.shardPlan().isEmpty() || !later.shardPlan().isEmpty()) {
            throw new IllegalArgumentException(later.file() + " was scanned with other options than " + base.file()
                    + " (" + theirs + " against " + ours + ")");
        }
        NavigableSet<byte[]> selected = new TreeSet<>(Arrays::compareUnsigned);
        selected.addAll(paths);
        NavigableSet<byte[]> whole = new TreeSet<>(Arrays::compareUnsigned);
        whole.addAll(trees);
        selected.addAll(trees);
        Header continued = afresh ? null : continuedHeader(base);
        if (continued != null) {
            Graft g = new Graft(base, later, selected, whole, null, later.header());
            try (Blocks kept = new Blocks(base.reader().footerOffset())) {
                g.sink = kept;
                g.run();
                g.freeUnreadableList(); // written anew after the blocks
                long free = base.verification().freeBytes() + g.freedBytes;
                long size = base.reader().footerOffset() + kept.bytes;
                if (free * 100 <= size * MOST_FREE_PERCENT) {
                    return write(g, kept, continued, target);
                }
            }
        }
        Header fresh = withStart(base.header(), Format.VERSION, later.started());
        try (SnapshotWriter out = SnapshotWriter.create(target, fresh)) {
            Graft g = new Graft(base, later, selected, whole, out, fresh);
            g.sink = g.new Copying();
            g.run();
            return finish(g, out, true);
        }
    }

    /**
     * The header of a result that continues the baseline's bytes: the baseline's in version 8 (free
     * blocks; its footer holds the later scan's start, from which entries are racy), when it
     * encodes to as many bytes, so that every offset after it stays; null when not (a baseline of a
     * version before 7).
     */
    private static Header continuedHeader(Snapshot base) throws IOException {
        Header v8 = withStart(base.header(), Format.FREE_VERSION, base.header().started());
        Encoder body = v8.encode();
        long frame = 1 + varintLength(body.length) + body.length + Frame.CRC;
        return frame == base.reader().headerEnd() - Format.MAGIC.length ? v8 : null;
    }

    /** The baseline's header in a version, with a start. */
    private static Header withStart(Header h, int version, Instant start) {
        return new Header(version, h.root(), start, h.racyWindow(), h.threads(), h.backend(), h.followSymlinks(),
                h.oneFileSystem(), h.columns(), h.rules(), h.digest(), h.plan(), h.shard());
    }

    private static int varintLength(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** Writes the baseline's bytes, its replaced blocks marked free, then the new blocks after them. */
    private static Result write(Graft g, Blocks kept, Header continued, Path target) throws IOException {
        Snapshot base = g.base;
        SnapshotReader in = base.reader();
        // The header written anew is as long as the baseline's (continuedHeader): every offset after it stays.
        try (SnapshotWriter out = SnapshotWriter.create(target, continued)) {
            long at = in.headerEnd();
            for (long free : g.freed) {
                copy(in, out, at, free);
                Decoder d = in.readAnyBlock(free);
                int length = (int) (d.end() - free);
                byte[] f = BlockOutput.freeFrame(d.buffer(), d.bodyStart(), length - Frame.CRC - d.bodyStart());
                out.copy(f, 0, f.length);
                at = free + length;
            }
            copy(in, out, at, in.footerOffset());
            for (Blocks.Pending p : kept.pending) {
                BlockRef written = out.directory(p.body(), p.block());
                if (written.offset() != p.ref().offset() || !Arrays.equals(written.hash(), p.ref().hash())) {
                    throw new IllegalStateException("a grafted block landed at " + written.offset() + ", not at "
                            + p.ref().offset());
                }
            }
            g.out = out;
            return finish(g, out, false);
        }
    }

    private static void copy(SnapshotReader in, SnapshotWriter out, long from, long to) throws IOException {
        for (long at = from; at < to; ) {
            int n = (int) Math.min(1 << 20, to - at);
            byte[] b = in.bytes(at, n);
            out.copy(b, 0, n);
            at += n;
        }
    }

    /** The unreadable list, the root and the footer; then the file is verified and put in place. */
    private static Result finish(Graft g, SnapshotWriter out, boolean rewritten) throws IOException {
        Snapshot base = g.base;
        Snapshot later = g.later;
        long errors = 0;
        for (ScanError e : base.unreadable()) {
            if (!g.replaced(e.path()) && !under(g.dropped, e.path()) && !under(g.fromLaterTrees, e.path())) {
                out.error(e);
                errors++;
            }
        }
        for (ScanError e : later.unreadable()) {
            if (g.fromLater.contains(e.path()) || under(g.fromLaterTrees, e.path())) {
                out.error(e);
                errors++;
            }
        }
        out.root(g.rootEntry);
        if (g.rootRef != null) {
            out.rootDirectory(g.rootRef);
        }
        Set<Field> absent = EnumSet.noneOf(Field.class);
        absent.addAll(base.absentFields());
        absent.addAll(later.absentFields());
        Footer b = base.footer();
        Instant finished = later.finished().isAfter(base.finished()) ? later.finished() : base.finished();
        Path done = out.complete(new Footer(finished, b.backend(), b.backendReason(), absent, b.threads(),
                b.entries() + g.entries, b.directories() + g.directories, errors, b.bytes() + g.bytes,
                null, null, -1, 0, rewritten ? null : later.started()));
        String hash;
        long free;
        long entries;
        if (rewritten) {
            try (Snapshot written = Snapshot.open(done)) { // every block copied: all of it checked
                hash = written.treeHash();
                free = written.verification().freeBytes();
                entries = written.entries();
            }
        } else {
            // The baseline's bytes were verified when it was opened and are copied as they are; the
            // new blocks were hashed here and landed where their parents say. Checked once more: no
            // block kept is one marked free.
            for (long kept : ((Blocks) g.sink).kept) {
                if (g.freed.contains(kept)) {
                    throw new IllegalStateException("the block at " + kept + " is both kept and freed");
                }
            }
            hash = g.rootRef == null ? null : java.util.HexFormat.of().formatHex(g.rootRef.hash());
            free = base.verification().freeBytes() + g.freedBytes;
            entries = b.entries() + g.entries;
        }
        out.publish();
        return new Result(entries, errors, hash, g.written, free, rewritten);
    }

    /** Whether a path is one of the trees, or below one. */
    private static boolean under(NavigableSet<byte[]> trees, byte[] path) {
        if (trees.isEmpty()) {
            return false;
        }
        if (trees.contains(new byte[0]) || trees.contains(path)) {
            return true;
        }
        for (int i = 0; i < path.length; i++) {
            if (path[i] == '/' && trees.contains(Arrays.copyOf(path, i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnder(byte[] path, byte[] tree) {
        if (tree.length == 0) {
            return true;
        }
        return path.length >= tree.length && Arrays.equals(path, 0, tree.length, tree, 0, tree.length)
                && (path.length == tree.length || path[tree.length] == '/');
    }

    /** Where the blocks a walk makes go. */
    private interface Sink {
        /** A new block: its reference. */
        BlockRef put(Encoder body, EncodedBlock block) throws IOException;

        /** A block of the baseline kept as it is: its reference in the result. */
        BlockRef keep(BlockRef ref) throws IOException;
    }

    /**
     * The new blocks of a graft that continues the baseline's bytes, held until those are written:
     * each one's offset is known beforehand, as they follow the baseline's blocks in order.
     */
    private static final class Blocks implements Sink, AutoCloseable {
        record Pending(Encoder body, EncodedBlock block, BlockRef ref) {
        }

        final List<Pending> pending = new ArrayList<>();
        private final long start;
        long bytes;
        private final byte[] digest = new byte[Sha256.LENGTH];

        Blocks(long start) {
            this.start = start;
        }

        /** Hashes the new blocks; closed once they are written ({@link #close}). */
        private final Sha256 sha = Sha256.create();

        @Override
        public BlockRef put(Encoder body, EncodedBlock block) {
            // each body is the walk's own (a new encoder per block): held as it is until written
            sha.digest(body.buf, 0, block.hashed(), digest);
            BlockRef ref = new BlockRef(start + bytes, Arrays.copyOf(digest, Format.HASH), block.flags());
            bytes += 1 + varintLength(body.length) + body.length + Frame.CRC;
            pending.add(new Pending(body, block, ref));
            return ref;
        }

        @Override
        public void close() {
            sha.close();
        }

        /** The offsets of the baseline's blocks kept where they are. */
        final List<Long> kept = new ArrayList<>();

        @Override
        public BlockRef keep(BlockRef ref) {
            kept.add(ref.offset());
            return ref;
        }
    }

    /** The walk: the directories on the way to the paths given, read from both and written anew. */
    private static final class Graft {
        final Snapshot base;
        final Snapshot later;
        private final NavigableSet<byte[]> selected;
        /** The paths given where a directory comes with all it holds (moved there). */
        private final NavigableSet<byte[]> whole;
        Sink sink;
        SnapshotWriter out;
        /** The baseline's blocks replaced or dropped, to be marked free. */
        final TreeSet<Long> freed = new TreeSet<>();
        long freedBytes;
        long written;
        /** The paths whose entry is no longer the baseline's (taken over, or removed). */
        private final NavigableSet<byte[]> replacedPaths = new TreeSet<>(Arrays::compareUnsigned);
        /** The paths whose entry is the later snapshot's. */
        final NavigableSet<byte[]> fromLater = new TreeSet<>(Arrays::compareUnsigned);
        /** Subtrees the later snapshot's whole: a directory that could not be read in the baseline. */
        final NavigableSet<byte[]> fromLaterTrees = new TreeSet<>(Arrays::compareUnsigned);
        /** Subtrees of the baseline dropped: removed, or replaced by something else. */
        final NavigableSet<byte[]> dropped = new TreeSet<>(Arrays::compareUnsigned);
        /** The entries, directories and bytes the result holds beyond the baseline's (or fewer). */
        long entries;
        long directories;
        long bytes;
        dev.fsnap.scan.Entry rootEntry;
        /** The root's block in the result, or null when the root could not be listed. */
        BlockRef rootRef;
        private final EntryCodec codec;
        /** From when an entry is racy in the result: the later scan's start. */
        private final RacyFrom racyFrom;

        Graft(Snapshot base, Snapshot later, NavigableSet<byte[]> selected, NavigableSet<byte[]> whole,
              SnapshotWriter out, Header header) {
            this.whole = whole;
            this.racyFrom = header.racyFrom();
            this.base = base;
            this.later = later;
            this.selected = selected;
            this.out = out;
            this.codec = new EntryCodec(base.header().columns());
        }

        boolean replaced(byte[] path) {
            return replacedPaths.contains(path);
        }

        /** Runs the walk on a thread whose stack holds a tree of any depth. */
        void run() throws IOException {
            DeepStack.run("fsnap-graft", () -> {
                walk();
                return null;
            });
        }

        private void walk() throws IOException {
            byte[] root = new byte[0];
            Footer.RootRef was = base.footer().rootRef();
            Footer.RootRef now = later.footer().rootRef();
            rootEntry = base.rootEntry();
            if (selected.contains(root)) {
                replacedPaths.add(root);
                fromLater.add(root);
                rootEntry = later.rootEntry();
                if (!now.listed()) {
                    if (was.listed()) {
                        drop(was.offset(), root);
                    }
                    rootRef = null;
                } else if (was.listed()) {
                    rootRef = patch(root, was.offset(), now.offset(), true);
                } else {
                    fromLaterTrees.add(root);
                    rootRef = copyLater(now.offset(), now.flags());
                }
            } else if (below(root) && was.listed()) {
                rootRef = patch(root, was.offset(), now.listed() ? now.offset() : -1, false);
            } else {
                rootRef = was.listed() ? keep(new BlockRef(was.offset(), was.hash(), was.flags())) : null;
            }
        }

        /** The baseline's unreadable list, every block of it freed: the result's is written anew. */
        void freeUnreadableList() throws IOException {
            for (long at = base.footer().lastUnreadableBlock(); at >= 0; ) {
                Decoder d = base.reader().readBlock(at, Format.UNREADABLE);
                long previous = UnreadableBlock.decode(d, at, null).previous();
                free(at);
                at = previous;
            }
        }

        /** Whether a path given lies below this one. */
        private boolean below(byte[] path) {
            return !within(path).isEmpty();
        }

        /**
         * The paths given below a directory: those that start with its path and a slash, a range of
         * the byte order (names such as {@code a-b} and {@code a.txt} sort between {@code a} and
         * {@code a/...}, outside it).
         */
        private NavigableSet<byte[]> within(byte[] path) {
            if (path.length == 0) {
                return selected.tailSet(path, false);
            }
            byte[] from = Arrays.copyOf(path, path.length + 1);
            from[path.length] = '/';
            byte[] to = from.clone();
            to[path.length] = '/' + 1;
            return selected.subSet(from, true, to, false);
        }

        /** The names of the entries of directory {@code path} on the way to a path given, in name order. */
        private TreeMap<byte[], Boolean> children(byte[] path) {
            TreeMap<byte[], Boolean> names = new TreeMap<>(Arrays::compareUnsigned);
            int from = path.length == 0 ? 0 : path.length + 1;
            for (byte[] p : within(path)) {
                int end = from;
                while (end < p.length && p[end] != '/') {
                    end++;
                }
                names.put(Arrays.copyOfRange(p, from, end), Boolean.TRUE);
            }
            return names;
        }

        private DirectoryRecord read(Snapshot s, long offset) throws IOException {
            return s.reader().readDirectory(offset);
        }

        private BlockRef keep(BlockRef ref) throws IOException {
            return ref == BlockRef.EMPTY || ref.offset() == Format.EMPTY_OFFSET ? BlockRef.EMPTY : sink.keep(ref);
        }

        /**
         * The block of directory {@code path}: the baseline's ({@code baseAt}, or none: -1) with
         * the entries on the way to the paths given as the later snapshot holds them ({@code laterAt},
         * or none: -1). Its own listing failure is the later snapshot's when its entry is taken over.
         */
        private BlockRef patch(byte[] path, long baseAt, long laterAt, boolean taken) throws IOException {
            DirectoryRecord a = baseAt < 0 ? null : read(base, baseAt);
            DirectoryRecord r = laterAt < 0 ? null : read(later, laterAt);
            Fields.Failure listFailure = taken || a == null ? (r == null ? null : r.listFailure) : a.listFailure;
            DirectoryDraft draft = new DirectoryDraft(listFailure);
            int i = 0;
            int na = a == null ? 0 : a.entries.length;
            for (byte[] name : children(path).keySet()) {
                while (i < na && compare(a.entries[i], name) < 0) {
                    keepEntry(draft, a, i++);
                }
                int ia = i < na && compare(a.entries[i], name) == 0 ? i++ : -1;
                int ir = r == null ? -1 : r.find(name);
                child(draft, dev.fsnap.internal.Paths.child(path, name, 0, name.length), a, ia, r, ir);
            }
            while (i < na) {
                keepEntry(draft, a, i++);
            }
            if (a != null && baseAt != Format.EMPTY_OFFSET) {
                free(baseAt);
            }
            if (draft.empty()) {
                return BlockRef.EMPTY;
            }
            Encoder body = new Encoder(4096);
            written++;
            return sink.put(body, draft.encode(body, codec, base.header().columns()));
        }

        /** One entry on the way to a path given. */
        private void child(DirectoryDraft draft, byte[] path, DirectoryRecord a, int ia, DirectoryRecord r, int ir)
                throws IOException {
            Fields ea = ia < 0 ? null : a.entries[ia];
            Fields er = ir < 0 ? null : r.entries[ir];
            boolean baseListed = ea != null && a.listed(ia) && isDirectory(ea);
            boolean laterListed = er != null && r.listed(ir) && isDirectory(er);
            if (selected.contains(path)) {
                replacedPaths.add(path);
                if (ea != null) {
                    count(ea, -1);
                }
                if (er == null) {
                    if (baseListed) {
                        drop(a.childOffset[ia], path);
                    }
                    return;
                }
                fromLater.add(path);
                count(er, 1);
                DirectoryDraft.Ref ref = null;
                if (isDirectory(er)) {
                    if (r.unreadable(ir) || !r.listed(ir)) {
                        if (baseListed) {
                            drop(a.childOffset[ia], path);
                        }
                        ref = r.unreadable(ir) ? new DirectoryDraft.Ref.Unreadable(r.refFailure[ir])
                                : new DirectoryDraft.Ref.NotScanned();
                    } else if (whole.contains(path)) {
                        // a directory moved here: what it holds was compared under its old path, and comes whole
                        if (baseListed) {
                            drop(a.childOffset[ia], path);
                        }
                        fromLaterTrees.add(path);
                        ref = new DirectoryDraft.Ref.Listed(copyLater(r.childOffset[ir], r.subtreeFlags[ir]));
                    } else if (baseListed) {
                        ref = new DirectoryDraft.Ref.Listed(patch(path, a.childOffset[ia], r.childOffset[ir], true));
                    } else if (ea != null && isDirectory(ea)) {
                        // read again: what it holds was never compared, so it comes whole
                        fromLaterTrees.add(path);
                        ref = new DirectoryDraft.Ref.Listed(copyLater(r.childOffset[ir], r.subtreeFlags[ir]));
                    } else {
                        ref = new DirectoryDraft.Ref.Listed(below(path) ? patch(path, -1, r.childOffset[ir], true)
                                : BlockRef.EMPTY);
                    }
                } else if (baseListed) {
                    drop(a.childOffset[ia], path);
                }
                draft.add(er, racy(er), ref);
            } else if (baseListed && er != null && isDirectory(er) && !laterListed) {
                // the later scan could not list it: nothing below it is known to have changed
                keepEntry(draft, a, ia);
            } else if (baseListed) {
                BlockRef sub = patch(path, a.childOffset[ia], laterListed ? r.childOffset[ir] : -1, false);
                draft.add(ea, racy(ea), new DirectoryDraft.Ref.Listed(sub));
            } else if (laterListed && (ea == null || !isDirectory(ea))) {
                // a directory the baseline lacks, on the way to a path given: it comes along
                replacedPaths.add(path);
                fromLater.add(path);
                if (ea != null) {
                    count(ea, -1);
                }
                count(er, 1);
                draft.add(er, racy(er), new DirectoryDraft.Ref.Listed(patch(path, -1, r.childOffset[ir], false)));
            } else if (ea != null) {
                keepEntry(draft, a, ia);
            }
        }

        /** An entry of the baseline's block, as it is. */
        private void keepEntry(DirectoryDraft draft, DirectoryRecord a, int i) throws IOException {
            Fields e = a.entries[i];
            DirectoryDraft.Ref ref = null;
            if (isDirectory(e)) {
                if (a.unreadable(i)) {
                    ref = new DirectoryDraft.Ref.Unreadable(a.refFailure[i]);
                } else if (a.listed(i)) {
                    ref = new DirectoryDraft.Ref.Listed(a.hash[i] == Format.EMPTY_HASH ? BlockRef.EMPTY
                            : keep(new BlockRef(a.childOffset[i], a.hash[i], a.subtreeFlags[i])));
                } else {
                    ref = new DirectoryDraft.Ref.NotScanned();
                }
            }
            draft.add(e, racy(e), ref);
        }

        /** A subtree of the baseline no longer held: its blocks freed, its entries no longer counted. */
        private void drop(long offset, byte[] path) throws IOException {
            dropped.add(path);
            dropBlocks(offset);
        }

        private void dropBlocks(long offset) throws IOException {
            if (offset == Format.EMPTY_OFFSET) {
                return;
            }
            DirectoryRecord d = read(base, offset);
            free(offset);
            for (int i = 0; i < d.entries.length; i++) {
                count(d.entries[i], -1);
                if (d.listed(i) && isDirectory(d.entries[i])) {
                    dropBlocks(d.childOffset[i]);
                }
            }
        }

        private void free(long offset) throws IOException {
            if (freed.add(offset)) {
                freedBytes += base.reader().readAnyBlock(offset).end() - offset;
            }
        }

        /** A subtree of the later snapshot, whole: its blocks copied (their offsets change), its entries counted. */
        private BlockRef copyLater(long offset, int flags) throws IOException {
            return copy(later, offset, flags, true);
        }

        private BlockRef copy(Snapshot s, long offset, int flags, boolean counted) throws IOException {
            if (offset == Format.EMPTY_OFFSET) {
                return BlockRef.EMPTY;
            }
            Decoder in = s.reader().readBlock(offset, Format.DIRECTORY);
            DirectorySplice block = DirectorySplice.parse(in, offset, s.header().columns());
            for (int i = 0; i < block.size(); i++) {
                if (counted) {
                    count(block.entry(i), 1);
                }
                if (block.subdirectory(i) != null && block.hasBlock(i)) {
                    block.listed(i, copy(s, block.childOffset(i), block.childFlags(i), counted));
                }
            }
            Encoder body = new Encoder(in.remaining() + in.pos + 64);
            written++;
            return sink.put(body, block.encode(body, flags));
        }

        /** The sink of a graft written afresh: a block of the baseline kept is copied. */
        final class Copying implements Sink {
            @Override
            public BlockRef put(Encoder body, EncodedBlock block) {
                return out.directory(body, block);
            }

            @Override
            public BlockRef keep(BlockRef ref) throws IOException {
                return copy(base, ref.offset(), ref.flags(), false);
            }
        }

        private void count(Fields e, int sign) {
            if (e.failure != null) {
                return;
            }
            entries += sign;
            if (e.type == EntryType.DIRECTORY) {
                directories += sign;
            } else if (e.type == EntryType.FILE) {
                bytes += sign * e.get(StatFields.SIZE);
            }
        }

        private boolean racy(Fields e) {
            return e.failure == null && e.readFailure == null && racyFrom.covers(e);
        }

        private static boolean isDirectory(Fields e) {
            return e.type == EntryType.DIRECTORY && e.failure == null;
        }

        private static int compare(Fields e, byte[] name) {
            return Arrays.compareUnsigned(e.name, 0, e.nameLength, name, 0, name.length);
        }
    }
}
