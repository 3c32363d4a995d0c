package dev.fsnap.snapshot;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;

import java.nio.charset.StandardCharsets;

/**
 * Encodes the entries of one block, each against the one before it: names front-coded, times and
 * inodes as deltas, mode/uid/gid/nlink/dev omitted when equal to the previous entry's. One codec per
 * block; {@link #reset} between blocks.
 */
final class EntryCodec {
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

    void reset() {
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

    void encode(Encoder out, Fields f) {
        int head = Format.typeCode(f.type);
        if (f.failure != null) {
            out.u8(head | Format.ENTRY_UNREADABLE);
            encodeName(out, f);
            encodeFailure(out, f.failure);
            return;
        }
        boolean narrow = Math.abs(f.mtimeSec) <= NARROW_SECONDS && Math.abs(f.ctimeSec) <= NARROW_SECONDS;
        boolean ctimeIsMtime = f.ctimeSec == f.mtimeSec && f.ctimeNsec == f.mtimeNsec;
        boolean sameAttrs = f.mode == prevMode && f.uid == prevUid && f.gid == prevGid && f.linkCount == prevLinks
                && f.device == prevDevice;
        boolean symlink = f.type == EntryType.SYMLINK;
        // A link whose target could not be read carries the reason; one whose backend reads no
        // targets (Windows) carries none, and is stored with an empty target (no POSIX link has one).
        boolean targetUnreadable = symlink && f.target == null && f.targetFailure != null;
        if (!narrow) {
            head |= Format.WIDE_TIME;
        }
        if (ctimeIsMtime) {
            head |= Format.CTIME_IS_MTIME;
        }
        if (sameAttrs) {
            head |= Format.SAME_ATTRS;
        }
        if (targetUnreadable) {
            head |= Format.TARGET_UNREADABLE;
        }
        out.u8(head);
        encodeName(out, f);
        out.varint(f.size);
        if (narrow) {
            long m = f.mtimeSec * 1_000_000_000L + f.mtimeNsec;
            out.zigzag(m - prevMtime);
            prevMtime = m;
            if (!ctimeIsMtime) {
                out.zigzag(f.ctimeSec * 1_000_000_000L + f.ctimeNsec - m);
            }
        } else {
            out.zigzag(f.mtimeSec);
            out.varint(f.mtimeNsec);
            if (!ctimeIsMtime) {
                out.zigzag(f.ctimeSec);
                out.varint(f.ctimeNsec);
            }
        }
        out.zigzag(f.inode - prevInode);
        prevInode = f.inode;
        if (!sameAttrs) {
            out.varint(f.mode & 0xFFFFFFFFL);
            out.varint(f.uid);
            out.varint(f.gid);
            out.varint(f.linkCount);
            out.varint(f.device);
            prevMode = f.mode;
            prevUid = f.uid;
            prevGid = f.gid;
            prevLinks = f.linkCount;
            prevDevice = f.device;
        }
        if (targetUnreadable) {
            encodeFailure(out, f.targetFailure);
        } else if (symlink) {
            out.string(f.target == null ? NO_TARGET : f.target);
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

    static void encodeFailure(Encoder out, Fields.Failure failure) {
        out.u8(failure.operation().ordinal());
        out.string(failure.code().getBytes(StandardCharsets.UTF_8));
        out.string(failure.message().getBytes(StandardCharsets.UTF_8));
    }

    void decode(Decoder in, Fields f) throws CorruptSnapshotException {
        int head = in.u8();
        f.type = Format.type(head);
        decodeName(in, f);
        if ((head & Format.ENTRY_UNREADABLE) != 0) {
            f.failure = decodeFailure(in);
            f.target = null;
            f.targetFailure = null;
            return;
        }
        f.failure = null;
        f.size = in.varint();
        if ((head & Format.WIDE_TIME) == 0) {
            long m = prevMtime + in.zigzag();
            prevMtime = m;
            f.mtimeSec = Math.floorDiv(m, 1_000_000_000L);
            f.mtimeNsec = (int) Math.floorMod(m, 1_000_000_000L);
            if ((head & Format.CTIME_IS_MTIME) != 0) {
                f.ctimeSec = f.mtimeSec;
                f.ctimeNsec = f.mtimeNsec;
            } else {
                long c = m + in.zigzag();
                f.ctimeSec = Math.floorDiv(c, 1_000_000_000L);
                f.ctimeNsec = (int) Math.floorMod(c, 1_000_000_000L);
            }
        } else {
            f.mtimeSec = in.zigzag();
            f.mtimeNsec = in.nanos();
            if ((head & Format.CTIME_IS_MTIME) != 0) {
                f.ctimeSec = f.mtimeSec;
                f.ctimeNsec = f.mtimeNsec;
            } else {
                f.ctimeSec = in.zigzag();
                f.ctimeNsec = in.nanos();
            }
        }
        f.inode = prevInode + in.zigzag();
        prevInode = f.inode;
        if ((head & Format.SAME_ATTRS) == 0) {
            prevMode = (int) in.varint();
            prevUid = in.varint();
            prevGid = in.varint();
            prevLinks = in.varint();
            prevDevice = in.varint();
        }
        f.mode = prevMode;
        f.uid = prevUid;
        f.gid = prevGid;
        f.linkCount = prevLinks;
        f.device = prevDevice;
        f.target = null;
        f.targetFailure = null;
        if (f.type == EntryType.SYMLINK) {
            if ((head & Format.TARGET_UNREADABLE) != 0) {
                f.targetFailure = decodeFailure(in);
            } else {
                byte[] target = in.string();
                f.target = target.length == 0 ? null : target;
            }
        }
    }

    /**
     * Reads past one entry checking all that {@link #decode} checks, names in order included,
     * without keeping its fields: what verifying a whole file does for every entry.
     *
     * @return the entry's type code, or -1 when its metadata was unreadable
     */
    int skip(Decoder in) throws CorruptSnapshotException {
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
        if (type == Format.typeCode(EntryType.SYMLINK)) {
            if ((head & Format.TARGET_UNREADABLE) != 0) {
                skipFailure(in);
            } else {
                in.skipString();
            }
        }
        return type;
    }

    static void skipFailure(Decoder in) throws CorruptSnapshotException {
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

    static Fields.Failure decodeFailure(Decoder in) throws CorruptSnapshotException {
        int op = in.u8();
        if (op >= OPERATIONS.length) {
            throw in.corrupt("unknown operation " + op);
        }
        return new Fields.Failure(OPERATIONS[op], in.text(), in.text());
    }
}
