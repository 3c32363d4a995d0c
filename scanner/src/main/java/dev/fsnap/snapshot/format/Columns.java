package dev.fsnap.snapshot.format;

import dev.fsnap.row.RowSchema;
import dev.fsnap.row.ContentValue;
import dev.fsnap.row.XattrValues;
import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.snapshot.IncompatibleSnapshotException;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.row.Rows;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fields a snapshot stores beyond the fixed entry encoding (format version 4): the header lists
 * them, each directory block says which of them its entries carry, and each such entry carries one
 * length-prefixed value per carried column after its fixed part. A new {@link Field} becomes a
 * column without a new format version; a reader skips a column it does not know unless the writer
 * marked it required, and then refuses the file by name.
 */
public final class Columns {
    /** Fields of id below this are in every entry's fixed part (formats 1 to 3 have only those). */
    public static final int FIXED = 10;
    /** A column a reader must understand to read the file. */
    private static final int REQUIRED = 1;
    /** At most this many columns: a block's mask is an int. */
    private static final int MAX = 31;

    /** Files before version 4: no columns. */
    public static final Columns NONE = new Columns(new Field[0]);

    /** The columns, in header order; null for one this release does not know (skipped). */
    private final Field[] fields;

    private Columns(Field[] fields) {
        this.fields = fields;
    }

    /**
     * @param absent the fields the scan does not read
     * @return the columns a snapshot of that scan has: every field beyond the fixed part, by id,
     *         but the extended attribute fields the scan does not read (so that a reader tells
     *         "not read" from "none")
     * @throws IllegalStateException for a field beyond the fixed part of a kind no column codes yet
     */
    public static Columns written(Set<Field> absent) {
        List<Field> extra = new ArrayList<>();
        for (Field f : Field.values()) {
            if (f.id() >= FIXED) {
                if (f.kind() != Field.Kind.TIME && !counted(f) && !byteValued(f)) {
                    throw new IllegalStateException("no column coding for " + f.kind() + " fields: " + f.label());
                }
                if (byteValued(f) && absent.contains(f)) {
                    continue;
                }
                extra.add(f);
            }
        }
        extra.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return new Columns(extra.toArray(new Field[0]));
    }

    /**
     * @param field a field
     * @return whether the header lists it as a column (a field this release knows)
     */
    public boolean has(Field field) {
        for (Field f : fields) {
            if (f == field) {
                return true;
            }
        }
        return false;
    }

    /** Writes the header's column list: count, then each column's id, name and flags. */
    public void write(Encoder out) {
        out.varint(fields.length);
        for (Field f : fields) {
            out.varint(f.id());
            out.string(f.label().getBytes(StandardCharsets.UTF_8));
            out.u8(0);
        }
    }

    /**
     * Reads a header's column list.
     *
     * @throws IncompatibleSnapshotException when a required column is one this release does not know
     */
    public static Columns read(Decoder in, Path file) throws CorruptSnapshotException, IncompatibleSnapshotException {
        int n = in.count(MAX, "column count");
        Field[] fields = new Field[n];
        for (int i = 0; i < n; i++) {
            long id = in.varint();
            String name = in.text();
            int flags = in.u8();
            Field f = Field.ofId(id);
            if (id < FIXED || (f != null && !f.label().equals(name))) {
                throw in.corrupt("column " + id + " ('" + name + "') is not a column of this format");
            }
            if (f == null && (flags & REQUIRED) != 0) {
                throw new IncompatibleSnapshotException(file, "it records the field '" + name + "' (column " + id
                        + "), which this fsnap does not know; read it with a newer release");
            }
            fields[i] = f;
        }
        return new Columns(fields);
    }

    /**
     * @param l a scanned directory
     * @return the columns of which at least one readable entry of the directory has a value: bit per column
     */
    public int mask(Rows l) {
        int all = (1 << fields.length) - 1;
        int mask = 0;
        for (int i = 0, n = l.size(); i < n && mask != all; i++) {
            ScanError e = l.error(i);
            if (e != null && e.operation() == Operation.STAT) {
                continue;
            }
            for (int c = 0; c < fields.length; c++) {
                Field field = fields[c];
                if (byteValued(field) ? carries(field, l.bytes(i, field)) : l.has(i, field)) {
                    mask |= 1 << c;
                }
            }
        }
        return mask;
    }

    /** Whether a field's column holds a number or flags, as {@link #encodeCount} writes it. */
    private static boolean counted(Field f) {
        return f.kind() == Field.Kind.NUMBER || f.kind() == Field.Kind.FLAGS;
    }

    /** Whether a field is held as bytes in its column: the extended attribute classes and the content. */
    private static boolean byteValued(Field f) {
        return f != null && (f.kind() == Field.Kind.XATTRS || f.kind() == Field.Kind.CONTENT);
    }

