package dev.fsnap.bindings;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Constants and struct layouts of the Linux kernel ABI, per architecture.
 *
 * <p>They are not the same everywhere: {@code O_DIRECTORY} is {@code 0x10000} on x86_64 and
 * {@code 0x4000} on aarch64, and {@code struct stat} is 144 bytes on x86_64 (nlink before mode,
 * 64-bit) but 128 bytes in the generic layout aarch64 uses (mode before a 32-bit nlink). Every value
 * here is checked against the running kernel by the tests of this module.
 */
public enum LinuxAbi {
    /** x86_64: {@code arch/x86/include/uapi/asm/stat.h} and {@code asm/fcntl.h}. */
    X86_64(0x10000, 0x20000, 144, 0, 8, 16, 8, 24, 28, 32, 48, 88, 96, 104, 112),
    /** aarch64: the generic layouts of {@code include/uapi/asm-generic/stat.h} and {@code fcntl.h}. */
    AARCH64(0x4000, 0x8000, 128, 0, 8, 20, 4, 16, 24, 28, 48, 88, 96, 104, 112);

    /** {@code O_RDONLY}: the same on every Linux architecture. */
    public static final int O_RDONLY = 0;
    /** {@code O_NOATIME} (01000000): the same on x86_64 and aarch64. */
    public static final int O_NOATIME = 0x40000;
    /** {@code O_WRONLY}: the same on every Linux architecture. */
    public static final int O_WRONLY = 1;
    /** {@code O_CREAT} (0100): the same on x86_64 and aarch64. */
    public static final int O_CREAT = 0x40;
    /** {@code O_EXCL} (0200): the same on x86_64 and aarch64. */
    public static final int O_EXCL = 0x80;
    /** {@code __O_TMPFILE} (020000000), which {@code O_TMPFILE} joins with the architecture's {@code O_DIRECTORY}. */
    public static final int O_TMPFILE_BIT = 0x400000;
    /** {@code AT_SYMLINK_FOLLOW} for {@code linkat}: link what a magic link names, not the link. */
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    /** {@code O_CLOEXEC} (02000000): the same on x86_64 and aarch64. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code AT_FDCWD}. */
    public static final int AT_FDCWD = -100;
    /** {@code AT_SYMLINK_NOFOLLOW}. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code openat2}'s number: the same in the unified table of x86_64 and aarch64 (Linux 5.6+). */
    public static final long SYS_OPENAT2 = 437;
    /**
     * {@code getxattrat} and {@code listxattrat} (Linux 6.13): numbered after 424, where the
     * numbers became the same on every architecture.
     */
    static final long SYS_GETXATTRAT = 464;
    /** {@code AT_EMPTY_PATH}: the call is about the descriptor itself. */
    static final int AT_EMPTY_PATH = 0x1000;
    /**
     * {@code AT_STATX_DONT_SYNC}: a network filesystem's client answers {@code statx} from the
     * attributes it holds (a listing's READDIRPLUS brought them) instead of asking its server again.
     */
    static final int AT_STATX_DONT_SYNC = 0x4000;
    /** {@code AT_STATX_FORCE_SYNC}: a network filesystem's client asks its server, whatever it holds. */
    static final int AT_STATX_FORCE_SYNC = 0x2000;
    /** {@code O_NONBLOCK} (04000): the same on x86_64 and aarch64. */
    static final int O_NONBLOCK = 0x800;
    /** {@code RWF_NOWAIT}: {@code preadv2} answers only from the page cache, else {@code EAGAIN} (Linux 4.14). */
    static final int RWF_NOWAIT = 0x8;
    /** {@code POSIX_FADV_DONTNEED}. */
    static final int POSIX_FADV_DONTNEED = 4;
    static final long SYS_LISTXATTRAT = 465;
    /** {@code struct xattr_args}: {@code __aligned_u64 value; __u32 size; __u32 flags;}. */
    static final long XATTR_ARGS_SIZE = 16;
    /** {@code struct open_how}: flags, mode, resolve (three u64). */
    public static final int OPEN_HOW_SIZE = 24;
    /** {@code RESOLVE_NO_SYMLINKS}: fail with ELOOP at any symbolic link in the path. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** {@code RESOLVE_BENEATH}: fail with EXDEV rather than resolve to anything outside the directory. */
    public static final long RESOLVE_BENEATH = 0x08;
    /** {@code RESOLVE_NO_MAGICLINKS}: never through /proc-style magic links. */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;

