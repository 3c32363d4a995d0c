package dev.fsnap.snapshot.format;

import dev.fsnap.row.RowSchema;
import dev.fsnap.row.ContentValue;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.ScanError;
import dev.fsnap.row.Rows;

import java.util.Arrays;

/** One decoded directory block: its entries in name order and a reference per subdirectory. */
public final class DirectoryRecord {
    public static final int NO_REF = -1;
    private static final dev.fsnap.internal.ScanInternals INTERNALS = dev.fsnap.internal.ScanInternals.get();
    private static final int CONTENT = RowSchema.bytesIndex(dev.fsnap.scan.Field.CONTENT);
    /** What an empty directory (stored as {@code REF_EMPTY}, without a block) reads back as. */
    public static final DirectoryRecord EMPTY = new DirectoryRecord(Format.EMPTY_OFFSET, null, new Fields[0]);

    public final long offset;
    /** Why the listing stopped part way, or null. */
    public final Fields.Failure listFailure;
    public final Fields[] entries;
    /** Per entry: {@link #NO_REF}, or a {@code Format.REF_*} state: ask {@link #listed} and {@link #unreadable}. */
    private final int[] ref;
    public final byte[][] hash;
    public final long[] childOffset;
    public final int[] subtreeFlags;
    public final Fields.Failure[] refFailure;

    private DirectoryRecord(long offset, Fields.Failure listFailure, Fields[] entries) {
        this.offset = offset;
        this.listFailure = listFailure;
        this.entries = entries;
        int n = entries.length;
        ref = new int[n];
        Arrays.fill(ref, NO_REF);
        hash = new byte[n][];
        childOffset = new long[n];
        subtreeFlags = new int[n];
        refFailure = new Fields.Failure[n];
    }

    /** What a block says before its entries: why its listing stopped (or null), its column mask, its entry count. */
    private record Head(Fields.Failure listFailure, int mask, int count) {
        static Head decode(Decoder in, Columns columns) throws CorruptSnapshotException {
            int flags = in.u8();
            if ((flags & ~(Format.LIST_INCOMPLETE | Format.COLUMNS)) != 0) {
                throw in.corrupt("unknown directory flags " + flags);
            }
            Fields.Failure listFailure = (flags & Format.LIST_INCOMPLETE) != 0 ? EntryCodec.decodeFailure(in) : null;
            int mask = (flags & Format.COLUMNS) != 0 ? columns.blockMask(in) : 0;
            // An entry takes at least three bytes (head, shared prefix, suffix length): a count the block
            // cannot hold is damage, found before anything of its size is allocated.
            return new Head(listFailure, mask, in.count(in.remaining() / 3, "entry count"));
        }
    }

    public static DirectoryRecord decode(Decoder in, long offset, Columns columns) throws CorruptSnapshotException {
        DirectoryRecord r = decodeEntries(in, offset, columns);
        r.decodeReferences(in);
        return r;
    }

    /** Reads a block's head and entries, checking their name order; its references are read next. */
    private static DirectoryRecord decodeEntries(Decoder in, long offset, Columns columns)
            throws CorruptSnapshotException {
        Head head = Head.decode(in, columns);
        int n = head.count();
        Fields[] entries = new Fields[n];
        EntryCodec codec = new EntryCodec(columns);
        codec.reset(head.mask());
        Fields scratch = new Fields();
        byte[] previous = null;
        for (int i = 0; i < n; i++) {
            int at = in.pos;
            codec.decode(in, scratch);
            Fields e = scratch.compactCopy();
            if (previous != null && Arrays.compareUnsigned(previous, e.name) >= 0) {
                in.pos = at;
                throw in.corrupt("entries out of name order");
            }
            previous = e.name;
            entries[i] = e;
        }
        return new DirectoryRecord(offset, head.listFailure(), entries);
    }