    /**
     * What an entry holds of a byte-valued column its block does not carry: none for an attribute
     * class (most entries have none), absent for the content (directories and links have none).
     */
    private static byte[] notCarried(Field f) {
        return f.kind() == Field.Kind.XATTRS ? NO_XATTRS : null;
    }

    /** Whether a byte value must be carried: anything but what a block not carrying its column holds. */
    private static boolean carries(Field f, byte[] value) {
        return f.kind() == Field.Kind.XATTRS ? value == null || value.length > 0 : value != null;
    }

    /** @return the columns of which one entry has a value */
    public int mask(Fields f) {
        int mask = 0;
        for (int c = 0; c < fields.length; c++) {
            Field field = fields[c];
            if (f.failure == null && (byteValued(field) ? carries(field, f.bytes(field))
                    : has(f.stat, field))) {
                mask |= 1 << c;
            }
        }
        return mask;
    }

    /** Reads a directory block's mask of carried columns (present only when it carries some). */
    public int blockMask(Decoder in) throws CorruptSnapshotException {
        int mask = rootMask(in);
        if (mask == 0) {
            throw in.corrupt("a block flagged as carrying columns carries none");
        }
        return mask;
    }

    /** Reads the footer's mask of the columns the root entry carries (version 4: always there). */
    public int rootMask(Decoder in) throws CorruptSnapshotException {
        long mask = in.varint();
        if (mask >>> fields.length != 0) {
            throw in.corrupt("an entry carries a column the header does not list");
        }
        return (int) mask;
    }

    /** The first slot of a column's value (a time's nanoseconds follow its seconds). */
    private static int slot(Field field) {
        return RowSchema.slot(field);
    }

    /** Whether a row has a value for a column. */
    private static boolean has(long[] row, Field field) {
        return RowSchema.present(field, row, 0);
    }


    /** @return a codec's state for {@link #encode}, {@link #decode} and {@link #skip}: one slot per column */
    byte[][] newPrevious() {
        return new byte[fields.length][];
    }

    /**
     * Writes the entry's value of each column in the mask.
     *
     * @param previous each attribute column's last value in this block, updated
     */
    public void encode(Encoder out, Fields f, int mask, Encoder scratch, byte[][] previous) {
        for (int c = 0; c < fields.length; c++) {
            if ((mask & 1 << c) == 0) {
                continue;
            }
            scratch.reset();
            switch (fields[c].kind()) {
                case TIME -> encodeTime(scratch, f, slot(fields[c]));
                case NUMBER, FLAGS -> encodeCount(scratch, f.stat[slot(fields[c])]);
                default -> encodeBytes(scratch, f.bytes(fields[c]), previous, c);
            }
            out.varint(scratch.length);
            out.bytes(scratch.buf, 0, scratch.length);
        }
    }

    /**
     * A time as the difference to the ctime in nanoseconds (one varint) when that fits 64 bits, else
     * as seconds and nanoseconds (two varints).
     */
    private static void encodeTime(Encoder out, Fields f, int secondsSlot) {
        long[] st = f.stat;
        long nanos = st[secondsSlot + 1];
        if (nanos == StatFields.ABSENT) {
            return;
        }
        long seconds = st[secondsSlot];
        try {
            long delta = Math.addExact(Math.multiplyExact(Math.subtractExact(seconds, st[StatFields.CTIME_SEC]),
                    1_000_000_000L), nanos - st[StatFields.CTIME_NSEC]);
            out.zigzag(delta);
        } catch (ArithmeticException wide) {
            out.zigzag(seconds);
            out.varint(nanos);
        }
    }

    /**
     * Flags or a number (never negative), the most common value shortest: empty for 0 (most files
     * have no flag set), a varint otherwise, and a single 0 byte where this entry has no value in a
     * block where others do.
     */
    private static void encodeCount(Encoder out, long bits) {
        if (bits == StatFields.ABSENT) {
            out.u8(0);
        } else if (bits != 0) {
            out.varint(bits);
        }
    }

    /**
     * A value held as bytes (an attribute class's list, a content digest): as held; empty when the
     * entry has no attribute of the class; a single 0 byte when not read for this entry (no list
     * and no content value is one byte long); a single 1 byte when it is that of the block's entry
     * before that carried one (most files of a directory share an ACL and a label; empty files
     * share a digest).
     */
    private static void encodeBytes(Encoder out, byte[] value, byte[][] previous, int column) {
        if (value == null) {
            out.u8(0);
        } else if (value.length > 0 && java.util.Arrays.equals(value, previous[column])) {
            out.u8(1);
        } else {
            out.bytes(value, 0, value.length);
            if (value.length > 0) {
                previous[column] = value;
            }
        }
    }

