package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** One entry's fields while it is encoded or decoded: a mutable, reused holder. */
final class Fields {
    byte[] name;
    int nameLength;
    EntryType type = EntryType.UNKNOWN;
    /** Why the entry's metadata could not be read; then only the name and this are meaningful. */
    Failure failure;
    long size;
    long mtimeSec;
    int mtimeNsec;
    long ctimeSec;
    int ctimeNsec;
    long inode;
    long device;
    int mode;
    long uid;
    long gid;
    long linkCount;
    byte[] target;
    /** Why a symbolic link's target could not be read. */
    Failure targetFailure;

    Fields() {
        this(256);
    }

    private Fields(int nameCapacity) {
        name = new byte[nameCapacity];
    }

    /** A stored error: which operation, the symbolic code, the system's message. */
    record Failure(Operation operation, String code, String message) {
        static Failure of(ScanError e) {
            return e == null ? null : new Failure(e.operation(), e.code(), e.message());
        }

        ScanError at(byte[] path) {
            return new ScanError(path, operation, code, message);
        }
    }

    void name(byte[] src, int off, int len) {
        if (len > name.length) {
            name = new byte[Math.max(len, name.length * 2)];
        }
        System.arraycopy(src, off, name, 0, len);
        nameLength = len;
    }

    Entry toEntry(byte[] path) {
        return new Entry(path, type, size, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec, inode, device, mode, uid, gid,
                linkCount, target);
    }

    void from(Entry e, byte[] name) {
        name(name, 0, name.length);
        type = e.type();
        failure = null;
        size = e.size();
        mtimeSec = e.mtimeSec();
        mtimeNsec = e.mtimeNsec();
        ctimeSec = e.ctimeSec();
        ctimeNsec = e.ctimeNsec();
        inode = e.inode();
        device = e.device();
        mode = e.mode();
        uid = e.uid();
        gid = e.gid();
        linkCount = e.linkCount();
        target = e.target();
        targetFailure = null;
    }

    /** @return a copy holding exactly its name, for keeping after the next decode */
    Fields compactCopy() {
        Fields c = new Fields(nameLength);
        System.arraycopy(name, 0, c.name, 0, nameLength);
        c.nameLength = nameLength;
        c.type = type;
        c.failure = failure;
        c.size = size;
        c.mtimeSec = mtimeSec;
        c.mtimeNsec = mtimeNsec;
        c.ctimeSec = ctimeSec;
        c.ctimeNsec = ctimeNsec;
        c.inode = inode;
        c.device = device;
        c.mode = mode;
        c.uid = uid;
        c.gid = gid;
        c.linkCount = linkCount;
        c.target = target;
        c.targetFailure = targetFailure;
        return c;
    }

    /** @return the fields in which two decoded entries differ (as {@link Field#between} for entries) */
    static Set<Field> changed(Fields a, Fields b) {
        EnumSet<Field> changed = EnumSet.noneOf(Field.class);
        if (a.type != b.type) {
            changed.add(Field.TYPE);
        }
        if (a.size != b.size) {
            changed.add(Field.SIZE);
        }
        if (a.mtimeSec != b.mtimeSec || a.mtimeNsec != b.mtimeNsec) {
            changed.add(Field.MTIME);
        }
        if (a.ctimeSec != b.ctimeSec || a.ctimeNsec != b.ctimeNsec) {
            changed.add(Field.CTIME);
        }
        if (a.mode != b.mode) {
            changed.add(Field.MODE);
        }
        if (a.uid != b.uid) {
            changed.add(Field.UID);
        }
        if (a.gid != b.gid) {
            changed.add(Field.GID);
        }
        if (a.linkCount != b.linkCount) {
            changed.add(Field.NLINK);
        }
        if (a.inode != b.inode || a.device != b.device) {
            changed.add(Field.INO);
        }
        if (!Arrays.equals(a.target, b.target)) {
            changed.add(Field.TARGET);
        }
        return changed;
    }
}
