package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.scan.EntryType;

import java.util.Arrays;

/**
 * One decoded directory block: its entries in name order and a reference per subdirectory. Written
 * by {@link DirectoryEncoder}; read for the files alone by {@link DirectoryFiles}; its references
 * changed for a merge by {@link DirectorySplice}.
 */
public final class DirectoryRecord {
    public static final int NO_REF = -1;
    /** What an empty directory (stored as {@code REF_EMPTY}, without a block) reads back as. */
    public static final DirectoryRecord EMPTY = new DirectoryRecord(Format.EMPTY_OFFSET, null, new Fields[0]);

    public final long offset;
    /** Why the listing stopped part way, or null. */
    public final Fields.Failure listFailure;
    public final Fields[] entries;
    /** Per entry: {@link #NO_REF}, or a {@code Format.REF_*} state: ask {@link #listed} and {@link #unreadable}. */
    final int[] ref;
    public final byte[][] hash;
    public final long[] childOffset;
    public final int[] subtreeFlags;
    public final Fields.Failure[] refFailure;

    DirectoryRecord(long offset, Fields.Failure listFailure, Fields[] entries) {
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
    record Head(Fields.Failure listFailure, int mask, int count) {
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
    static DirectoryRecord decodeEntries(Decoder in, long offset, Columns columns)
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
    static boolean isSubdirectory(Fields e) {
        return e.type == EntryType.DIRECTORY && e.failure == null;
    }

    /** Reads the references of this block's readable subdirectories, after its entries. */
    void decodeReferences(Decoder in) throws CorruptSnapshotException {
        boolean[] directory = new boolean[entries.length];
        for (int i = 0; i < entries.length; i++) {
            directory[i] = isSubdirectory(entries[i]);
        }
        decodeReferences(in, directory);
    }

    /** Reads the references of the readable subdirectories, then where each listed one is; the block must end there. */
    void decodeReferences(Decoder in, boolean[] directory) throws CorruptSnapshotException {
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