    /** A readable directory entry: it has a reference. */
    private static boolean isSubdirectory(Fields e) {
        return e.type == EntryType.DIRECTORY && e.failure == null;
    }

    /** Reads the references of this block's readable subdirectories, after its entries. */
    private void decodeReferences(Decoder in) throws CorruptSnapshotException {
        boolean[] directory = new boolean[entries.length];
        for (int i = 0; i < entries.length; i++) {
            directory[i] = isSubdirectory(entries[i]);
        }
        decodeReferences(in, directory);
    }

    /** Reads the references of the readable subdirectories, then where each listed one is; the block must end there. */
    private void decodeReferences(Decoder in, boolean[] directory) throws CorruptSnapshotException {
        int n = directory.length;
        for (int i = 0; i < n; i++) {
            if (!directory[i]) {
                continue;
            }
            int state = in.u8();
            ref[i] = state;
            switch (state) {
                case Format.REF_LISTED -> hash[i] = in.bytes(Format.HASH);
                case Format.REF_EMPTY -> {
                    ref[i] = Format.REF_LISTED;
                    hash[i] = Format.EMPTY_HASH;
                    childOffset[i] = Format.EMPTY_OFFSET;
                }
                case Format.REF_UNREADABLE -> {
                    refFailure[i] = EntryCodec.decodeFailure(in);
                    subtreeFlags[i] = Format.SUBTREE_UNREADABLE;
                }
                case Format.REF_NOT_SCANNED -> { }
                default -> throw in.corrupt("unknown subdirectory state " + state);
            }
        }
        for (int i = 0; i < n; i++) {
            if (ref[i] == Format.REF_LISTED && hash[i] != Format.EMPTY_HASH) {
                subtreeFlags[i] = in.u8();
                long child = in.varint();
                if (child < Format.MAGIC.length || child >= offset) {
                    throw in.corrupt("subdirectory offset " + child + " is not before its parent at " + offset);
                }
                childOffset[i] = child;
            }
        }
        if (!in.atEnd()) {
            throw in.corrupt("unexpected bytes after the directory's entries");
        }
    }

    /**
     * A directory block read for the files' metadata and content alone, without an object per
     * entry: what a scan that digests content looks up, file by file, in the last snapshot.
     */
    public static final class Files {
        private byte[] names = new byte[256];
        private int[] nameEnd;
        /** Each entry's stat row ({@code StatFields} slots), {@code StatFields.WIDTH} from {@code i * WIDTH}. */
        public long[] rows;
        /** Each file's content value, or null. */
        public byte[][] content;
        /** Whether each entry is a readable regular file. */
        public boolean[] file;
        /** Whether each entry's timestamps fell inside its scan's racy window. */
        public boolean[] racy;
        /** Each entry's block offset when it is a listed directory ({@link Format#EMPTY_OFFSET} when empty), else -1. */
        public long[] childOffset;
        private int size;
        /** Open addressing over the names: an entry's index + 1, 0 where free. */
        private int[] slots = new int[2];
        private long fileBytes;

        /** @return the size of the regular files, in all */
        public long fileBytes() {
            return fileBytes;
        }

        /**
         * @return the index of the entry with this name, or a negative value
         */
        public int find(byte[] name, int offset, int length) {
            // Called for every file of a scan that digests content: one hash, most often one comparison.
            int[] t = slots;
            int mask = t.length - 1;
            for (int s = hash(name, offset, length) & mask; ; s = (s + 1) & mask) {
                int i = t[s] - 1;
                if (i < 0) {
                    return -1;
                }
                int from = i == 0 ? 0 : nameEnd[i - 1];
                if (nameEnd[i] - from == length && compare(from, nameEnd[i], name, offset, length) == 0) {
                    return i;
                }
            }
        }

