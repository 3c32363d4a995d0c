package dev.fsnap.snapshot;

import dev.fsnap.scan.EntryType;

import java.util.Arrays;

/** One decoded directory block: its entries in name order and a reference per subdirectory. */
final class DirectoryRecord {
    static final int NO_REF = -1;
    /** What an empty directory (stored as {@code REF_EMPTY}, without a block) reads back as. */
    static final DirectoryRecord EMPTY = new DirectoryRecord(Format.EMPTY_OFFSET, null, new Fields[0]);

    final long offset;
    /** Why the listing stopped part way, or null. */
    final Fields.Failure listFailure;
    final Fields[] entries;
    /** Per entry: {@link #NO_REF}, or a {@code Format.REF_*} state. */
    final int[] ref;
    final byte[][] hash;
    final long[] childOffset;
    final int[] subtreeFlags;
    final Fields.Failure[] refFailure;

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

    static DirectoryRecord decode(Decoder in, long offset, Columns columns) throws CorruptSnapshotException {
        int flags = in.u8();
        if ((flags & ~(Format.LIST_INCOMPLETE | Format.COLUMNS)) != 0) {
            throw in.corrupt("unknown directory flags " + flags);
        }
        Fields.Failure listFailure = (flags & Format.LIST_INCOMPLETE) != 0 ? EntryCodec.decodeFailure(in) : null;
        int mask = (flags & Format.COLUMNS) != 0 ? columns.blockMask(in) : 0;
        // An entry takes at least three bytes (head, shared prefix, suffix length): a count the block
        // cannot hold is damage, found before anything of its size is allocated.
        int n = in.count(in.remaining() / 3, "entry count");
        Fields[] entries = new Fields[n];
        EntryCodec codec = new EntryCodec(columns);
        codec.reset(mask);
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
        DirectoryRecord r = new DirectoryRecord(offset, listFailure, entries);
        for (int i = 0; i < n; i++) {
            if (entries[i].type != EntryType.DIRECTORY || entries[i].failure != null) {
                continue;
            }
            int state = in.u8();
            r.ref[i] = state;
            switch (state) {
                case Format.REF_LISTED -> r.hash[i] = in.bytes(Format.HASH);
                case Format.REF_EMPTY -> {
                    r.ref[i] = Format.REF_LISTED;
                    r.hash[i] = Format.EMPTY_HASH;
                    r.childOffset[i] = Format.EMPTY_OFFSET;
                }
                case Format.REF_UNREADABLE -> {
                    r.refFailure[i] = EntryCodec.decodeFailure(in);
                    r.subtreeFlags[i] = Format.SUBTREE_UNREADABLE;
                }
                case Format.REF_NOT_SCANNED -> { }
                default -> throw in.corrupt("unknown subdirectory state " + state);
            }
        }
        for (int i = 0; i < n; i++) {
            if (r.ref[i] == Format.REF_LISTED && r.hash[i] != Format.EMPTY_HASH) {
                r.subtreeFlags[i] = in.u8();
                long child = in.varint();
                if (child < Format.MAGIC.length || child >= offset) {
                    throw in.corrupt("subdirectory offset " + child + " is not before its parent at " + offset);
                }
                r.childOffset[i] = child;
            }
        }
        if (!in.atEnd()) {
            throw in.corrupt("unexpected bytes after the directory's entries");
        }
        return r;
    }

    /** @return the index of the entry with this name, or a negative value */
    int find(byte[] name) {
        int lo = 0;
        int hi = entries.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(entries[mid].name, 0, entries[mid].nameLength, name, 0, name.length);
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
