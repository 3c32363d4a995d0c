package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.bindings.StatFields;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;

import java.nio.charset.StandardCharsets;

/**
 * Encodes the entries of one block, each against the one before it: names front-coded, times and
 * inodes as deltas, mode/uid/gid/nlink/dev omitted when equal to the previous entry's. One codec per
 * block; {@link #reset} between blocks.
 */
public final class EntryCodec {
    /** Times within this many seconds of the epoch fit a signed 64-bit nanosecond count. */
    private static final long NARROW_SECONDS = 9_000_000_000L;
    private static final Operation[] OPERATIONS = Operation.values();
    /** The stored target of a link whose target the backend does not read. */
    private static final byte[] NO_TARGET = {};

    private byte[] prevName = new byte[256];
    private int prevNameLength;
    private long prevMtime;
    private long prevInode;
    private int prevMode;
    private long prevUid;
    private long prevGid;
    private long prevLinks;
    private long prevDevice;
    /** Entries {@link #skip}ped since the last reset. */
    private int skipped;
    /** The file's columns beyond the fixed part, and which of them this block's entries carry. */
    private final Columns columns;
    private int mask;
    private final Encoder scratch = new Encoder(32);
    /** Each attribute column's last value in this block (a repeat is stored as a mark), by column. */
    private final byte[][] previous;

    /** A codec for files without columns (versions 1 to 3). */
    public EntryCodec() {
        this(Columns.NONE);
    }

    public EntryCodec(Columns columns) {
        this.columns = columns;
        this.previous = columns.newPrevious();
    }

    /** Starts a block whose entries carry the columns of the mask. */
    public void reset(int columnMask) {
        reset();
        mask = columnMask;
    }

    public void reset() {
        java.util.Arrays.fill(previous, null);
        mask = 0;
        skipped = 0;
        prevNameLength = 0;
        prevMtime = 0;
        prevInode = 0;
        prevMode = 0;
        prevUid = 0;
        prevGid = 0;
        prevLinks = 0;
        prevDevice = 0;
    }

    public void encode(Encoder out, Fields f) {
        int head = Format.typeCode(f.type);
        if (f.failure != null) {
            out.u8(head | Format.ENTRY_UNREADABLE);
            encodeName(out, f);
            encodeFailure(out, f.failure);
            return;
        }
        long[] st = f.stat;
        long mtimeSec = st[StatFields.MTIME_SEC];
        long mtimeNsec = st[StatFields.MTIME_NSEC];
        long ctimeSec = st[StatFields.CTIME_SEC];
        long ctimeNsec = st[StatFields.CTIME_NSEC];
        int mode = (int) st[StatFields.MODE];
        long uid = st[StatFields.UID];
        long gid = st[StatFields.GID];
        long links = st[StatFields.NLINK];
        long device = st[StatFields.DEVICE];
        boolean narrow = Math.abs(mtimeSec) <= NARROW_SECONDS && Math.abs(ctimeSec) <= NARROW_SECONDS;
        boolean ctimeIsMtime = ctimeSec == mtimeSec && ctimeNsec == mtimeNsec;
        boolean sameAttrs = mode == prevMode && uid == prevUid && gid == prevGid && links == prevLinks
                && device == prevDevice;
        boolean symlink = f.type == EntryType.SYMLINK;
        // An entry of which a read after the stat failed carries the reason: a link in place of its
        // target (one whose backend reads no targets, Windows, carries none and is stored with an
        // empty target, which no POSIX link has), anything else after its fixed part (version 5).
        boolean readFailed = f.readFailure != null;
        if (!narrow) {
            head |= Format.WIDE_TIME;
        }
        if (ctimeIsMtime) {
            head |= Format.CTIME_IS_MTIME;
        }
        if (sameAttrs) {
            head |= Format.SAME_ATTRS;
        }
        if (readFailed) {
            head |= Format.READ_FAILED;
        }
        out.u8(head);
        encodeName(out, f);
        out.varint(st[StatFields.SIZE]);
        if (narrow) {
            long m = mtimeSec * 1_000_000_000L + mtimeNsec;
            out.zigzag(m - prevMtime);
            prevMtime = m;
            if (!ctimeIsMtime) {
                out.zigzag(ctimeSec * 1_000_000_000L + ctimeNsec - m);
            }
        } else {
            out.zigzag(mtimeSec);
            out.varint(mtimeNsec);
            if (!ctimeIsMtime) {
                out.zigzag(ctimeSec);
                out.varint(ctimeNsec);
            }
        }
        long inode = st[StatFields.INODE];
        out.zigzag(inode - prevInode);
        prevInode = inode;
        if (!sameAttrs) {
            out.varint(mode & 0xFFFFFFFFL);
            out.varint(uid);
            out.varint(gid);
            out.varint(links);
            out.varint(device);
            prevMode = mode;
            prevUid = uid;
            prevGid = gid;
            prevLinks = links;
            prevDevice = device;
        }
        if (readFailed) {
            encodeFailure(out, f.readFailure);
        } else if (symlink) {
            out.string(f.target() == null ? NO_TARGET : f.target());
        }
        if (mask != 0) {
            columns.encode(out, f, mask, scratch, previous);
        }
    }

