package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Constants and struct layouts of the Win32 API ({@code minwinbase.h}, {@code winnt.h},
 * {@code winerror.h}), the same on x86_64 and ARM64. A listing's {@code WIN32_FIND_DATAW} carries
 * everything fsnap records of an entry, so a scan makes no call per file: attributes, three
 * {@code FILETIME}s, the size in two halves, the reparse tag of a link, and the name in UTF-16.
 *
 * <p>The accessors read a little-endian buffer laid out as Windows fills it: a copy of the records
 * a listing returned, or a buffer built byte by byte in the tests, which run on Linux.
 */
public final class WindowsAbi {
    private WindowsAbi() {
    }

    /** {@code sizeof(WIN32_FIND_DATAW)}. */
    public static final int FIND_DATA_SIZE = 592;
    /** Offset of {@code dwFileAttributes} (DWORD). */
    public static final int FD_ATTRIBUTES = 0;
    /** Offset of {@code ftCreationTime} (FILETIME: two DWORDs, low first, 4-byte aligned). */
    public static final int FD_CREATION_TIME = 4;
    /** Offset of {@code ftLastAccessTime}. */
    public static final int FD_LAST_ACCESS_TIME = 12;
    /** Offset of {@code ftLastWriteTime}. */
    public static final int FD_LAST_WRITE_TIME = 20;
    /** Offset of {@code nFileSizeHigh} (DWORD); {@code nFileSizeLow} follows. */
    public static final int FD_SIZE_HIGH = 28;
    /** Offset of {@code nFileSizeLow}. */
    public static final int FD_SIZE_LOW = 32;
    /** Offset of {@code dwReserved0}: the reparse tag when the attributes say reparse point. */
    public static final int FD_RESERVED0 = 36;
    /** Offset of {@code cFileName} (WCHAR[MAX_PATH], NUL-terminated). */
    public static final int FD_NAME = 44;
    /** {@code MAX_PATH}: a name's room in UTF-16 units, NUL included. */
    public static final int MAX_PATH = 260;
    /** {@code sizeof(WIN32_FILE_ATTRIBUTE_DATA)}: the first 36 bytes of a find record, same layout. */
    public static final int FILE_ATTRIBUTE_DATA_SIZE = 36;

    /** {@code FILE_ATTRIBUTE_READONLY}. */
    public static final int FILE_ATTRIBUTE_READONLY = 0x1;
    /** {@code FILE_ATTRIBUTE_DIRECTORY}. */
    public static final int FILE_ATTRIBUTE_DIRECTORY = 0x10;
    /** {@code FILE_ATTRIBUTE_REPARSE_POINT}. */
    public static final int FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
    /** {@code FILE_ATTRIBUTE_COMPRESSED}. */
    public static final int FILE_ATTRIBUTE_COMPRESSED = 0x800;
    /** {@code FILE_ATTRIBUTE_ENCRYPTED}. */
    public static final int FILE_ATTRIBUTE_ENCRYPTED = 0x4000;
    /** {@code IO_REPARSE_TAG_SYMLINK}: a symbolic link. */
    public static final int IO_REPARSE_TAG_SYMLINK = 0xA000000C;
    /** {@code IO_REPARSE_TAG_MOUNT_POINT}: a junction, or a volume mounted in a folder. */
    public static final int IO_REPARSE_TAG_MOUNT_POINT = 0xA0000003;

    /** {@code FindExInfoBasic}: no 8.3 short names (cheaper). */
    public static final int FIND_EX_INFO_BASIC = 1;
    /** {@code FindExSearchNameMatch}. */
    public static final int FIND_EX_SEARCH_NAME_MATCH = 0;
    /** {@code FIND_FIRST_EX_LARGE_FETCH}: larger buffers per round trip (helps over SMB). */
    public static final int FIND_FIRST_EX_LARGE_FETCH = 2;
    /** {@code GetFileExInfoStandard}. */
    public static final int GET_FILE_EX_INFO_STANDARD = 0;
    /** {@code DRIVE_REMOTE}, from {@code GetDriveTypeW}. */
    public static final int DRIVE_REMOTE = 4;
    /** {@code INVALID_HANDLE_VALUE}. */
    public static final long INVALID_HANDLE_VALUE = -1L;

