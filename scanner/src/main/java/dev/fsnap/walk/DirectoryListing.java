package dev.fsnap.walk;

import dev.fsnap.row.RowSchema;
import dev.fsnap.row.Rows;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.internal.Paths;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.bindings.StatFields;

import java.util.Arrays;

/**
 * Every entry of one directory, sorted by name bytes (unsigned), as a {@link DirectoryVisitor}
 * receives it. Entries whose metadata could not be read are here too, with their {@link #error};
 * nothing the directory listed is left out. Valid only during the visitor's call.
 */
public final class DirectoryListing implements Rows {
    private static final ScanInternals INTERNALS = ScanInternals.get();
    private static final EntryType[] TYPES = EntryType.values();
    private static final Rows.Subdirectory[] SUBDIRECTORIES = Rows.Subdirectory.values();
    // One row of longs per entry: the stat slots, then the listing's own; few arrays per directory,
    // sized to its entries, none for an empty one.
    private static final int STAT = 0;
    private static final int STATE = StatFields.WIDTH; // subdirectory << 8 | type
    private static final int NAME = STATE + 1; // offset << 32 | length
    private static final int KEY = NAME + 1; // the name's first eight bytes, big-endian: most comparisons end here
    private static final int ROW = KEY + 1;
    // Objects per entry, allocated only when an entry has one: the fields held as bytes (the link
    // target, the attribute classes) at their index, then the listing's own.
    private static final int VALUES = EntryBatch.VALUES;
    private static final int TARGET = RowSchema.bytesIndex(Field.TARGET);
    private static final int ERROR = VALUES;
    private static final int CHILD_RESULT = VALUES + 1;
    private static final int CHILD_ERROR = VALUES + 2;
    private static final int REFS = VALUES + 3;
    private static final long[] NO_ROWS = new long[0];
    private static final byte[] NO_NAMES = new byte[0];

    private final byte[] path;
    private int count;
    private long[] rows = NO_ROWS;
    private Object[] refs;
    private byte[] names = NO_NAMES;
    private int namesLength;
    private ScanError listError;
    /** Sorted position to slot; null until {@link #sort()}. */
    private int[] order;

    DirectoryListing(byte[] path) {
        this.path = path;
    }

    /** @return the directory's path relative to the root (empty for the root); shared, do not modify */
    public byte[] path() {
        return path;
    }

    /** @return the number of entries */
    @Override
    public int size() {
        return count;
    }

    /** @return why listing this directory stopped part way (entries may be missing), or null */
    @Override
    public ScanError listError() {
        return listError;
    }

    private int row(int i) {
        return order[i] * ROW;
    }

    private Object ref(int i, int which) {
        return refs == null ? null : refs[order[i] * REFS + which];
    }

    /**
     * @param i the entry
     * @return the length of its name
     */
    @Override
    public int nameLength(int i) {
        return (int) rows[row(i) + NAME];
    }

    /**
     * Copies an entry's name.
     *
     * @param i the entry
     * @param dst where to
     * @param offset at which position
     */
    @Override
    public void copyName(int i, byte[] dst, int offset) {
        long n = rows[row(i) + NAME];
        System.arraycopy(names, (int) (n >>> 32), dst, offset, (int) n);
    }

    /**
     * @param i the entry
     * @return a copy of its name
     */
    public byte[] name(int i) {
        long n = rows[row(i) + NAME];
        return Arrays.copyOfRange(names, (int) (n >>> 32), (int) (n >>> 32) + (int) n);
    }

    /**
     * @param i the entry
     * @return its type; {@link EntryType#UNKNOWN} when unreadable
     */
    @Override
    public EntryType type(int i) {
        return TYPES[(int) rows[row(i) + STATE] & 0xFF];
    }

    /**
     * @param i the entry
     * @return why its metadata (or a link's target) could not be read, or null
     */
    @Override
    public ScanError error(int i) {
        return (ScanError) ref(i, ERROR);
    }

    /**
     * @param i the entry
     * @return the full {@code st_mode}
     */
    public int mode(int i) {
        return (int) rows[row(i) + StatFields.MODE];
    }

    /**
     * @param i the entry
     * @return {@code st_size}
     */
    public long size(int i) {
        return rows[row(i) + StatFields.SIZE];
    }

    /**
     * @param i the entry
     * @return {@code st_mtim.tv_sec}
     */
    public long mtimeSec(int i) {
        return rows[row(i) + StatFields.MTIME_SEC];
    }

    /**
     * @param i the entry
     * @return {@code st_mtim.tv_nsec}
     */
    public int mtimeNsec(int i) {
        return (int) rows[row(i) + StatFields.MTIME_NSEC];
    }