    private void encodeName(Encoder out, Fields f) {
        int shared = 0;
        int max = Math.min(prevNameLength, f.nameLength);
        while (shared < max && prevName[shared] == f.name[shared]) {
            shared++;
        }
        out.varint(shared);
        out.varint(f.nameLength - shared);
        out.bytes(f.name, shared, f.nameLength - shared);
        if (f.nameLength > prevName.length) {
            prevName = java.util.Arrays.copyOf(prevName, Math.max(f.nameLength, prevName.length * 2));
        }
        System.arraycopy(f.name, shared, prevName, shared, f.nameLength - shared);
        prevNameLength = f.nameLength;
    }

    public static void encodeFailure(Encoder out, Fields.Failure failure) {
        out.u8(failure.operation().ordinal());
        out.string(failure.code().getBytes(StandardCharsets.UTF_8));
        out.string(failure.message().getBytes(StandardCharsets.UTF_8));
    }

    public void decode(Decoder in, Fields f) throws CorruptSnapshotException {
        int head = in.u8();
        f.type = Format.type(head);
        decodeName(in, f);
        if ((head & Format.ENTRY_UNREADABLE) != 0) {
            f.failure = decodeFailure(in);
            java.util.Arrays.fill(f.values, null);
            f.readFailure = null;
            return;
        }
        f.failure = null;
        long[] st = f.stat;
        StatFields.clear(st, 0);
        st[StatFields.SIZE] = in.varint();
        if ((head & Format.WIDE_TIME) == 0) {
            long m = prevMtime + in.zigzag();
            prevMtime = m;
            st[StatFields.MTIME_SEC] = Math.floorDiv(m, 1_000_000_000L);
            st[StatFields.MTIME_NSEC] = Math.floorMod(m, 1_000_000_000L);
            if ((head & Format.CTIME_IS_MTIME) != 0) {
                st[StatFields.CTIME_SEC] = st[StatFields.MTIME_SEC];
                st[StatFields.CTIME_NSEC] = st[StatFields.MTIME_NSEC];
            } else {
                long c = m + in.zigzag();
                st[StatFields.CTIME_SEC] = Math.floorDiv(c, 1_000_000_000L);
                st[StatFields.CTIME_NSEC] = Math.floorMod(c, 1_000_000_000L);
            }
        } else {
            st[StatFields.MTIME_SEC] = in.zigzag();
            st[StatFields.MTIME_NSEC] = in.nanos();
            if ((head & Format.CTIME_IS_MTIME) != 0) {
                st[StatFields.CTIME_SEC] = st[StatFields.MTIME_SEC];
                st[StatFields.CTIME_NSEC] = st[StatFields.MTIME_NSEC];
            } else {
                st[StatFields.CTIME_SEC] = in.zigzag();
                st[StatFields.CTIME_NSEC] = in.nanos();
            }
        }
        prevInode += in.zigzag();
        st[StatFields.INODE] = prevInode;
        if ((head & Format.SAME_ATTRS) == 0) {
            prevMode = (int) in.varint();
            prevUid = in.varint();
            prevGid = in.varint();
            prevLinks = in.varint();
            prevDevice = in.varint();
        }
        st[StatFields.MODE] = prevMode;
        st[StatFields.UID] = prevUid;
        st[StatFields.GID] = prevGid;
        st[StatFields.NLINK] = prevLinks;
        st[StatFields.DEVICE] = prevDevice;
        java.util.Arrays.fill(f.values, null);
        f.readFailure = null;
        if ((head & Format.READ_FAILED) != 0) {
            f.readFailure = decodeFailure(in);
        } else if (f.type == EntryType.SYMLINK) {
            byte[] target = in.string();
            f.target(target.length == 0 ? null : target);
        }
        columns.decode(in, f, mask, previous);
    }

