package dev.fsnap.bindings;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Constants, symbols and struct layouts of macOS, as Apple's headers define them
 * ({@code sys/stat.h} with {@code __DARWIN_64_BIT_INO_T}, {@code sys/dirent.h}, {@code sys/fcntl.h},
 * {@code sys/mount.h}). They are not Linux's: {@code AT_FDCWD} is -2, {@code O_DIRECTORY} 0x100000,
 * and {@code struct stat} puts a 32-bit {@code st_dev} and 16-bit mode and link count before the
 * inode. Both architectures are little-endian and share every layout; they differ in symbol names.
 *
 * <p>The accessors read a buffer laid out as the kernel fills it: a view over native memory when
 * scanning, a heap buffer built byte by byte in the tests, which run on Linux.
 */
public enum DarwinAbi {
    /** Intel: the 64-bit-inode functions carry the {@code $INODE64} suffix (the plain names are the old 32-bit ones). */
    X86_64("$INODE64"),
    /** Apple silicon: 64-bit inodes only, plain names. */
    ARM64("");

    private final String inode64Suffix;

    DarwinAbi(String inode64Suffix) {
        this.inode64Suffix = inode64Suffix;
    }

    /**
     * The layout of a platform.
     *
     * @param platform a macOS platform
     * @return its layout
     * @throws IllegalArgumentException for any other platform
     */
    public static DarwinAbi of(NativePlatform platform) {
        switch (platform) {
            case MACOS_X86_64:
                return X86_64;
            case MACOS_ARM64:
                return ARM64;
            default:
                throw new IllegalArgumentException(platform + " is not macOS");
        }
    }

    /**
     * The symbol to bind for a C function: the functions whose structs carry an inode number have a
     * 64-bit-inode variant under another name on Intel.
     *
     * @param function the C name, {@code readdir} for example
     * @return the symbol, {@code readdir$INODE64} on Intel
     */
    public String symbol(String function) {
        switch (function) {
            case "opendir":
            case "fdopendir":
            case "readdir":
            case "fstatat":
            case "fstatfs":
                return function + inode64Suffix;
            default:
                return function;
        }
    }

    /** {@code AT_FDCWD}. */
    public static final int AT_FDCWD = -2;
    /** {@code AT_SYMLINK_NOFOLLOW}. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x20;
    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = 0;
    /** {@code O_NOFOLLOW}: fail on a symbolic link in the last component. */
    public static final int O_NOFOLLOW = 0x100;
    /** {@code O_DIRECTORY}. */
    public static final int O_DIRECTORY = 0x100000;
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = 0x1000000;
    /** {@code O_NOFOLLOW_ANY} (macOS 11+): fail on a symbolic link anywhere on the path. */
    public static final int O_NOFOLLOW_ANY = 0x20000000;

    /** {@code sizeof(struct stat)} with 64-bit inodes. */
    public static final int STAT_SIZE = 144;
    /** Offset of {@code st_dev} ({@code dev_t}: int32). */
    public static final int ST_DEV = 0;
    /** Offset of {@code st_mode} ({@code mode_t}: uint16). */
    public static final int ST_MODE = 4;
    /** Offset of {@code st_nlink} ({@code nlink_t}: uint16). */
    public static final int ST_NLINK = 6;
    /** Offset of {@code st_ino} (uint64). */
    public static final int ST_INO = 8;
    /** Offset of {@code st_uid} (uint32). */
    public static final int ST_UID = 16;
    /** Offset of {@code st_gid} (uint32). */
    public static final int ST_GID = 20;
    /** Offset of {@code st_mtimespec} ({@code {long tv_sec; long tv_nsec}}). */
    public static final int ST_MTIME = 48;
    /** Offset of {@code st_ctimespec}. */
    public static final int ST_CTIME = 64;
    /** Offset of {@code st_size} (int64). */
    public static final int ST_SIZE = 96;
    /** Offset of {@code st_birthtimespec} (seconds, then nanoseconds). */
    public static final int ST_BIRTHTIME = 80;
    /** Offset of {@code st_flags} (uint32): {@code chflags}'s user and system flags. */
    public static final int ST_FLAGS = 116;

    /** {@code sizeof(struct dirent)} with 64-bit inodes: the name has room for 1,023 bytes and a NUL. */
    public static final int DIRENT_SIZE = 1048;
    /** Offset of {@code d_reclen} (uint16). */
    public static final int D_RECLEN = 16;
    /** Offset of {@code d_namlen} (uint16): the name's length, without the NUL. */
    public static final int D_NAMLEN = 18;
    /** Offset of {@code d_type} (uint8): the same {@code DT_*} values as Linux. */
    public static final int D_TYPE = 20;
    /** Offset of {@code d_name}. */
    public static final int D_NAME = 21;
    /** The longest name a {@code d_name} holds ({@code MAXPATHLEN - 1}). */
    public static final int NAME_MAX = 1023;