        /** Indexes the names by their hash, once they are all decoded. */
        private void index() {
            int capacity = Integer.highestOneBit(Math.max(2, size * 2 - 1)) << 1;
            int[] t = new int[capacity];
            int mask = capacity - 1;
            for (int i = 0; i < size; i++) {
                int from = i == 0 ? 0 : nameEnd[i - 1];
                int s = hash(names, from, nameEnd[i] - from) & mask;
                while (t[s] != 0) {
                    s = (s + 1) & mask;
                }
                t[s] = i + 1;
            }
            slots = t;
        }

        private static int hash(byte[] b, int offset, int length) {
            int h = length;
            for (int k = 0; k < length; k++) {
                h = 31 * h + b[offset + k];
            }
            h ^= h >>> 16; // MurmurHash3's finalizer: names that differ in their last byte spread apart
            h *= 0x85ebca6b;
            h ^= h >>> 13;
            return h;
        }

        /** The unsigned order of the name stored in {@code [from, to)} to the name sought. */
        private int compare(int from, int to, byte[] name, int offset, int length) {
            int n = Math.min(to - from, length);
            for (int k = 0; k < n; k++) {
                int x = names[from + k] & 0xFF;
                int y = name[offset + k] & 0xFF;
                if (x != y) {
                    return x - y;
                }
            }
            return (to - from) - length;
        }
    }

    /**
     * Decodes a directory block's files, as {@link #decode} checks it.
     *
     * @param in the block's body
     * @param offset the block's offset
     * @param columns the file's columns
     * @param racyFrom the snapshot's racy window
     * @return the files
     * @throws CorruptSnapshotException when the block is damaged
     */
    public static Files decodeFiles(Decoder in, long offset, Columns columns, RacyFrom racyFrom)
            throws CorruptSnapshotException {
        Head head = Head.decode(in, columns);
        int n = head.count();
        Files f = new Files();
        f.nameEnd = new int[n];
        f.rows = new long[n * StatFields.WIDTH];
        f.content = new byte[n][];
        f.file = new boolean[n];
        f.racy = new boolean[n];
        EntryCodec codec = new EntryCodec(columns);
        codec.reset(head.mask());
        Fields e = new Fields();
        boolean[] directory = new boolean[n];
        int length = 0;
        for (int i = 0; i < n; i++) {
            int at = in.pos;
            codec.decode(in, e);
            if (i > 0 && f.compare(i == 1 ? 0 : f.nameEnd[i - 2], f.nameEnd[i - 1], e.name, 0, e.nameLength) >= 0) {
                in.pos = at;
                throw in.corrupt("entries out of name order");
            }
            if (length + e.nameLength > f.names.length) {
                f.names = Arrays.copyOf(f.names, Math.max(f.names.length * 2, length + e.nameLength));
            }
            System.arraycopy(e.name, 0, f.names, length, e.nameLength);
            length += e.nameLength;
            f.nameEnd[i] = length;
            if (e.failure == null) {
                System.arraycopy(e.stat, 0, f.rows, i * StatFields.WIDTH, StatFields.WIDTH);
                f.file[i] = e.type == EntryType.FILE;
                if (f.file[i]) {
                    f.fileBytes += e.stat[StatFields.SIZE];
                }
                f.content[i] = e.bytes(dev.fsnap.scan.Field.CONTENT);
                f.racy[i] = racyFrom.covers(e);
                directory[i] = e.type == EntryType.DIRECTORY;
            }
        }
        f.size = n;
        f.index();
        DirectoryRecord refs = new DirectoryRecord(offset, null, new Fields[n]);
        refs.decodeReferences(in, directory);
        f.childOffset = refs.childOffset;
        for (int i = 0; i < n; i++) {
            if (refs.ref[i] != Format.REF_LISTED) {
                f.childOffset[i] = -1;
            }
        }
        return f;
    }

