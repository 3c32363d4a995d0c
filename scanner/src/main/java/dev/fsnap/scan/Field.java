package dev.fsnap.scan;

import dev.fsnap.bindings.StatFields;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The schema of an entry: every field a scan records, with the names reports use for it, how two
 * values are compared, and a stable id that snapshots store. Entries, the scan's batches and
 * listings, the snapshot codec, the differ and the JSON output all go through this list, so a new
 * field is a new constant here (and, if a stat gives it, a slot in the stat row).
 *
 * <p>The order of the constants is the order of reports and JSON objects; the {@link #id()} is
 * what snapshots store, so the constants may be reordered freely but an id is never reused.
 */
public enum Field {
    /** The entry type (a file replaced by a directory, for example). */
    TYPE(0, "type", "type", Kind.TYPE, -1),
    /** {@code st_size}. */
    SIZE(1, "size", "size", Kind.NUMBER, StatFields.SIZE),
    /** The modification time, to the nanosecond. */
    MTIME(2, "mtime", "mtime_ns", Kind.TIME, StatFields.MTIME_SEC),
    /** The status change time, to the nanosecond. */
    CTIME(3, "ctime", "ctime_ns", Kind.TIME, StatFields.CTIME_SEC),
    /**
     * The birth (creation) time, to the nanosecond: {@code statx}'s {@code stx_btime} on Linux,
     * {@code st_birthtimespec} on macOS; absent with {@code fstatat}, with the NIO backend, and on
     * filesystems that do not record it.
     */
    BTIME(10, "btime", "btime_ns", Kind.TIME, StatFields.BTIME_SEC),
    /** The full {@code st_mode}. */
    MODE(4, "mode", "mode", Kind.MODE, StatFields.MODE),
    /** The owner. */
    UID(5, "uid", "uid", Kind.NUMBER, StatFields.UID),
    /** The group. */
    GID(6, "gid", "gid", Kind.NUMBER, StatFields.GID),
    /** The hard link count. */
    NLINK(7, "nlink", "nlink", Kind.NUMBER, StatFields.NLINK),
    /** The inode number and the device (the file was replaced by another). */
    INO(8, "ino", "ino", Kind.IDENTITY, StatFields.INODE),
    /** A symbolic link's target. */
    TARGET(9, "target", "target", Kind.TARGET, -1, 0),
    /**
     * The file's flags as {@code lsattr} shows them (immutable, append-only, nodump, compressed,
     * encrypted, DAX, verity): {@code statx}'s {@code stx_attributes} on Linux where the filesystem
     * supports them, {@code st_flags} on macOS; absent with {@code fstatat}, NIO and Windows.
     */
    FLAGS(11, "flags", "flags", Kind.FLAGS, StatFields.FLAGS),
    /**
     * Access control lists: the POSIX ACLs ({@code system.posix_acl_access}, and a directory's
     * {@code system.posix_acl_default}) and NFSv4 ACLs ({@code system.nfs4_acl}). Read with
     * {@link ScanOptions.Builder#xattrs}.
     */
    ACL(12, "acl", "acl", Kind.XATTRS, -1, 1),
    /** File capabilities ({@code security.capability}): what {@code setcap} grants. Read with {@link ScanOptions.Builder#xattrs}. */
    CAPS(13, "caps", "caps", Kind.XATTRS, -1, 2),
    /** The SELinux label ({@code security.selinux}). Read with {@link ScanOptions.Builder#xattrs}. */
    SELINUX(14, "selinux", "selinux", Kind.XATTRS, -1, 3),
    /**
     * Every other extended attribute ({@code user.*}, {@code trusted.*}, other {@code security.*}).
     * Read with {@link ScanOptions.Builder#xattrs}.
     */
    XATTRS(15, "xattrs", "xattrs", Kind.XATTRS, -1, 4),
    /**
     * A regular file's content digest ({@link Entry#content()}), read with
     * {@link ScanOptions.Builder#digest}; absent otherwise, and for anything but regular files.
     */
    CONTENT(16, "content", "content", Kind.CONTENT, -1, 5);

    /** How many fields are held as bytes ({@link #bytes}): the link target, the attribute classes, the content. */
    static final int BYTE_VALUES = 6;

    /** How a field's value is held, compared and written. */
    public enum Kind {
        /** The {@link EntryType}. */
        TYPE,
        /**
         * A number, compared as is; written in decimal. One the system or the filesystem did not
         * give for an entry is absent (never compared, never written), not zero.
         */
        NUMBER,
        /** {@code st_mode}: compared as is, written as an unsigned number. */
        MODE,
        /**
         * A time, seconds and nanoseconds; a time the system did not give for an entry is absent
         * (never compared, never written), not zero.
         */
        TIME,
        /** The inode number and the device, compared together; JSON writes {@code ino} and {@code dev}. */
        IDENTITY,
        /** A symbolic link's target bytes. */
        TARGET,
        /**
         * Extended attributes of one class, names and values as bytes ({@link Entry#xattrs}); absent
         * (never compared, never written) where the scan did not read them, empty where an entry has none.
         */
        XATTRS,
        /**
         * A content digest and when it was verified ({@link Content}); compared by the digest alone,
         * absent (never compared) where not read.
         */
        CONTENT,
        /**
         * File flags, as {@code statx} attribute bits; absent (never compared, never written) where
         * not read. Reports write them as {@code lsattr} letters ({@link Entry#flags()}).
         */
        FLAGS
    }

    private static final Field[] BY_ID;

    static {
        Field[] all = values();
        int max = 0;
        for (Field f : all) {
            max = Math.max(max, f.id);
        }
        BY_ID = new Field[max + 1];
        for (Field f : all) {
            if (BY_ID[f.id] != null) {
                throw new ExceptionInInitializerError("two fields with id " + f.id);
            }
            BY_ID[f.id] = f;
        }
    }

    private final int id;
    private final String label;
    private final String jsonName;
    private final Kind kind;
    /** The first {@link StatFields} slot holding the value; -1 for the type and the fields held as bytes. */
    final int slot;
    /** For a field held as bytes, its index among an entry's byte values; -1 for the others. */
    final int bytes;

    Field(int id, String label, String jsonName, Kind kind, int slot) {
        this(id, label, jsonName, kind, slot, -1);
    }

    Field(int id, String label, String jsonName, Kind kind, int slot, int bytes) {
        this.id = id;
        this.label = label;
        this.jsonName = jsonName;
        this.kind = kind;
        this.slot = slot;
        this.bytes = bytes;
    }

    /** @return the lower-case name used in reports: {@code size}, {@code mtime}, ... */
    public String label() {
        return label;
    }

    /** @return the key of the field in a JSON entry object: {@code size}, {@code mtime_ns}, ... */
    public String jsonName() {
        return jsonName;
    }

    /** @return how the field is held, compared and written */
    public Kind kind() {
        return kind;
    }

    /** @return the field's id in snapshots: stable across releases, whatever the constants' order */
    public int id() {
        return id;
    }

    /**
     * @param id a stored id
     * @return the field, or null when this release knows no field of that id
     */
    public static Field ofId(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /**
     * The fields in which two entries of the same path differ: what a backup tool asks of a file
     * it found in its last snapshot ("has it changed?").
     *
     * @param before the entry then
     * @param after the entry now
     * @return the changed fields; empty when unchanged
     */
    public static Set<Field> between(Entry before, Entry after) {
        return changed(before.type(), before.stat, 0, before.values, 0, after.type(), after.stat, 0, after.values, 0);
    }

    /**
     * The one comparison of two entries' fields, for entries and for the rows a snapshot decodes.
     * Times, flags and attributes absent on either side are not compared.
     *
     * @param valuesA the byte values of the first entry, {@link #BYTE_VALUES} from {@code bytesA}; null when it has none
     */
    static Set<Field> changed(EntryType typeA, long[] a, int offsetA, byte[][] valuesA, int bytesA,
                              EntryType typeB, long[] b, int offsetB, byte[][] valuesB, int bytesB) {
        EnumSet<Field> changed = EnumSet.noneOf(Field.class);
        for (Field f : VALUES) {
            int s = f.slot;
            boolean differs;
            switch (f.kind) {
                case TYPE:
                    differs = typeA != typeB;
                    break;
                case TARGET:
                    differs = !Arrays.equals(bytes(valuesA, bytesA, f), bytes(valuesB, bytesB, f));
                    break;
                case XATTRS: {
                    byte[] x = bytes(valuesA, bytesA, f);
                    byte[] y = bytes(valuesB, bytesB, f);
                    differs = x != null && y != null && !Arrays.equals(x, y);
                    break;
                }
                case CONTENT: {
                    byte[] x = bytes(valuesA, bytesA, f);
                    byte[] y = bytes(valuesB, bytesB, f);
                    differs = x != null && y != null && !Arrays.equals(Content.baseline(x), Content.baseline(y));
                    break;
                }
                case TIME:
                    differs = f.present(a, offsetA) && f.present(b, offsetB)
                            && (a[offsetA + s] != b[offsetB + s] || a[offsetA + s + 1] != b[offsetB + s + 1]);
                    break;
                case IDENTITY:
                    differs = a[offsetA + s] != b[offsetB + s]
                            || a[offsetA + StatFields.DEVICE] != b[offsetB + StatFields.DEVICE];
                    break;
                case NUMBER:
                case FLAGS:
                    differs = f.present(a, offsetA) && f.present(b, offsetB) && a[offsetA + s] != b[offsetB + s];
                    break;
                default:
                    differs = a[offsetA + s] != b[offsetB + s];
                    break;
            }
            if (differs) {
                changed.add(f);
            }
        }
        return changed;
    }

    /** A field's bytes in an entry's byte values, or null. */
    static byte[] bytes(byte[][] values, int offset, Field f) {
        return values == null ? null : values[offset + f.bytes];
    }

    /**
     * The absent-fields rule, for a field held in a row of stat slots: a time (its nanoseconds), a
     * number or the flags the system or the filesystem did not give are absent; the mode and the
     * identity are always there. The type and the fields held as bytes are not held in the row: their holders answer.
     */
    boolean present(long[] row, int offset) {
        switch (kind) {
            case TIME:
                return row[offset + slot + 1] != StatFields.ABSENT;
            case NUMBER:
            case FLAGS:
                return row[offset + slot] != StatFields.ABSENT;
            default:
                return true;
        }
    }

    /** Every field, in order: one array for the per-entry loops instead of a copy from {@link #values()} each. */
    static final Field[] VALUES = values();
}
