package dev.fsnap.bindings;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * macOS layouts, parsed from buffers built field by field to Apple's {@code struct stat} (64-bit
 * inodes), {@code struct dirent} and {@code struct statfs}: the tests cannot run on macOS, so each
 * field is put where the header puts it, with values that would show a wrong offset or width.
 */
class DarwinAbiTest {
    private static ByteBuffer buffer(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(b.array(), (byte) 0xA5); // padding and fields not read are garbage, as in C
        return b;
    }

    /** A {@code struct stat} as the kernel fills it: dev, mode, nlink, ino, uid, gid, rdev, times, size, ... */
    static ByteBuffer stat(int dev, int mode, int nlink, long ino, int uid, int gid, long mtimeSec, long mtimeNsec,
                           long ctimeSec, long ctimeNsec, long size) {
        ByteBuffer b = buffer(DarwinAbi.STAT_SIZE);
        b.putInt(0, dev);               // dev_t st_dev
        b.putShort(4, (short) mode);    // mode_t st_mode
        b.putShort(6, (short) nlink);   // nlink_t st_nlink
        b.putLong(8, ino);              // ino64_t st_ino
        b.putInt(16, uid);              // uid_t st_uid
        b.putInt(20, gid);              // gid_t st_gid
        b.putInt(24, 0);                // dev_t st_rdev, then 4 bytes of padding
        b.putLong(32, 1);               // st_atimespec
        b.putLong(40, 2);
        b.putLong(48, mtimeSec);        // st_mtimespec
        b.putLong(56, mtimeNsec);
        b.putLong(64, ctimeSec);        // st_ctimespec
        b.putLong(72, ctimeNsec);
        b.putLong(80, 3);               // st_birthtimespec
        b.putLong(88, 4);
        b.putLong(96, size);            // off_t st_size
        b.putLong(104, 8);              // blkcnt_t st_blocks
        b.putInt(112, 4096);            // blksize_t st_blksize
        b.putInt(116, 0);               // st_flags
        b.putInt(120, 0);               // st_gen
        return b;
    }

    @Test
    void everyStatFieldIsReadAtItsOffsetAndWidth() {
        ByteBuffer st = stat(0x1000004, 0100644, 3, 0x1234_5678_9ABCL, 501, 20, 1_700_000_000L, 123_456_789,
                1_700_000_001L, 987_654_321, 5_000_000_000L);
        assertEquals(0100644, DarwinAbi.Stat.mode(st));
        assertEquals(3, DarwinAbi.Stat.linkCount(st));
        assertEquals(0x1234_5678_9ABCL, DarwinAbi.Stat.inode(st));
        assertEquals(0x1000004L, DarwinAbi.Stat.device(st));
        assertEquals(501, DarwinAbi.Stat.uid(st));
        assertEquals(20, DarwinAbi.Stat.gid(st));
        assertEquals(1_700_000_000L, DarwinAbi.Stat.mtimeSeconds(st));
        assertEquals(123_456_789, DarwinAbi.Stat.mtimeNanos(st));
        assertEquals(1_700_000_001L, DarwinAbi.Stat.ctimeSeconds(st));
        assertEquals(987_654_321, DarwinAbi.Stat.ctimeNanos(st));
        assertEquals(5_000_000_000L, DarwinAbi.Stat.size(st), "sizes above 4 GiB");
        assertEquals(0, DarwinAbi.Stat.flags(st), "no flag set");
    }

    @Test
    void chflagsFlagsAreReadAsTheStatxBitsFsnapKeeps() {
        ByteBuffer st = stat(1, 0100644, 1, 1, 0, 0, 0, 0, 0, 0, 0);
        st.putInt(DarwinAbi.ST_FLAGS, 0x2 | 0x40000 | 0x8000); // uchg, sappnd, and UF_HIDDEN (not kept)
        assertEquals(0x10L | 0x20L, DarwinAbi.Stat.flags(st));
        st.putInt(DarwinAbi.ST_FLAGS, 0x20000 | 0x1 | 0x20); // schg, nodump, compressed
        assertEquals(0x10L | 0x40L | 0x4L, DarwinAbi.Stat.flags(st));
        assertEquals(0x10L | 0x20L | 0x40L | 0x4L, (0x10L | 0x20L | 0x40L | 0x4L) & LinuxAbi.STATX_FILE_FLAGS,
                "every bit kept on macOS is one Linux keeps");
    }

