package dev.fsnap.scan;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.row.RowSchema;

import java.util.Set;

/**
 * The schema of an entry: every field a scan records, with the names reports use for it, its
 * kind (how two values are compared and written), where a row holds it, and a stable id that
 * snapshots store. Entries, the scan's batches and listings, the snapshot codec, the differ and the
 * JSON output all go through this list, so a new field is a new constant here (and, if a stat gives
 * it, a slot in the stat row that the readers fill).
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

    Field(int id, String label, String jsonName, Kind kind, int slot) {
        this(id, label, jsonName, kind, slot, -1);
    }

    /**
     * @param slot the first {@link StatFields} slot holding the value; -1 for the type and the fields held as bytes
     * @param bytes for a field held as bytes, its index among a row's byte values; -1 for the others
     */
    Field(int id, String label, String jsonName, Kind kind, int slot, int bytes) {
        this.id = id;
        this.label = label;
        this.jsonName = jsonName;
        this.kind = kind;
        RowSchema.declare(this, kind, slot, bytes);
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
        return RowSchema.changed(before.type(), before.stat, 0, before.values, 0,
                after.type(), after.stat, 0, after.values, 0);
    }

    /** Every field, in order: one array for the per-entry loops instead of a copy from {@link #values()} each. */
    static final Field[] VALUES = values();
}
