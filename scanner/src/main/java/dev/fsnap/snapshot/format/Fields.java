package dev.fsnap.snapshot.format;

import dev.fsnap.row.RowSchema;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.row.Rows;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;

import java.util.Set;

/** One entry's fields while it is encoded or decoded: a mutable, reused holder. */
public final class Fields {
    private static final ScanInternals INTERNALS = ScanInternals.get();

    public byte[] name;
    public int nameLength;
    public EntryType type = EntryType.UNKNOWN;
    /** Why the entry's metadata could not be read; then only the name and this are meaningful. */
    public Failure failure;
    /** The values, in {@link StatFields} slots. */
    public final long[] stat = new long[StatFields.WIDTH];
    /** The fields held as bytes (the link target, the attribute classes), each null when absent. */
    public final byte[][] values = new byte[RowSchema.BYTE_VALUES][];
    /**
     * Why a read after the stat failed: a symbolic link's target, or the entry's extended attributes
     * (which are then absent); the entry is kept.
     */
    public Failure readFailure;
    private static final int TARGET = RowSchema.bytesIndex(Field.TARGET);

    public Fields() {
        this(256);
    }

    private Fields(int nameCapacity) {
        name = new byte[nameCapacity];
    }

    /** A stored error: which operation, the symbolic code, the system's message. */
    public record Failure(Operation operation, String code, String message) {
        public static Failure of(ScanError e) {
            return e == null ? null : new Failure(e.operation(), e.code(), e.message());
        }

        public ScanError at(byte[] path) {
            return new ScanError(path, operation, code, message);
        }
    }

    public void name(byte[] src, int off, int len) {
        if (len > name.length) {
            name = new byte[Math.max(len, name.length * 2)];
        }
        System.arraycopy(src, off, name, 0, len);
        nameLength = len;
    }

    public long get(int slot) {
        return stat[slot];
    }

    /** @return a symbolic link's target, or null */
    public byte[] target() {
        return values[TARGET];
    }

    public void target(byte[] target) {
        values[TARGET] = target;
    }

    /** @return the value of a field held as bytes, or null when absent */
    public byte[] bytes(Field field) {
        return values[RowSchema.bytesIndex(field)];
    }

    public Entry toEntry(byte[] path) {
        return INTERNALS.entry(path, type, stat, 0, values, 0);
    }

    public void from(Entry e, byte[] name) {
        name(name, 0, name.length);
        type = e.type();
        failure = null;
        INTERNALS.copyStat(e, stat);
        byte[][] v = INTERNALS.values(e);
        if (v == null) {
            java.util.Arrays.fill(values, null);
        } else {
            System.arraycopy(v, 0, values, 0, values.length);
        }
        readFailure = null;
    }

    /** Takes an entry of a scanned directory: its name, and its fields or why they could not be read. */
    public void from(Rows l, int i) {
        int len = l.nameLength(i);
        if (len > name.length) {
            name = new byte[Math.max(len, name.length * 2)];
        }
        l.copyName(i, name, 0);
        nameLength = len;
        ScanError e = l.error(i);
        type = l.type(i);
        if (e != null && e.operation() == Operation.STAT) {
            failure = Failure.of(e);
            return;
        }
        failure = null;
        l.copyStat(i, stat);
        l.copyBytes(i, values);
        readFailure = e != null ? Failure.of(e) : null;
    }

    /** @return a copy holding exactly its name, for keeping after the next decode */
    public Fields compactCopy() {
        Fields c = new Fields(nameLength);
        System.arraycopy(name, 0, c.name, 0, nameLength);
        c.nameLength = nameLength;
        c.type = type;
        c.failure = failure;
        System.arraycopy(stat, 0, c.stat, 0, StatFields.WIDTH);
        System.arraycopy(values, 0, c.values, 0, values.length);
        c.readFailure = readFailure;
        return c;
    }

    /** @return the fields in which two decoded entries differ (as {@link Field#between} for entries) */
    public static Set<Field> changed(Fields a, Fields b) {
        return RowSchema.changed(a.type, a.stat, 0, a.values, 0, b.type, b.stat, 0, b.values, 0);
    }
}