    private static final byte[] NO_XATTRS = {};

    /**
     * Reads the entry's value of each column in the mask; a time, number or flags column not carried is
     * absent, an attribute column not carried holds none (its values are absent unless its column
     * is in the header: the entry's byte values are cleared by the caller).
     *
     * @param previous each attribute column's last value in this block, updated
     */
    public void decode(Decoder in, Fields f, int mask, byte[][] previous) throws CorruptSnapshotException {
        for (int c = 0; c < fields.length; c++) {
            Field field = fields[c];
            boolean carried = (mask & 1 << c) != 0;
            if (field == null) {
                if (carried) {
                    in.skipString();
                }
                continue;
            }
            if (byteValued(field)) {
                f.values[RowSchema.bytesIndex(field)] = carried ? decodeBytes(in, field, previous, c) : notCarried(field);
                continue;
            }
            int slot = slot(field);
            boolean time = field.kind() == Field.Kind.TIME;
            if (time) {
                f.stat[slot] = 0;
                f.stat[slot + 1] = StatFields.ABSENT;
            } else {
                f.stat[slot] = StatFields.ABSENT;
            }
            if (carried) {
                int length = in.count(in.remaining(), "column value length");
                int end = in.pos + length;
                if (time) {
                    if (length > 0) {
                        decodeTime(in, f, slot, end);
                    }
                } else if (length == 0) {
                    f.stat[slot] = 0;
                } else {
                    long bits = in.varint();
                    if (bits < 0) {
                        throw in.corrupt("a " + field.label() + " value out of range");
                    }
                    f.stat[slot] = bits == 0 ? StatFields.ABSENT : bits;
                }
                if (in.pos != end) {
                    throw in.corrupt("a " + field.label() + " value of the wrong length");
                }
            }
        }
    }

    private static void decodeTime(Decoder in, Fields f, int secondsSlot, int end) throws CorruptSnapshotException {
        long[] st = f.stat;
        long first = in.zigzag();
        if (in.pos == end) {
            long nanos = st[StatFields.CTIME_NSEC] + Math.floorMod(first, 1_000_000_000L);
            long seconds = st[StatFields.CTIME_SEC] + Math.floorDiv(first, 1_000_000_000L);
            st[secondsSlot] = nanos >= 1_000_000_000L ? seconds + 1 : seconds;
            st[secondsSlot + 1] = nanos >= 1_000_000_000L ? nanos - 1_000_000_000L : nanos;
        } else {
            st[secondsSlot] = first;
            st[secondsSlot + 1] = in.nanos();
        }
    }

    private static byte[] decodeBytes(Decoder in, Field field, byte[][] previous, int column)
            throws CorruptSnapshotException {
        int length = in.count(in.remaining(), "column value length");
        if (length == 1) {
            return mark(in, field, previous, column);
        }
        checkBytes(in, field, length);
        if (length == 0) {
            return NO_XATTRS;
        }
        return previous[column] = in.bytes(length);
    }

    /** A one-byte value (no attribute list is one byte long): not read (0), or the same as the block's entry before (1). */
    private static byte[] mark(Decoder in, Field field, byte[][] previous, int column) throws CorruptSnapshotException {
        int mark = in.u8();
        if (mark == 0) {
            return null;
        }
        if (mark != 1) {
            throw in.corrupt("a " + field.label() + " value of one byte that is no mark: " + mark);
        }
        if (previous[column] == null) {
            throw in.corrupt("a " + field.label() + " value repeats an entry before it where there is none");
        }
        return previous[column];
    }

    private static void checkBytes(Decoder in, Field field, int length) throws CorruptSnapshotException {
        String wrong = field.kind() == Field.Kind.XATTRS ? XattrValues.check(in.buffer(), in.pos, length)
                : ContentValue.check(in.buffer(), in.pos, length);
        if (wrong != null) {
            throw in.corrupt("a " + field.label() + " value: " + wrong);
        }
    }

    /** Reads past the entry's column values, checking their lengths and what a decode checks of attributes. */
    public void skip(Decoder in, int mask, byte[][] previous) throws CorruptSnapshotException {
        for (int c = 0; c < fields.length; c++) {
            if ((mask & 1 << c) == 0) {
                continue;
            }
            Field field = fields[c];
            if (byteValued(field)) {
                int length = in.count(in.remaining(), "column value length");
                if (length == 1) {
                    mark(in, field, previous, c);
                    continue;
                }
                checkBytes(in, field, length);
                if (length > 0) {
                    previous[c] = NO_XATTRS; // that one is there is all a repeat needs
                }
                in.skip(length);
            } else {
                in.skipString();
            }
        }
    }
}