    /** {@code sizeof(struct statfs)} with 64-bit inodes. */
    public static final int STATFS_SIZE = 2168;
    /** Offset of {@code f_fstypename} ({@code char[16]}): {@code apfs}, {@code nfs}, {@code smbfs}, ... */
    public static final int F_FSTYPENAME = 72;
    /** Length of {@code f_fstypename}. */
    public static final int MFSTYPENAMELEN = 16;

    private static ByteBuffer le(ByteBuffer b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a {@code struct stat}. */
    public static final class Stat {
        private Stat() {
        }

        /**
         * @param st a {@code struct stat} at offset 0
         * @return {@code st_mode}, type bits included
         */
        public static int mode(ByteBuffer st) {
            return le(st).getShort(ST_MODE) & 0xffff;
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_nlink}
         */
        public static long linkCount(ByteBuffer st) {
            return le(st).getShort(ST_NLINK) & 0xffff;
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_ino}
         */
        public static long inode(ByteBuffer st) {
            return le(st).getLong(ST_INO);
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_dev}, read unsigned
         */
        public static long device(ByteBuffer st) {
            return le(st).getInt(ST_DEV) & 0xffffffffL;
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_uid}, unsigned
         */
        public static long uid(ByteBuffer st) {
            return le(st).getInt(ST_UID) & 0xffffffffL;
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_gid}, unsigned
         */
        public static long gid(ByteBuffer st) {
            return le(st).getInt(ST_GID) & 0xffffffffL;
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_size}
         */
        public static long size(ByteBuffer st) {
            return le(st).getLong(ST_SIZE);
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_mtimespec.tv_sec}
         */
        public static long mtimeSeconds(ByteBuffer st) {
            return le(st).getLong(ST_MTIME);
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_mtimespec.tv_nsec}
         */
        public static int mtimeNanos(ByteBuffer st) {
            return (int) le(st).getLong(ST_MTIME + 8);
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_ctimespec.tv_sec}
         */
        public static long ctimeSeconds(ByteBuffer st) {
            return le(st).getLong(ST_CTIME);
        }

        /**
         * @param st a {@code struct stat}
         * @return {@code st_ctimespec.tv_nsec}
         */
        public static int ctimeNanos(ByteBuffer st) {
            return (int) le(st).getLong(ST_CTIME + 8);
        }

        /**
         * The file's flags as the {@code statx} attribute bits fsnap keeps on every system
         * ({@link LinuxAbi#STATX_FILE_FLAGS}): {@code UF_NODUMP} as nodump, {@code UF_IMMUTABLE} and
         * {@code SF_IMMUTABLE} as immutable, {@code UF_APPEND} and {@code SF_APPEND} as append-only,
         * {@code UF_COMPRESSED} as compressed; other flags ({@code UF_HIDDEN}, ...) are not kept.
         *
         * @param st a {@code struct stat}
         * @return the flags
         */
        public static long flags(ByteBuffer st) {
            int f = le(st).getInt(ST_FLAGS);
            long bits = 0;
            if ((f & 0x1) != 0) { // UF_NODUMP
                bits |= StatFields.FLAG_NODUMP;
            }
            if ((f & (0x2 | 0x20000)) != 0) { // UF_IMMUTABLE, SF_IMMUTABLE
                bits |= StatFields.FLAG_IMMUTABLE;
            }
            if ((f & (0x4 | 0x40000)) != 0) { // UF_APPEND, SF_APPEND
                bits |= StatFields.FLAG_APPEND;
            }
            if ((f & 0x20) != 0) { // UF_COMPRESSED
                bits |= StatFields.FLAG_COMPRESSED;
            }
            return bits;
        }
    }

    /** Reads {@code struct dirent} records, as {@code readdir} returns them. */
    public static final class Dirent {
        private Dirent() {
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return the record's length
         */
        public static int recordLength(ByteBuffer b, int at) {
            return le(b).getShort(at + D_RECLEN) & 0xffff;
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return the name's length in bytes
         */
        public static int nameLength(ByteBuffer b, int at) {
            return le(b).getShort(at + D_NAMLEN) & 0xffff;
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return {@code d_type}
         */
        public static int type(ByteBuffer b, int at) {
            return b.get(at + D_TYPE) & 0xff;
        }

        /**
         * Whether a record names the directory itself or its parent.
         *
         * @param b records
         * @param at a record's offset
         * @return true for {@code .} and {@code ..}
         */
        public static boolean isSelfOrParent(ByteBuffer b, int at) {
            int n = nameLength(b, at);
            int name = at + D_NAME;
            return b.get(name) == '.' && (n == 1 || (n == 2 && b.get(name + 1) == '.'));
        }
    }

    /**
     * The filesystem type name of a {@code struct statfs}.
     *
     * @param statfs a {@code struct statfs} at offset 0
     * @return {@code f_fstypename}, for example {@code apfs} or {@code smbfs}
     */
    public static String filesystemType(ByteBuffer statfs) {
        StringBuilder s = new StringBuilder(MFSTYPENAMELEN);
        for (int i = 0; i < MFSTYPENAMELEN; i++) {
            int c = statfs.get(F_FSTYPENAME + i) & 0xff;
            if (c == 0) {
                break;
            }
            s.append((char) c);
        }
        return s.toString();
    }
}