    /**
     * A directory block taken apart for a merge of a plan's parts: its entries kept as the bytes
     * they are, its subdirectories' references open to change (where a part recorded another
     * shard's root as not scanned, that shard's part is grafted in; every listed child moves to its
     * place in the merged file), then put together again. Only the references change, so a block
     * whose children keep their hashes keeps its own.
     */
    public static final class Splice {
        private final byte[] body;
        private final int bodyStart;
        private final int entriesEnd;
        /** The block decoded: its entries as read, its references changed in place. */
        private final DirectoryRecord refs;

        private Splice(byte[] body, int bodyStart, int entriesEnd, DirectoryRecord refs) {
            this.body = body;
            this.bodyStart = bodyStart;
            this.entriesEnd = entriesEnd;
            this.refs = refs;
        }

        /**
         * Takes a directory block apart, checking it as {@link #decode} does.
         *
         * @param in the block's body
         * @param offset the block's offset
         * @param columns the file's columns
         * @return the block, its references open to change
         * @throws CorruptSnapshotException when the block is damaged
         */
        public static Splice parse(Decoder in, long offset, Columns columns) throws CorruptSnapshotException {
            int start = in.pos;
            DirectoryRecord r = decodeEntries(in, offset, columns);
            int entriesEnd = in.pos;
            r.decodeReferences(in);
            return new Splice(in.buffer(), start, entriesEnd, r);
        }

        /** @return the device entry {@code i} is on */
        public long device(int i) {
            return refs.entries[i].stat[StatFields.DEVICE];
        }

        /** @return the block's entries, subdirectories or not */
        public int size() {
            return refs.entries.length;
        }

        /** @return entry {@code i}'s name when it is a readable subdirectory, else null */
        public byte[] subdirectory(int i) {
            Fields e = refs.entries[i];
            return isSubdirectory(e) ? e.name : null;
        }

        /** @return whether subdirectory {@code i} was listed into a block of its own (not empty) */
        public boolean hasBlock(int i) {
            return refs.ref[i] == Format.REF_LISTED && refs.hash[i] != Format.EMPTY_HASH;
        }

        /** @return whether subdirectory {@code i} was recorded without being entered */
        public boolean notScanned(int i) {
            return refs.ref[i] == Format.REF_NOT_SCANNED;
        }

        /** @return the block of subdirectory {@code i}, when {@link #hasBlock} */
        public long childOffset(int i) {
            return refs.childOffset[i];
        }

        /** @return the subtree flags of subdirectory {@code i}, when {@link #hasBlock} */
        public int childFlags(int i) {
            return refs.subtreeFlags[i];
        }

        /**
         * Points subdirectory {@code i} at a block (or at none, {@link Ref#EMPTY}).
         *
         * @param i the entry
         * @param child the block's place, hash and subtree flags in the merged file
         */
        public void listed(int i, Ref child) {
            refs.ref[i] = Format.REF_LISTED;
            refs.hash[i] = child == Ref.EMPTY ? Format.EMPTY_HASH : child.hash;
            refs.childOffset[i] = child.offset;
            refs.subtreeFlags[i] = child.flags;
            refs.refFailure[i] = null;
        }

        /**
         * Records subdirectory {@code i} as unreadable.
         *
         * @param i the entry
         * @param why why it could not be listed
         */
        public void unreadable(int i, Fields.Failure why) {
            refs.ref[i] = Format.REF_UNREADABLE;
            refs.hash[i] = null;
            refs.subtreeFlags[i] = Format.SUBTREE_UNREADABLE;
            refs.refFailure[i] = why;
        }