    /**
     * {@code struct statx} ({@code include/uapi/linux/stat.h}): one layout on every architecture, 256 bytes.
     * Offsets of the fields fsnap reads; timestamps are {@code {s64 tv_sec; u32 tv_nsec; s32 pad}}.
     */
    public static final int STATX_SIZE = 256;
    /** Offset of {@code stx_mask} (u32): which fields the filesystem filled. */
    public static final int STX_MASK = 0;
    /** Offset of {@code stx_attributes} (u64): the file's flags, as far as {@code stx_attributes_mask} says. */
    public static final int STX_ATTRIBUTES = 8;
    /** Offset of {@code stx_attributes_mask} (u64): which {@code stx_attributes} bits the filesystem supports. */
    public static final int STX_ATTRIBUTES_MASK = 56;
    /**
     * The {@code statx} attributes that are a file's own flags, as {@code lsattr} shows them:
     * compressed (c, 0x4), immutable (i, 0x10), append-only (a, 0x20), nodump (d, 0x40), encrypted
     * (E, 0x800), verity (V, 0x100000), DAX (x, 0x200000). Automount and mount-root are left out: they
     * describe where the file is mounted, not the file.
     */
    public static final long STATX_FILE_FLAGS = StatFields.FLAG_COMPRESSED | StatFields.FLAG_IMMUTABLE
            | StatFields.FLAG_APPEND | StatFields.FLAG_NODUMP | StatFields.FLAG_ENCRYPTED | StatFields.FLAG_VERITY
            | StatFields.FLAG_DAX;
    /** Offset of {@code stx_nlink} (u32). */
    public static final int STX_NLINK = 16;
    /** Offset of {@code stx_uid} (u32). */
    public static final int STX_UID = 20;
    /** Offset of {@code stx_gid} (u32). */
    public static final int STX_GID = 24;
    /** Offset of {@code stx_mode} (u16). */
    public static final int STX_MODE = 28;
    /** Offset of {@code stx_ino} (u64). */
    public static final int STX_INO = 32;
    /** Offset of {@code stx_size} (u64). */
    public static final int STX_SIZE = 40;
    /** Offset of {@code stx_btime}: the birth time, where {@code stx_mask} has {@link #STATX_BTIME}. */
    public static final int STX_BTIME = 80;
    /** Offset of {@code stx_ctime}. */
    public static final int STX_CTIME = 96;
    /** Offset of {@code stx_mtime}. */
    public static final int STX_MTIME = 112;
    /** Offset of {@code stx_dev_major} (u32); {@code stx_dev_minor} follows. */
    public static final int STX_DEV_MAJOR = 136;
    /**
     * The fields fsnap asks {@code statx} for: type, mode, nlink, uid, gid, mtime, ctime, ino, size
     * ({@code STATX_BASIC_STATS} without atime and blocks).
     */
    public static final int STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100 | 0x200;
    /** {@code STATX_BTIME}: asked for too, recorded where the filesystem gives it. */
    public static final int STATX_BTIME = 0x800;

    /** Offset of {@code d_reclen} (unsigned short) in {@code struct linux_dirent64}, after {@code d_ino} and {@code d_off}. */
    public static final int DIRENT_RECLEN = 16;
    /** Offset of {@code d_type} (unsigned char). */
    public static final int DIRENT_TYPE = 18;
    /** Offset of {@code d_name} (NUL-terminated, padded to 8 bytes). */
    public static final int DIRENT_NAME = 19;
    /** {@code d_type} values (the same on every Linux architecture): not given by the filesystem. */
    public static final int DT_UNKNOWN = 0;
    /** {@code d_type}: a directory. */
    public static final int DT_DIR = 4;
    /** {@code d_type}: a symbolic link. */
    public static final int DT_LNK = 10;

    /** {@code S_IFMT} and the file types, from {@code sys/stat.h}: the same on every Linux. */
    public static final int S_IFMT = 0170000;
    /** Socket. */
    public static final int S_IFSOCK = 0140000;
    /** Symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** Regular file. */
    public static final int S_IFREG = 0100000;
    /** Block device. */
    public static final int S_IFBLK = 0060000;
    /** Directory. */
    public static final int S_IFDIR = 0040000;
    /** Character device. */
    public static final int S_IFCHR = 0020000;
    /** FIFO. */
    public static final int S_IFIFO = 0010000;

