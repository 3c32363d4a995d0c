package dev.fsnap.scan;

import dev.fsnap.internal.Paths;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.row.RowSchema;
import dev.fsnap.row.XattrValues;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One filesystem entry's metadata, as one {@code lstat} saw it: its path, its type, and a value for
 * every {@link Field}. Immutable.
 */
public final class Entry {
    static {
        ScanInternals.register(new ScanInternals() {
            @Override
            public Entry entry(byte[] path, EntryType type, long[] stat, int offset, byte[][] values, int bytes) {
                return of(path, type, stat, offset, values, bytes);
            }

            @Override
            public void copyStat(Entry e, long[] row) {
                System.arraycopy(e.stat, 0, row, 0, StatFields.WIDTH);
            }

            @Override
            public byte[][] values(Entry e) {
                return e.values;
            }

            @Override
            public boolean excludesName(PathRules rules, byte[] parent, byte[] names, int offset, int length,
                                        boolean directory) {
                return rules.excludesName(parent, names, offset, length, directory);
            }

            @Override
            public boolean directoriesFirst(ScanOptions options) {
                return options.directoriesFirst();
            }
        });
    }

    private final byte[] path;
    private final EntryType type;
    /** The values, in {@link StatFields} slots. */
    final long[] stat;
    /** The fields held as bytes, at their {@link RowSchema#bytesIndex} index; null when the entry has none. */
    final byte[][] values;

    private Entry(byte[] path, EntryType type, long[] stat, byte[][] values) {
        if (path == null || type == null) {
            throw new NullPointerException("path and type are required");
        }
        for (Field f : Field.VALUES) {
            if (f.kind() == Field.Kind.TIME) {
                long nanos = stat[RowSchema.slot(f) + 1];
                if (nanos != StatFields.ABSENT && (nanos < 0 || nanos > 999_999_999)) {
                    throw new IllegalArgumentException("nanoseconds out of range for " + Paths.display(path));
                }
            }
        }
        this.path = path;
        this.type = type;
        this.stat = stat;
        this.values = values;
    }

    /**
     * An entry of the fields {@code lstat} gives; fields beyond these (those a newer release added)
     * are absent.
     *
     * @param path the path relative to the scan root, raw bytes with {@code '/'} between components;
     *             empty for the root itself. Linux names are bytes, not text: these are never decoded.
     * @param type the entry type
     * @param size {@code st_size}
     * @param mtimeSec {@code st_mtim.tv_sec}
     * @param mtimeNsec {@code st_mtim.tv_nsec}
     * @param ctimeSec {@code st_ctim.tv_sec}
     * @param ctimeNsec {@code st_ctim.tv_nsec}
     * @param inode {@code st_ino}
     * @param device {@code st_dev}
     * @param mode the full {@code st_mode}, type bits included
     * @param uid {@code st_uid}
     * @param gid {@code st_gid}
     * @param linkCount {@code st_nlink}
     * @param target a symbolic link's target bytes; null for every other type
     * @throws NullPointerException when the path or type is null
     * @throws IllegalArgumentException when a nanosecond field is out of range
     */
    public Entry(byte[] path, EntryType type, long size, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec,
                 long inode, long device, int mode, long uid, long gid, long linkCount, byte[] target) {
        this(path, type, row(size, mtimeSec, mtimeNsec, ctimeSec, ctimeNsec, inode, device, mode, uid, gid,
                linkCount), target == null ? null : withTarget(target));
    }

    private static long[] row(long size, long mtimeSec, int mtimeNsec, long ctimeSec, int ctimeNsec, long inode,
                              long device, int mode, long uid, long gid, long linkCount) {
        long[] r = new long[StatFields.WIDTH];
        StatFields.clear(r, 0);
        r[StatFields.SIZE] = size;
        r[StatFields.MTIME_SEC] = mtimeSec;
        r[StatFields.MTIME_NSEC] = mtimeNsec;
        r[StatFields.CTIME_SEC] = ctimeSec;
        r[StatFields.CTIME_NSEC] = ctimeNsec;
        r[StatFields.INODE] = inode;
        r[StatFields.DEVICE] = device;
        r[StatFields.MODE] = mode;
        r[StatFields.UID] = uid;
        r[StatFields.GID] = gid;
        r[StatFields.NLINK] = linkCount;
        return r;
    }

    private static byte[][] withTarget(byte[] target) {
        byte[][] v = new byte[RowSchema.BYTE_VALUES][];
        v[RowSchema.bytesIndex(Field.TARGET)] = target;
        return v;
    }

    /**
     * An entry of a row of stat slots (copied) and its byte values ({@link RowSchema#BYTE_VALUES} from
     * {@code bytes}, the array copied only when one is there); the path and the values are kept, not copied.
     */
    static Entry of(byte[] path, EntryType type, long[] stat, int offset, byte[][] values, int bytes) {
        byte[][] kept = null;
        if (values != null) {
            for (int k = 0; k < RowSchema.BYTE_VALUES; k++) {
                if (values[bytes + k] != null) {
                    kept = Arrays.copyOfRange(values, bytes, bytes + RowSchema.BYTE_VALUES);
                    break;
                }
            }
        }
        return new Entry(path, type, Arrays.copyOfRange(stat, offset, offset + StatFields.WIDTH), kept);
    }