    /**
     * @param i the entry
     * @return {@code st_ctim.tv_sec}
     */
    public long ctimeSec(int i) {
        return rows[row(i) + StatFields.CTIME_SEC];
    }

    /**
     * @param i the entry
     * @return {@code st_ctim.tv_nsec}
     */
    public int ctimeNsec(int i) {
        return (int) rows[row(i) + StatFields.CTIME_NSEC];
    }

    /**
     * @param i the entry
     * @return {@code st_ino}
     */
    public long inode(int i) {
        return rows[row(i) + StatFields.INODE];
    }

    /**
     * @param i the entry
     * @return {@code st_dev}
     */
    public long device(int i) {
        return rows[row(i) + StatFields.DEVICE];
    }

    /**
     * @param i the entry
     * @return {@code st_uid}
     */
    public long uid(int i) {
        return rows[row(i) + StatFields.UID];
    }

    /**
     * @param i the entry
     * @return {@code st_gid}
     */
    public long gid(int i) {
        return rows[row(i) + StatFields.GID];
    }

    /**
     * @param i the entry
     * @return {@code st_nlink}
     */
    public long linkCount(int i) {
        return rows[row(i) + StatFields.NLINK];
    }

    /**
     * @param i the entry
     * @param field a field
     * @return whether the entry has a value for it, as {@link Entry#has}
     */
    @Override
    public boolean has(int i, Field field) {
        switch (field.kind()) {
            case TARGET:
            case XATTRS:
                return bytes(i, field) != null;
            default:
                return RowSchema.present(field, rows, row(i) + STAT);
        }
    }

    @Override
    public void copyStat(int i, long[] row) {
        System.arraycopy(rows, row(i) + STAT, row, 0, StatFields.WIDTH);
    }

    /**
     * @param i the entry
     * @return a symbolic link's target bytes (shared, do not modify), or null
     */
    public byte[] target(int i) {
        return (byte[]) ref(i, TARGET);
    }

    /**
     * @param i the entry
     * @param field a field held as bytes (the target, an attribute class)
     * @return its value (shared, do not modify), or null when absent
     */
    @Override
    public byte[] bytes(int i, Field field) {
        return (byte[]) ref(i, RowSchema.bytesIndex(field));
    }

    /**
     * Copies the entry's fields held as bytes (shared, do not modify) into a row of byte values.
     *
     * @param i the entry
     * @param into the row, {@code ScanInternals.byteValues()} wide
     */
    @Override
    public void copyBytes(int i, byte[][] into) {
        if (refs == null) {
            Arrays.fill(into, 0, VALUES, null);
        } else {
            System.arraycopy(refs, order[i] * REFS, into, 0, VALUES);
        }
    }

    /**
     * @param i the entry
     * @return what became of it as a subdirectory
     */
    @Override
    public Rows.Subdirectory subdirectory(int i) {
        return SUBDIRECTORIES[(int) (rows[row(i) + STATE] >>> 8) & 0xFF];
    }

    /**
     * @param i the entry
     * @return the visitor's value for a {@link Rows.Subdirectory#LISTED} subdirectory
     */
    @Override
    public Object childResult(int i) {
        return ref(i, CHILD_RESULT);
    }

    /**
     * @param i the entry
     * @return why an {@link Rows.Subdirectory#UNREADABLE} subdirectory could not be read
     */
    @Override
    public ScanError childError(int i) {
        return (ScanError) ref(i, CHILD_ERROR);
    }

    @Override
    public String displayPath(int i) {
        long n = rows[row(i) + NAME];
        return Paths.display(Paths.child(path, names, (int) (n >>> 32), (int) n));
    }

    /**
     * @param i the entry
     * @return the entry, with its path relative to the root
     */
    public Entry entry(int i) {
        int r = row(i);
        long n = rows[r + NAME];
        byte[][] values = null;
        if (refs != null) {
            values = new byte[VALUES][];
            copyBytes(i, values);
        }
        return INTERNALS.entry(Paths.child(path, names, (int) (n >>> 32), (int) n), type(i), rows, r + STAT, values, 0);
    }

    // ---- filled by the scan ----