    @Test
    void unsignedFieldsAtTheirLimitsAndTimesBefore1970() {
        ByteBuffer st = stat(-1, 0120777, 0xFFFF, -1L, -2, -2, -86_400L, 999_999_999, -1L, 0, Long.MAX_VALUE);
        assertEquals(0120777, DarwinAbi.Stat.mode(st), "a 16-bit mode with the type bits set reads unsigned");
        assertEquals(65_535, DarwinAbi.Stat.linkCount(st), "a 16-bit nlink reads unsigned");
        assertEquals(0xFFFF_FFFFL, DarwinAbi.Stat.device(st));
        assertEquals(4_294_967_294L, DarwinAbi.Stat.uid(st), "nobody (-2) is uid 4294967294");
        assertEquals(4_294_967_294L, DarwinAbi.Stat.gid(st));
        assertEquals(-1L, DarwinAbi.Stat.inode(st));
        assertEquals(-86_400L, DarwinAbi.Stat.mtimeSeconds(st));
        assertEquals(999_999_999, DarwinAbi.Stat.mtimeNanos(st));
        assertEquals(-1L, DarwinAbi.Stat.ctimeSeconds(st));
        assertEquals(Long.MAX_VALUE, DarwinAbi.Stat.size(st));
    }

    /** Records as {@code readdir} returns them: ino, seekoff, reclen, namlen, type, name. */
    private static int putDirent(ByteBuffer b, int at, long ino, int type, byte[] name) {
        int reclen = (DarwinAbi.D_NAME + name.length + 1 + 3) & ~3;
        b.putLong(at, ino);
        b.putLong(at + 8, 42);
        b.putShort(at + 16, (short) reclen);
        b.putShort(at + 18, (short) name.length);
        b.put(at + 20, (byte) type);
        b.put(at + 21, name);
        b.put(at + 21 + name.length, (byte) 0);
        return at + reclen;
    }

    @Test
    void direntNamesTypesAndLengthsUpToTheLongestName() {
        byte[] longest = new byte[DarwinAbi.NAME_MAX];
        Arrays.fill(longest, (byte) 'n');
        byte[] utf8 = "r\u00e9sum\u00e9 \uD83D\uDE00".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = buffer(4 * DarwinAbi.DIRENT_SIZE);
        int second = putDirent(b, 0, 7, LinuxAbi.DT_DIR, new byte[] {'.'});
        int third = putDirent(b, second, 8, 8 /* DT_REG */, utf8);
        int end = putDirent(b, third, 9, LinuxAbi.DT_LNK, longest);
        assertEquals(second, DarwinAbi.Dirent.recordLength(b, 0));
        assertEquals(1, DarwinAbi.Dirent.nameLength(b, 0));
        assertEquals(LinuxAbi.DT_DIR, DarwinAbi.Dirent.type(b, 0));
        assertEquals(third - second, DarwinAbi.Dirent.recordLength(b, second));
        assertEquals(utf8.length, DarwinAbi.Dirent.nameLength(b, second));
        assertArrayEquals(utf8, Arrays.copyOfRange(b.array(), second + DarwinAbi.D_NAME,
                second + DarwinAbi.D_NAME + utf8.length));
        assertEquals(1023, DarwinAbi.Dirent.nameLength(b, third), "the longest name's length needs both bytes");
        assertEquals(LinuxAbi.DT_LNK, DarwinAbi.Dirent.type(b, third));
        assertEquals(end - third, DarwinAbi.Dirent.recordLength(b, third));
        assertTrue(end - third <= DarwinAbi.DIRENT_SIZE);
    }

    @Test
    void onlyDotAndDotDotAreSelfAndParent() {
        ByteBuffer b = buffer(8 * 64);
        int at = 0;
        int[] starts = new int[6];
        String[] names = {".", "..", "...", ".hidden", "..x", "x"};
        for (int i = 0; i < names.length; i++) {
            starts[i] = at;
            at = putDirent(b, at, i, 8, names[i].getBytes(StandardCharsets.US_ASCII));
        }
        assertTrue(DarwinAbi.Dirent.isSelfOrParent(b, starts[0]));
        assertTrue(DarwinAbi.Dirent.isSelfOrParent(b, starts[1]));
        for (int i = 2; i < names.length; i++) {
            assertFalse(DarwinAbi.Dirent.isSelfOrParent(b, starts[i]), names[i]);
        }
    }

    @Test
    void theFilesystemTypeNameStopsAtItsNulOrItsSixteenBytes() {
        ByteBuffer b = buffer(DarwinAbi.STATFS_SIZE);
        b.put(DarwinAbi.F_FSTYPENAME, "smbfs\0".getBytes(StandardCharsets.US_ASCII));
        assertEquals("smbfs", DarwinAbi.filesystemType(b));
        b.put(DarwinAbi.F_FSTYPENAME, "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII));
        b.put(DarwinAbi.F_FSTYPENAME + 16, "/Volumes".getBytes(StandardCharsets.US_ASCII)); // f_mntonname follows
        assertEquals("abcdefghijklmnop", DarwinAbi.filesystemType(b));
    }
}