    /** @return a copy of the path bytes, relative to the scan root; empty for the root itself */
    public byte[] path() {
        return path.clone();
    }

    /** @return the entry type */
    public EntryType type() {
        return type;
    }

    /**
     * A field's value as a number: the size, the mode, the owner, the group, the link count, the
     * inode number; for a time, its seconds.
     *
     * @param field a field of kind {@link Field.Kind#NUMBER}, {@link Field.Kind#MODE},
     *              {@link Field.Kind#IDENTITY} or {@link Field.Kind#TIME}
     * @return the value
     * @throws IllegalArgumentException for the type and the target
     */
    public long value(Field field) {
        if (RowSchema.slot(field) < 0) {
            throw new IllegalArgumentException(field.label() + " is not a number");
        }
        return stat[RowSchema.slot(field)];
    }

    /**
     * @param field a field of kind {@link Field.Kind#TIME}
     * @return the nanoseconds of the time, or -1 when the time is absent for this entry
     * @throws IllegalArgumentException for a field that is not a time
     */
    public int nanos(Field field) {
        if (field.kind() != Field.Kind.TIME) {
            throw new IllegalArgumentException(field.label() + " is not a time");
        }
        return (int) stat[RowSchema.slot(field) + 1];
    }

    /**
     * @param field a field
     * @return whether this entry has a value for it: false for a time the system or filesystem did
     *         not give (a birth time on a filesystem without one), and for the target of anything but
     *         a link whose target was read
     */
    public boolean has(Field field) {
        switch (field.kind()) {
            case TARGET:
            case XATTRS:
            case CONTENT:
                return RowSchema.bytes(values, 0, field) != null;
            default:
                return RowSchema.present(field, stat, 0);
        }
    }

    /**
     * @param field a field of kind {@link Field.Kind#TIME}
     * @return the time, or null when it is absent for this entry
     */
    public Instant time(Field field) {
        int nanos = nanos(field);
        return nanos < 0 ? null : Instant.ofEpochSecond(stat[RowSchema.slot(field)], nanos);
    }

    /** @return {@code st_size} */
    public long size() {
        return stat[StatFields.SIZE];
    }

    /** @return {@code st_mtim.tv_sec} */
    public long mtimeSec() {
        return stat[StatFields.MTIME_SEC];
    }

    /** @return {@code st_mtim.tv_nsec} */
    public int mtimeNsec() {
        return (int) stat[StatFields.MTIME_NSEC];
    }

    /** @return {@code st_ctim.tv_sec} */
    public long ctimeSec() {
        return stat[StatFields.CTIME_SEC];
    }

    /** @return {@code st_ctim.tv_nsec} */
    public int ctimeNsec() {
        return (int) stat[StatFields.CTIME_NSEC];
    }

    /** @return {@code st_ino} */
    public long inode() {
        return stat[StatFields.INODE];
    }

    /** @return {@code st_dev} */
    public long device() {
        return stat[StatFields.DEVICE];
    }

    /** @return the full {@code st_mode}, type bits included */
    public int mode() {
        return (int) stat[StatFields.MODE];
    }

    /** @return {@code st_uid} */
    public long uid() {
        return stat[StatFields.UID];
    }

    /** @return {@code st_gid} */
    public long gid() {
        return stat[StatFields.GID];
    }

    /** @return {@code st_nlink} */
    public long linkCount() {
        return stat[StatFields.NLINK];
    }

    /** The flags {@link #flags()} shows, in {@code lsattr}'s order, with their {@code statx} bits. */
    private static final String FLAG_LETTERS = "iadcExV";
    private static final long[] FLAG_BITS = {StatFields.FLAG_IMMUTABLE, StatFields.FLAG_APPEND, StatFields.FLAG_NODUMP,
        StatFields.FLAG_COMPRESSED, StatFields.FLAG_ENCRYPTED, StatFields.FLAG_DAX, StatFields.FLAG_VERITY};

    /**
     * The file's flags as {@code lsattr} writes them, one position per flag fsnap reads, {@code -}
     * where it is not set: {@code i} immutable, {@code a} append-only, {@code d} nodump, {@code c}
     * compressed, {@code E} encrypted, {@code x} DAX, {@code V} verity. {@code "i------"} is an
     * immutable file.
     *
     * @return the flags, or null where they were not read (see {@link Field#FLAGS})
     */
    public String flags() {
        long bits = stat[StatFields.FLAGS];
        if (bits == StatFields.ABSENT) {
            return null;
        }
        char[] shown = new char[FLAG_BITS.length];
        for (int k = 0; k < FLAG_BITS.length; k++) {
            shown[k] = (bits & FLAG_BITS[k]) != 0 ? FLAG_LETTERS.charAt(k) : '-';
        }
        return new String(shown);
    }

    /** @return a copy of the link target bytes, or null when this is not a symbolic link */
    public byte[] target() {
        byte[] t = RowSchema.bytes(values, 0, Field.TARGET);
        return t == null ? null : t.clone();
    }