        /**
         * Puts the block together again: its entries as read, its references as they now are.
         *
         * @param out where to encode the body
         * @param flags the block's own subtree flags as its part recorded them; those of the
         *              subdirectories grafted in are added
         * @return the hashed length and the subtree flags
         */
        public Encoded encode(Encoder out, int flags) {
            out.bytes(body, bodyStart, entriesEnd - bodyStart);
            int n = refs.entries.length;
            boolean located = false;
            for (int i = 0; i < n; i++) {
                if (!isSubdirectory(refs.entries[i])) {
                    continue;
                }
                switch (refs.ref[i]) {
                    case Format.REF_LISTED -> {
                        if (refs.hash[i] == Format.EMPTY_HASH) {
                            out.u8(Format.REF_EMPTY);
                        } else {
                            out.u8(Format.REF_LISTED);
                            out.bytes(refs.hash[i], 0, Format.HASH);
                            located = true;
                        }
                    }
                    case Format.REF_UNREADABLE -> {
                        out.u8(Format.REF_UNREADABLE);
                        EntryCodec.encodeFailure(out, refs.refFailure[i]);
                    }
                    default -> out.u8(Format.REF_NOT_SCANNED);
                }
                flags |= refs.subtreeFlags[i];
            }
            int hashed = out.length;
            if (located) {
                for (int i = 0; i < n; i++) {
                    if (isSubdirectory(refs.entries[i]) && hasBlock(i)) {
                        out.u8(refs.subtreeFlags[i]);
                        out.varint(refs.childOffset[i]);
                    }
                }
            }
            return new Encoded(hashed, flags);
        }
    }

    /**
     * What a parent records of a written directory block: where it is, its hash, and what its
     * subtree holds ({@link Format#SUBTREE_RACY}, {@link Format#SUBTREE_UNREADABLE},
     * {@link Format#SUBTREE_CORRUPT}).
     *
     * @param offset the block's offset
     * @param hash its truncated SHA-256
     * @param flags its subtree flags
     */
    public record Ref(long offset, byte[] hash, int flags) {
        /** An empty directory: no block is written for it. */
        public static final Ref EMPTY = new Ref(Format.EMPTY_OFFSET, Format.EMPTY_HASH, 0);
    }

    /**
     * A directory block as encoded: the length of its hashed part (the entries and the children's
     * hashes; their offsets and flags follow unhashed), and its subtree's flags.
     */
    public record Encoded(int hashed, int flags) {
    }

    /**
     * Encodes a scanned directory as a block body, the reverse of {@link #decode}. Each listed
     * subdirectory's {@link Rows#childResult} is the {@link Ref} its own block was
     * written with.
     *
     * @param listing the directory, its subdirectories written
     * @param body where to encode
     * @param f the worker's scratch fields
     * @param codec the worker's entry codec
     * @param columns the columns the file's entries may carry
     * @param racyFrom from when a timestamp is racy
     * @return the hashed length and the subtree flags
     */
    public static Encoded encode(Rows listing, Encoder body, Fields f, EntryCodec codec, Columns columns,
                          RacyFrom racyFrom) {
        int mask = columns.mask(listing);
        codec.reset(mask);
        boolean unreadable = false;
        boolean racy = false;
        boolean corrupt = false;
        ScanError listError = listing.listError();
        body.u8((listError != null ? Format.LIST_INCOMPLETE : 0) | (mask != 0 ? Format.COLUMNS : 0));
        if (listError != null) {
            EntryCodec.encodeFailure(body, Fields.Failure.of(listError));
            unreadable = true;
        }
        if (mask != 0) {
            body.varint(mask);
        }
        int n = listing.size();
        body.varint(n);
        for (int i = 0; i < n; i++) {
            f.from(listing, i);
            codec.encode(body, f);
            if (f.failure != null || f.readFailure != null) {
                unreadable = true;
            } else if (!racy) {
                racy = racyFrom.covers(f);
            }
            corrupt |= markedCorrupt(f);
        }
        // Subdirectory references, hashed part: state, then the child's hash or failure.
        int listed = 0;
        for (int i = 0; i < n; i++) {
            if (!isDirectory(listing, i)) {
                continue;
            }
            switch (listing.subdirectory(i)) {
                case LISTED -> {
                    Ref c = (Ref) listing.childResult(i);
                    if (c == null) {
                        throw new IllegalStateException("subdirectory visited without a result: "
                                + listing.displayPath(i));
                    }
                    if (c == Ref.EMPTY) {
                        body.u8(Format.REF_EMPTY);
                        continue;
                    }
                    body.u8(Format.REF_LISTED);
                    body.bytes(c.hash, 0, Format.HASH);
                    racy |= (c.flags & Format.SUBTREE_RACY) != 0;
                    unreadable |= (c.flags & Format.SUBTREE_UNREADABLE) != 0;
                    corrupt |= (c.flags & Format.SUBTREE_CORRUPT) != 0;
                    listed++;
                }
                case UNREADABLE -> {
                    body.u8(Format.REF_UNREADABLE);
                    EntryCodec.encodeFailure(body, Fields.Failure.of(listing.childError(i)));
                    unreadable = true;
                }
                default -> body.u8(Format.REF_NOT_SCANNED);
            }
        }
        int hashed = body.length;
        // Not hashed: where each listed child is in this file, and what its subtree holds.
        if (listed > 0) {
            for (int i = 0; i < n; i++) {
                if (isDirectory(listing, i) && listing.subdirectory(i) == Rows.Subdirectory.LISTED
                        && listing.childResult(i) != Ref.EMPTY) {
                    Ref c = (Ref) listing.childResult(i);
                    body.u8(c.flags);
                    body.varint(c.offset);
                }
            }
        }
        return new Encoded(hashed, (racy ? Format.SUBTREE_RACY : 0) | (unreadable ? Format.SUBTREE_UNREADABLE : 0)
                | (corrupt ? Format.SUBTREE_CORRUPT : 0));
    }