    /** {@code O_DIRECTORY}. */
    public final int oDirectory;
    /** {@code O_NOFOLLOW}. */
    public final int oNofollow;
    /** {@code sizeof(struct stat)}. */
    public final int statSize;
    /** Offset of {@code st_dev} (64-bit). */
    public final int stDev;
    /** Offset of {@code st_ino} (64-bit). */
    public final int stIno;
    /** Offset of {@code st_nlink}. */
    public final int stNlink;
    /** Width of {@code st_nlink} in bytes: 8 on x86_64, 4 in the generic layout. */
    public final int stNlinkWidth;
    /** Offset of {@code st_mode} (32-bit). */
    public final int stMode;
    /** Offset of {@code st_uid} (32-bit). */
    public final int stUid;
    /** Offset of {@code st_gid} (32-bit). */
    public final int stGid;
    /** Offset of {@code st_size} (64-bit). */
    public final int stSize;
    /** Offset of {@code st_mtim.tv_sec}. */
    public final int stMtimeSec;
    /** Offset of {@code st_mtim.tv_nsec}. */
    public final int stMtimeNsec;
    /** Offset of {@code st_ctim.tv_sec}. */
    public final int stCtimeSec;
    /** Offset of {@code st_ctim.tv_nsec}. */
    public final int stCtimeNsec;

    LinuxAbi(int oDirectory, int oNofollow, int statSize, int stDev, int stIno, int stNlink, int stNlinkWidth,
             int stMode, int stUid, int stGid, int stSize, int stMtimeSec, int stMtimeNsec, int stCtimeSec,
             int stCtimeNsec) {
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
        this.statSize = statSize;
        this.stDev = stDev;
        this.stIno = stIno;
        this.stNlink = stNlink;
        this.stNlinkWidth = stNlinkWidth;
        this.stMode = stMode;
        this.stUid = stUid;
        this.stGid = stGid;
        this.stSize = stSize;
        this.stMtimeSec = stMtimeSec;
        this.stMtimeNsec = stMtimeNsec;
        this.stCtimeSec = stCtimeSec;
        this.stCtimeNsec = stCtimeNsec;
    }

    /**
     * The layout for an operating system and architecture, as Java names them in {@code os.name}
     * and {@code os.arch}.
     *
     * @param osName the operating system name, for example {@code Linux}
     * @param osArch the architecture, for example {@code amd64} or {@code aarch64}
     * @return the layout, or empty where fsnap has none
     */
    public static Optional<LinuxAbi> forPlatform(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return Optional.of(X86_64);
            case "aarch64":
            case "arm64":
                return Optional.of(AARCH64);
            default:
                return Optional.empty();
        }
    }

    /**
     * The layout of the running system.
     *
     * @return the layout, or empty where fsnap has none
     */
    public static Optional<LinuxAbi> current() {
        return forPlatform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** {@code statfs} magic numbers of filesystems fsnap tells apart, by the names mount(8) gives them. */
    private static final Map<Long, String> FILESYSTEMS = Map.ofEntries(
            Map.entry(0x6969L, "nfs"),
            Map.entry(0x517BL, "smb"),
            Map.entry(0xFF534D42L, "cifs"),
            Map.entry(0xFE534D42L, "smb2"),
            Map.entry(0x65735546L, "fuse"),
            Map.entry(0x0BD00BD0L, "lustre"),
            Map.entry(0x00C36400L, "ceph"),
            Map.entry(0x01021997L, "9p"),
            Map.entry(0x5346414FL, "afs"),
            Map.entry(0x47504653L, "gpfs"),
            Map.entry(0x19830326L, "beegfs"),
            Map.entry(0x013111A8L, "ibrix"),
            Map.entry(0x6B414653L, "kafs"),
            Map.entry(0xEF53L, "ext4"),
            Map.entry(0x58465342L, "xfs"),
            Map.entry(0x9123683EL, "btrfs"),
            Map.entry(0x01021994L, "tmpfs"),
            Map.entry(0x794C7630L, "overlay"),
            Map.entry(0x2FC12FC1L, "zfs"),
            Map.entry(0xF2F52010L, "f2fs"));

    /**
     * A filesystem's name from its {@code statfs} {@code f_type}.
     *
     * @param magic the magic number
     * @return its name ({@code nfs}, {@code ext4}), or the number in hex ({@code 0x1234}) for others
     */
    public static String filesystemName(long magic) {
        String name = FILESYSTEMS.get(magic);
        return name != null ? name : "0x" + Long.toHexString(magic);
    }
}