    /**
     * The content digest of a regular file, where the scan read content ({@link ScanOptions.Builder#digest}).
     *
     * @return the digest, when it was verified, and whether the file is corrupt; null where not read
     */
    public Content content() {
        return Content.of(RowSchema.bytes(values, 0, Field.CONTENT));
    }

    /**
     * The extended attributes of one class, in name order, as the scan read them: its own, never a
     * link target's. Scans read them when asked ({@link ScanOptions.Builder#xattrs}).
     *
     * @param field {@link Field#ACL}, {@link Field#CAPS}, {@link Field#SELINUX} or {@link Field#XATTRS}
     * @return the attributes, empty when the entry has none; null when they were not read (not
     *         asked for, not readable by the backend, or the reading failed: the scan recorded why)
     * @throws IllegalArgumentException for a field that is not an attribute class
     */
    public List<Xattr> xattrs(Field field) {
        if (field.kind() != Field.Kind.XATTRS) {
            throw new IllegalArgumentException(field.label() + " is not an extended attribute field");
        }
        byte[] v = RowSchema.bytes(values, 0, field);
        return v == null ? null : XattrValues.decode(v, Xattr::new);
    }

    /**
     * This entry below a directory, named by exactly its path's bytes: the way to reach it again, or
     * to recreate it elsewhere (a restore), whatever the locale's charset makes of the names (a
     * {@code Path} built from {@link #displayPath()} or from a decoded String loses the bytes that
     * are not valid in it).
     *
     * @param directory where the scan's root is, or is to be recreated
     * @return the directory itself for the root, else the path of this entry below it
     * @throws java.nio.file.InvalidPathException when the directory is not of the default filesystem
     */
    public java.nio.file.Path resolveIn(java.nio.file.Path directory) {
        return path.length == 0 ? directory : directory.resolve(dev.fsnap.bindings.PathBytes.path(path));
    }

    /**
     * A symbolic link's target as a path of exactly its bytes, to make the link again
     * ({@code Files.createSymbolicLink(link, entry.targetPath())}).
     *
     * @return the target, or null when this is not a symbolic link or its target was not read
     */
    public java.nio.file.Path targetPath() {
        byte[] t = RowSchema.bytes(values, 0, Field.TARGET);
        return t == null || t.length == 0 ? null : dev.fsnap.bindings.PathBytes.path(t);
    }

    /**
     * Gives a file, directory or symbolic link this entry's modification time, to the nanosecond,
     * and to a link itself, not its target: for a restore. (The JDK sets a link's own time with
     * {@code lutimes}, to the microsecond.) On Linux through {@code utimensat}; elsewhere through
     * the JDK. The access time is left as it is.
     *
     * @param target what to set the time of, not followed if it is a link
     * @throws java.io.IOException naming the path and the reason, when the time cannot be set
     */
    public void setModifiedTimeOf(java.nio.file.Path target) throws java.io.IOException {
        try {
            dev.fsnap.bindings.FileTimes.setModified(target, mtimeSec(), mtimeNsec());
        } catch (UnsupportedOperationException notLinux) {
            java.nio.file.Files.getFileAttributeView(target, java.nio.file.attribute.BasicFileAttributeView.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).setTimes(java.nio.file.attribute.FileTime.from(mtime()),
                    null, null);
        }
    }

    /**
     * The path for display: UTF-8 with invalid bytes replaced, {@code .} for the root. Never use it
     * to reach the file again: names that are not UTF-8 do not survive it ({@link #resolveIn} does).
     *
     * @return the display path
     */
    public String displayPath() {
        return Paths.display(path);
    }

    /** @return the modification time */
    public Instant mtime() {
        return Instant.ofEpochSecond(mtimeSec(), mtimeNsec());
    }

    /** @return the status change time */
    public Instant ctime() {
        return Instant.ofEpochSecond(ctimeSec(), ctimeNsec());
    }

    /** @return the permission bits of the mode ({@code 07777}) */
    public int permissions() {
        return mode() & 07777;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(path, e.path) && type == e.type && Arrays.equals(stat, e.stat)
                && Arrays.deepEquals(values, e.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(path) * 31 + Long.hashCode(inode());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Entry[").append(displayPath());
        for (Field f : Field.values()) {
            if (!has(f)) {
                continue;
            }
            s.append(' ').append(f.label()).append('=');
            switch (f.kind()) {
                case TYPE -> s.append(type.label());
                case MODE -> s.append(Integer.toOctalString(mode()));
                case TIME -> s.append(stat[RowSchema.slot(f)]).append('.').append(stat[RowSchema.slot(f) + 1]);
                case IDENTITY -> s.append(inode()).append(" dev=").append(device());
                case TARGET -> s.append(Paths.display(RowSchema.bytes(values, 0, f)));
                case XATTRS -> s.append(xattrs(f));
                case CONTENT -> s.append(content());
                default -> s.append(stat[RowSchema.slot(f)]);
            }
        }
        return s.append(']').toString();
    }
}