    /**
     * Reads past one entry checking all that {@link #decode} checks, names in order included,
     * without keeping its fields: what verifying a whole file does for every entry.
     *
     * @return the entry's type code, or -1 when its metadata was unreadable
     */
    public int skip(Decoder in) throws CorruptSnapshotException {
        int head = in.u8();
        int at = in.pos;
        int shared = in.count(prevNameLength, "shared name prefix");
        int rest = in.count(1 << 20, "name length");
        int length = shared + rest;
        // The names share their first bytes: the new one follows the previous one when its suffix
        // follows the rest of the previous one.
        int order = in.compareNext(rest, prevName, shared, prevNameLength);
        if (skipped++ > 0 && order <= 0) {
            in.pos = at - 1;
            throw in.corrupt("entries out of name order");
        }
        if (length > prevName.length) {
            prevName = java.util.Arrays.copyOf(prevName, Math.max(length, prevName.length * 2));
        }
        in.copyPrevious(rest, prevName, shared);
        prevNameLength = length;
        if ((head & Format.ENTRY_UNREADABLE) != 0) {
            skipFailure(in);
            return -1;
        }
        in.varint();
        boolean sameTime = (head & Format.CTIME_IS_MTIME) != 0;
        if ((head & Format.WIDE_TIME) == 0) {
            in.varint();
            if (!sameTime) {
                in.varint();
            }
        } else {
            in.varint();
            in.nanos();
            if (!sameTime) {
                in.varint();
                in.nanos();
            }
        }
        in.varint();
        if ((head & Format.SAME_ATTRS) == 0) {
            for (int k = 0; k < 5; k++) {
                in.varint();
            }
        }
        int type = head & Format.TYPE_MASK;
        if ((head & Format.READ_FAILED) != 0) {
            skipFailure(in);
        } else if (type == Format.typeCode(EntryType.SYMLINK)) {
            in.skipString();
        }
        if (mask != 0) {
            columns.skip(in, mask, previous);
        }
        return type;
    }

    public static void skipFailure(Decoder in) throws CorruptSnapshotException {
        int op = in.u8();
        if (op >= OPERATIONS.length) {
            throw in.corrupt("unknown operation " + op);
        }
        in.skipString();
        in.skipString();
    }

    private void decodeName(Decoder in, Fields f) throws CorruptSnapshotException {
        int shared = in.count(prevNameLength, "shared name prefix");
        int rest = in.count(1 << 20, "name length");
        byte[] suffix = in.bytes(rest);
        int length = shared + rest;
        if (length > f.name.length) {
            f.name = new byte[Math.max(length, f.name.length * 2)];
        }
        System.arraycopy(prevName, 0, f.name, 0, shared);
        System.arraycopy(suffix, 0, f.name, shared, rest);
        f.nameLength = length;
        if (length > prevName.length) {
            byte[] p = new byte[Math.max(length, prevName.length * 2)];
            System.arraycopy(prevName, 0, p, 0, shared);
            prevName = p;
        }
        System.arraycopy(suffix, 0, prevName, shared, rest);
        prevNameLength = length;
    }

    public static Fields.Failure decodeFailure(Decoder in) throws CorruptSnapshotException {
        int op = in.u8();
        if (op >= OPERATIONS.length) {
            throw in.corrupt("unknown operation " + op);
        }
        return new Fields.Failure(OPERATIONS[op], in.text(), in.text());
    }
}