    /** {@code ERROR_FILE_NOT_FOUND}: also what {@code FindFirstFileExW} says of a directory with no entries at all. */
    public static final int ERROR_FILE_NOT_FOUND = 2;
    /** {@code ERROR_NO_MORE_FILES}: the end of a listing. */
    public static final int ERROR_NO_MORE_FILES = 18;

    /** 100-nanosecond intervals between 1601-01-01 (the FILETIME epoch) and 1970-01-01. */
    public static final long FILETIME_UNIX_EPOCH = 116_444_736_000_000_000L;

    /** The POSIX file type bits fsnap records in {@code mode}, as on every Unix. */
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;

    private static ByteBuffer le(ByteBuffer b) {
        return b.order() == ByteOrder.LITTLE_ENDIAN ? b : b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads a {@code WIN32_FIND_DATAW} (or the {@code WIN32_FILE_ATTRIBUTE_DATA} it starts with). */
    public static final class FindData {
        private FindData() {
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return {@code dwFileAttributes}
         */
        public static int attributes(ByteBuffer b, int at) {
            return le(b).getInt(at + FD_ATTRIBUTES);
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return the reparse tag, 0 unless a reparse point
         */
        public static int reparseTag(ByteBuffer b, int at) {
            return (attributes(b, at) & FILE_ATTRIBUTE_REPARSE_POINT) != 0 ? le(b).getInt(at + FD_RESERVED0) : 0;
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return the size, both halves joined
         */
        public static long size(ByteBuffer b, int at) {
            ByteBuffer l = le(b);
            return (l.getInt(at + FD_SIZE_HIGH) & 0xffffffffL) << 32 | (l.getInt(at + FD_SIZE_LOW) & 0xffffffffL);
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return {@code ftLastWriteTime}, 100 ns since 1601
         */
        public static long lastWriteTime(ByteBuffer b, int at) {
            return fileTime(b, at + FD_LAST_WRITE_TIME);
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return {@code ftCreationTime}, 100 ns since 1601
         */
        public static long creationTime(ByteBuffer b, int at) {
            return fileTime(b, at + FD_CREATION_TIME);
        }

        private static long fileTime(ByteBuffer b, int at) {
            ByteBuffer l = le(b);
            return (l.getInt(at + 4) & 0xffffffffL) << 32 | (l.getInt(at) & 0xffffffffL);
        }

        /**
         * @param b records
         * @param at a record's offset
         * @return the name's length in UTF-16 units
         */
        public static int nameUnits(ByteBuffer b, int at) {
            ByteBuffer l = le(b);
            int n = 0;
            while (n < MAX_PATH && l.getChar(at + FD_NAME + 2 * n) != 0) {
                n++;
            }
            return n;
        }

        /**
         * Whether a record names the directory itself or its parent (listed everywhere but at a
         * volume's root).
         *
         * @param b records
         * @param at a record's offset
         * @return true for {@code .} and {@code ..}
         */
        public static boolean isSelfOrParent(ByteBuffer b, int at) {
            ByteBuffer l = le(b);
            int name = at + FD_NAME;
            return l.getChar(name) == '.' && (l.getChar(name + 2) == 0
                    || (l.getChar(name + 2) == '.' && l.getChar(name + 4) == 0));
        }

        /**
         * The name, as WTF-8 bytes (see {@link Wtf8}): lossless even for unpaired surrogates.
         *
         * @param b records
         * @param at a record's offset
         * @return the name's bytes
         */
        public static byte[] name(ByteBuffer b, int at) {
            ByteBuffer l = le(b);
            int n = nameUnits(b, at);
            char[] units = new char[n];
            for (int i = 0; i < n; i++) {
                units[i] = l.getChar(at + FD_NAME + 2 * i);
            }
            return Wtf8.encode(units, n);
        }
    }

    /**
     * Whether an entry is a link fsnap reports as such and never enters by default: a symbolic link
     * or a junction (mount point). Other reparse points (deduplicated or cloud files) are the files
     * and directories they stand for.
     *
     * @param attributes {@code dwFileAttributes}
     * @param reparseTag the tag, or 0
     * @return true for a link
     */
    public static boolean isLink(int attributes, int reparseTag) {
        return (attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0
                && (reparseTag == IO_REPARSE_TAG_SYMLINK || reparseTag == IO_REPARSE_TAG_MOUNT_POINT);
    }

    /**
     * A POSIX {@code st_mode} for an entry, as Python's {@code os.stat} makes it on Windows: the
     * type bits, {@code 0111} for directories, {@code 0444} when read-only, else {@code 0666}.
     *
     * @param attributes {@code dwFileAttributes}
     * @param reparseTag the tag, or 0
     * @return the mode
     */
    public static int mode(int attributes, int reparseTag) {
        int mode;
        if (isLink(attributes, reparseTag)) {
            mode = S_IFLNK;
        } else if ((attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) {
            mode = S_IFDIR | 0111;
        } else {
            mode = S_IFREG;
        }
        return mode | ((attributes & FILE_ATTRIBUTE_READONLY) != 0 ? 0444 : 0666);
    }

    /**
     * The file flags a listing gives, as the {@link StatFields} flag bits: compressed (NTFS
     * compression) and encrypted (EFS). Read-only is in the {@link #mode}.
     *
     * @param attributes {@code dwFileAttributes}
     * @return the flag bits
     */
    public static long flags(int attributes) {
        return ((attributes & FILE_ATTRIBUTE_COMPRESSED) != 0 ? StatFields.FLAG_COMPRESSED : 0)
                | ((attributes & FILE_ATTRIBUTE_ENCRYPTED) != 0 ? StatFields.FLAG_ENCRYPTED : 0);
    }

    /**
     * Whole seconds since the Unix epoch of a FILETIME, rounded down (times before 1970 are negative).
     *
     * @param fileTime 100-nanosecond intervals since 1601-01-01 UTC
     * @return seconds since 1970-01-01 UTC
     */
    public static long unixSeconds(long fileTime) {
        return Math.floorDiv(fileTime - FILETIME_UNIX_EPOCH, 10_000_000L);
    }

    /**
     * The nanoseconds past {@link #unixSeconds} (always 0 to 999,999,900, in steps of 100).
     *
     * @param fileTime 100-nanosecond intervals since 1601-01-01 UTC
     * @return nanoseconds
     */
    public static int unixNanos(long fileTime) {
        return (int) Math.floorMod(fileTime - FILETIME_UNIX_EPOCH, 10_000_000L) * 100;
    }

    /**
     * The errno a Win32 error code means, so that errors read the same on every system (the table
     * follows the C runtime's {@code _dosmaperr} and Python's {@code winerror_to_errno}).
     *
     * @param error a {@code GetLastError()} code
     * @return the errno; {@code EIO} for codes without a POSIX meaning
     */
    public static Errno errno(int error) {
        switch (error) {
            case 2: // ERROR_FILE_NOT_FOUND
            case 3: // ERROR_PATH_NOT_FOUND
            case 15: // ERROR_INVALID_DRIVE
            case 53: // ERROR_BAD_NETPATH
            case 67: // ERROR_BAD_NET_NAME
            case 123: // ERROR_INVALID_NAME
            case 161: // ERROR_BAD_PATHNAME
                return Errno.ENOENT;
            case 5: // ERROR_ACCESS_DENIED
            case 19: // ERROR_WRITE_PROTECT
            case 32: // ERROR_SHARING_VIOLATION
            case 33: // ERROR_LOCK_VIOLATION
            case 1920: // ERROR_CANT_ACCESS_FILE
                return Errno.EACCES;
            case 6: // ERROR_INVALID_HANDLE
                return Errno.EBADF;
            case 8: // ERROR_NOT_ENOUGH_MEMORY
            case 14: // ERROR_OUTOFMEMORY
                return Errno.ENOMEM;
            case 4: // ERROR_TOO_MANY_OPEN_FILES
                return Errno.EMFILE;
            case 87: // ERROR_INVALID_PARAMETER
                return Errno.EINVAL;
            case 121: // ERROR_SEM_TIMEOUT
            case 1460: // ERROR_TIMEOUT
                return Errno.ETIMEDOUT;
            case 206: // ERROR_FILENAME_EXCED_RANGE
                return Errno.ENAMETOOLONG;
            case 267: // ERROR_DIRECTORY
                return Errno.ENOTDIR;
            case 1921: // ERROR_CANT_RESOLVE_FILENAME
                return Errno.ELOOP;
            case 1231: // ERROR_NETWORK_UNREACHABLE
                return Errno.ENETUNREACH;
            case 1236: // ERROR_CONNECTION_ABORTED
                return Errno.ECONNABORTED;
            default: // ERROR_NETNAME_DELETED (64), ERROR_UNEXP_NET_ERR (59), ERROR_IO_DEVICE (1117), ...
                return Errno.EIO;
        }
    }
}