    /**
     * Copies a stat'ed batch of this directory, and its failed names as unreadable entries.
     *
     * @return the slot of the batch's first entry; entry {@code i} of the batch is slot {@code base + i}
     */
    synchronized int add(EntryBatch b, boolean oneFileSystem, long rootDevice) {
        int base = count;
        if (b.count == 0 && b.errors.isEmpty()) {
            return base;
        }
        reserve(b.count + b.errors.size(), b.namesLength);
        for (int i = 0; i < b.count; i++) {
            int s = slot(b.names, b.nameOffset[i], b.nameLength[i]);
            int r = s * ROW;
            boolean directory = b.type[i] == EntryType.DIRECTORY;
            Subdirectory sub = b.descend[i] ? Subdirectory.LISTED
                    : directory && oneFileSystem && b.get(i, StatFields.DEVICE) != rootDevice ? Subdirectory.NOT_SCANNED
                    : Subdirectory.NONE;
            System.arraycopy(b.stat, i * StatFields.WIDTH, rows, r + STAT, StatFields.WIDTH);
            rows[r + STATE] = sub.ordinal() << 8 | b.type[i].ordinal();
            for (int k = 0; k < VALUES; k++) {
                byte[] v = b.values[i * VALUES + k];
                if (v != null) {
                    setRef(s, k, v);
                }
            }
        }
        int parentLength = b.parent.length == 0 ? 0 : b.parent.length + 1;
        for (ScanError e : b.errors) {
            byte[] p = e.path();
            int nameStart = Math.min(parentLength, p.length);
            if (e.operation() == Operation.STAT) {
                int s = slot(p, nameStart, p.length - nameStart);
                StatFields.clear(rows, s * ROW + STAT);
                rows[s * ROW + STATE] = EntryType.UNKNOWN.ordinal();
                setRef(s, ERROR, e);
            } else {
                int s = find(base, p, nameStart);
                if (s < 0) {
                    continue;
                }
                if (e.operation() == Operation.READLINK || e.operation() == Operation.READ) {
                    setRef(s, ERROR, e); // the entry is kept: a column of it could not be read
                } else {
                    setSubdirectory(s, Subdirectory.UNREADABLE); // a link loop, found before opening
                    setRef(s, CHILD_ERROR, e);
                }
            }
        }
        return base;
    }

    private int find(int from, byte[] path, int nameStart) {
        int length = path.length - nameStart;
        for (int s = from; s < count; s++) {
            long n = rows[s * ROW + NAME];
            int offset = (int) (n >>> 32);
            if ((int) n == length && Arrays.equals(names, offset, offset + length, path, nameStart, path.length)) {
                return s;
            }
        }
        return -1;
    }

    private void reserve(int entries, int nameBytes) {
        if ((count + entries) * ROW > rows.length) {
            rows = Arrays.copyOf(rows, Math.max((count + entries) * ROW, rows.length * 3 / 2));
            if (refs != null) {
                refs = Arrays.copyOf(refs, rows.length / ROW * REFS);
            }
        }
        if (namesLength + nameBytes > names.length) {
            names = Arrays.copyOf(names, Math.max(namesLength + nameBytes, names.length * 3 / 2));
        }
    }

    private int slot(byte[] source, int offset, int length) {
        reserve(1, length);
        int s = count++;
        System.arraycopy(source, offset, names, namesLength, length);
        int r = s * ROW;
        rows[r + NAME] = (long) namesLength << 32 | length;
        long key = 0;
        for (int k = 0; k < 8; k++) {
            key = key << 8 | (k < length ? source[offset + k] & 0xFF : 0);
        }
        rows[r + KEY] = key;
        namesLength += length;
        return s;
    }

    private void setRef(int slot, int which, Object value) {
        if (refs == null) {
            refs = new Object[rows.length / ROW * REFS];
        }
        refs[slot * REFS + which] = value;
    }

    private void setSubdirectory(int slot, Subdirectory sub) {
        int r = slot * ROW + STATE;
        rows[r] = rows[r] & ~(0xFFL << 8) | sub.ordinal() << 8;
    }

    synchronized void childListed(int slot, Object result) {
        setRef(slot, CHILD_RESULT, result);
    }

    synchronized void childFailed(int slot, ScanError e) {
        setSubdirectory(slot, Subdirectory.UNREADABLE);
        setRef(slot, CHILD_ERROR, e);
    }

    void listFailed(ScanError e) {
        listError = e;
    }

    /** Puts the entries in name order; called once, after every chunk and subdirectory is in. */
    synchronized void sort() {
        int[] o = new int[count];
        for (int i = 0; i < count; i++) {
            o[i] = i;
        }
        if (count > 1) {
            mergeSort(o, new int[count], 0, count);
        }
        order = o;
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from < 12) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        if (compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            a[k] = j >= to || (i < mid && compare(tmp[i], tmp[j]) <= 0) ? tmp[i++] : tmp[j++];
        }
    }

    private int compare(int x, int y) {
        int c = Long.compareUnsigned(rows[x * ROW + KEY], rows[y * ROW + KEY]);
        if (c != 0) {
            return c;
        }
        long a = rows[x * ROW + NAME];
        long b = rows[y * ROW + NAME];
        int ao = (int) (a >>> 32);
        int bo = (int) (b >>> 32);
        return Arrays.compareUnsigned(names, ao, ao + (int) a, names, bo, bo + (int) b);
    }
}