    /** Whether an entry is a file whose content is marked corrupt: its subtree is flagged so. */
    private static boolean markedCorrupt(Fields f) {
        byte[] content = f.values[CONTENT];
        return content != null && ContentValue.corrupt(content);
    }

    /** A readable directory entry: it has a reference (unreadable entries are typed unknown). */
    private static boolean isDirectory(Rows l, int i) {
        return l.type(i) == EntryType.DIRECTORY;
    }

    /** @return whether entry {@code i} is a subdirectory that was listed: its block is at {@code childOffset[i]} */
    public boolean listed(int i) {
        return ref[i] == Format.REF_LISTED;
    }

    /** @return whether entry {@code i} is a subdirectory that could not be listed: why is {@code refFailure[i]} */
    public boolean unreadable(int i) {
        return ref[i] == Format.REF_UNREADABLE;
    }

    /**
     * Whether a subtree is unchanged by its hash alone: the same hash, and nothing in either that
     * a hash cannot vouch for (timestamps inside the old scan's racy window, unreadable parts), nor
     * a file marked corrupt in the new one, which is reported every time although its value stays
     * the same while it stays rotten.
     *
     * @param oldHash the old subtree's hash
     * @param oldFlags its subtree flags
     * @param newHash the new one's
     * @param newFlags its flags
     * @return true when the two need not be read
     */
    public static boolean unchangedByHash(byte[] oldHash, int oldFlags, byte[] newHash, int newFlags) {
        return Arrays.equals(oldHash, newHash)
                && (oldFlags & (Format.SUBTREE_RACY | Format.SUBTREE_UNREADABLE)) == 0
                && (newFlags & (Format.SUBTREE_UNREADABLE | Format.SUBTREE_CORRUPT)) == 0;
    }

    /** @return the index of the entry with this name, or a negative value */
    public int find(byte[] name) {
        return search(entries.length, mid -> Arrays.compareUnsigned(entries[mid].name, 0, entries[mid].nameLength,
                name, 0, name.length));
    }

    /**
     * A binary search over entries in name order.
     *
     * @param size the entries
     * @param compare the order of entry {@code i}'s name to the name sought
     * @return the index of the entry with that name, or a negative value
     */
    private static int search(int size, java.util.function.IntUnaryOperator compare) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compare.applyAsInt(mid);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }
}
