package dev.fsnap.bindings;

import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Windows layouts, parsed from {@code WIN32_FIND_DATAW} records built field by field as
 * {@code minwinbase.h} lays them out; FILETIME conversion, modes, names and error codes.
 */
class WindowsAbiTest {
    /** 2023-11-14T22:13:20.1234567Z as a FILETIME. */
    private static final long FILETIME_2023 = WindowsAbi.FILETIME_UNIX_EPOCH + 1_700_000_000L * 10_000_000L + 1_234_567L;

    static ByteBuffer findData(int attributes, long creation, long access, long write, long size, int reserved0,
                               char[] name) {
        ByteBuffer b = ByteBuffer.allocate(WindowsAbi.FIND_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(b.array(), (byte) 0x5A);
        b.putInt(0, attributes);                        // DWORD dwFileAttributes
        b.putInt(4, (int) creation);                    // FILETIME ftCreationTime {low, high}
        b.putInt(8, (int) (creation >>> 32));
        b.putInt(12, (int) access);                     // ftLastAccessTime
        b.putInt(16, (int) (access >>> 32));
        b.putInt(20, (int) write);                      // ftLastWriteTime
        b.putInt(24, (int) (write >>> 32));
        b.putInt(28, (int) (size >>> 32));              // nFileSizeHigh
        b.putInt(32, (int) size);                       // nFileSizeLow
        b.putInt(36, reserved0);                        // dwReserved0: the reparse tag
        b.putInt(40, 0);                                // dwReserved1
        for (int i = 0; i < name.length; i++) {
            b.putChar(44 + 2 * i, name[i]);             // WCHAR cFileName[MAX_PATH]
        }
        b.putChar(44 + 2 * name.length, '\0');
        b.putChar(564, '\0');                           // WCHAR cAlternateFileName[14]
        return b;
    }

    @Test
    void everyFieldOfAFindRecordIsReadAtItsOffset() {
        ByteBuffer b = findData(0x20 /* ARCHIVE */, 1, 2, FILETIME_2023, 0x1_2345_6789L, 0x1234, "a.txt".toCharArray());
        assertEquals(0x20, WindowsAbi.FindData.attributes(b, 0));
        assertEquals(0x1_2345_6789L, WindowsAbi.FindData.size(b, 0), "a size above 4 GiB joins both halves");
        assertEquals(FILETIME_2023, WindowsAbi.FindData.lastWriteTime(b, 0));
        assertEquals(1, WindowsAbi.FindData.creationTime(b, 0));
        assertEquals(0, WindowsAbi.FindData.reparseTag(b, 0), "dwReserved0 means nothing without the reparse attribute");
        assertArrayEquals("a.txt".getBytes(StandardCharsets.UTF_8), WindowsAbi.FindData.name(b, 0));
        assertEquals(1_700_000_000L, WindowsAbi.unixSeconds(FILETIME_2023));
        assertEquals(123_456_700, WindowsAbi.unixNanos(FILETIME_2023));
        assertEquals(Instant.parse("2023-11-14T22:13:20.1234567Z"),
                Instant.ofEpochSecond(WindowsAbi.unixSeconds(FILETIME_2023), WindowsAbi.unixNanos(FILETIME_2023)));
    }

    @Test
    void recordsFollowEachOtherAndLowHalvesReadUnsigned() {
        ByteBuffer two = ByteBuffer.allocate(2 * WindowsAbi.FIND_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        two.put(findData(0x10, 0, 0, 0, 0, 0, "dir".toCharArray()));
        two.put(findData(0x80, 0, 0, 0xFFFF_FFFFL, 0xFFFF_FFFFL, 0, "big".toCharArray()));
        int second = WindowsAbi.FIND_DATA_SIZE;
        assertArrayEquals("dir".getBytes(StandardCharsets.US_ASCII), WindowsAbi.FindData.name(two, 0));
        assertArrayEquals("big".getBytes(StandardCharsets.US_ASCII), WindowsAbi.FindData.name(two, second));
        assertEquals(0xFFFF_FFFFL, WindowsAbi.FindData.size(two, second), "a low half with its top bit set");
        assertEquals(0xFFFF_FFFFL, WindowsAbi.FindData.lastWriteTime(two, second));
    }

    @Test
    void onlyDotAndDotDotAreSelfAndParent() {
        for (String name : new String[] {".", ".."}) {
            assertTrue(WindowsAbi.FindData.isSelfOrParent(findData(0x10, 0, 0, 0, 0, 0, name.toCharArray()), 0), name);
        }
        for (String name : new String[] {"...", ".hidden", "..x", "x"}) {
            assertFalse(WindowsAbi.FindData.isSelfOrParent(findData(0x10, 0, 0, 0, 0, 0, name.toCharArray()), 0),
                    name);
        }
    }

    @Test
    void fileTimesBefore1970AndAtTheEpochsConvertExactly() {
        assertEquals(0, WindowsAbi.unixSeconds(WindowsAbi.FILETIME_UNIX_EPOCH));
        assertEquals(0, WindowsAbi.unixNanos(WindowsAbi.FILETIME_UNIX_EPOCH));
        // 100 ns before 1970: the second before, and 999,999,900 ns into it
        assertEquals(-1, WindowsAbi.unixSeconds(WindowsAbi.FILETIME_UNIX_EPOCH - 1));
        assertEquals(999_999_900, WindowsAbi.unixNanos(WindowsAbi.FILETIME_UNIX_EPOCH - 1));
        // FILETIME 0 is 1601-01-01
        assertEquals(Instant.parse("1601-01-01T00:00:00Z"),
                Instant.ofEpochSecond(WindowsAbi.unixSeconds(0), WindowsAbi.unixNanos(0)));
        // the largest FILETIME Windows accepts (0x7FFFFFFFFFFFFFFF): year 30828
        Instant last = Instant.ofEpochSecond(WindowsAbi.unixSeconds(Long.MAX_VALUE), WindowsAbi.unixNanos(Long.MAX_VALUE));
        assertEquals(Instant.parse("+30828-09-14T02:48:05.477580700Z"), last);
    }

    @Test
    void namesAtTheLongestAndOutsideTheBasicPlaneBecomeUtf8() {
        char[] longest = new char[WindowsAbi.MAX_PATH - 1];
        Arrays.fill(longest, 'x');
        ByteBuffer b = findData(0x20, 0, 0, 0, 0, 0, longest);
        assertEquals(259, WindowsAbi.FindData.nameUnits(b, 0));
        assertEquals(259, WindowsAbi.FindData.name(b, 0).length);
        String emoji = "\uD83D\uDE00 caf\u00e9 \u6f22\u5b57";
        byte[] name = WindowsAbi.FindData.name(findData(0x20, 0, 0, 0, 0, 0, emoji.toCharArray()), 0);
        assertArrayEquals(emoji.getBytes(StandardCharsets.UTF_8), name, "a surrogate pair is one 4-byte character");
    }

    @Test
    void anUnpairedSurrogateSurvivesTheRoundTripToWindowsAndBack() {
        char[] units = {'a', '\uD800', 'b', '\uDC00'};
        byte[] wtf8 = WindowsAbi.FindData.name(findData(0x20, 0, 0, 0, 0, 0, units), 0);
        assertArrayEquals(new byte[] {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b', (byte) 0xED, (byte) 0xB0,
            (byte) 0x80}, wtf8);
        assertArrayEquals(units, Wtf8.decode(wtf8, 0, wtf8.length));
        String all = "x\uD83D\uDE00y";
        byte[] utf8 = all.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(all.toCharArray(), Wtf8.decode(utf8, 0, utf8.length));
        assertThrows(IllegalArgumentException.class, () -> Wtf8.decode(new byte[] {(byte) 0xFF}, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Wtf8.decode(new byte[] {(byte) 0xE0, (byte) 0x80}, 0, 2),
                "a sequence cut short");
        assertThrows(IllegalArgumentException.class,
                () -> Wtf8.decode(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, 0, 3), "overlong");
    }

    @Test
    void linksAndJunctionsAreLinksOtherReparsePointsAreWhatTheyHold() {
        int reparseDir = WindowsAbi.FILE_ATTRIBUTE_REPARSE_POINT | WindowsAbi.FILE_ATTRIBUTE_DIRECTORY;
        ByteBuffer symlink = findData(reparseDir, 0, 0, 0, 0, WindowsAbi.IO_REPARSE_TAG_SYMLINK, "l".toCharArray());
        int tag = WindowsAbi.FindData.reparseTag(symlink, 0);
        assertEquals(WindowsAbi.IO_REPARSE_TAG_SYMLINK, tag);
        assertTrue(WindowsAbi.isLink(reparseDir, tag));
        assertEquals(0120666, WindowsAbi.mode(reparseDir, tag));
        assertTrue(WindowsAbi.isLink(reparseDir, WindowsAbi.IO_REPARSE_TAG_MOUNT_POINT), "a junction");
        int cloudFile = 0x9000001A; // IO_REPARSE_TAG_CLOUD_6 (OneDrive)
        assertFalse(WindowsAbi.isLink(WindowsAbi.FILE_ATTRIBUTE_REPARSE_POINT, cloudFile));
        assertEquals(0100666, WindowsAbi.mode(WindowsAbi.FILE_ATTRIBUTE_REPARSE_POINT, cloudFile));
        assertEquals(040777, WindowsAbi.mode(WindowsAbi.FILE_ATTRIBUTE_DIRECTORY, 0));
        assertEquals(040555, WindowsAbi.mode(WindowsAbi.FILE_ATTRIBUTE_DIRECTORY | WindowsAbi.FILE_ATTRIBUTE_READONLY,
                0));
        assertEquals(0100444, WindowsAbi.mode(WindowsAbi.FILE_ATTRIBUTE_READONLY, 0));
        // The file flags a listing gives: compression and encryption, as the same bits as Linux's statx.
        assertEquals(0, WindowsAbi.flags(WindowsAbi.FILE_ATTRIBUTE_READONLY | WindowsAbi.FILE_ATTRIBUTE_DIRECTORY));
        assertEquals(StatFields.FLAG_COMPRESSED, WindowsAbi.flags(WindowsAbi.FILE_ATTRIBUTE_COMPRESSED));
        assertEquals(StatFields.FLAG_COMPRESSED | StatFields.FLAG_ENCRYPTED,
                WindowsAbi.flags(WindowsAbi.FILE_ATTRIBUTE_COMPRESSED | WindowsAbi.FILE_ATTRIBUTE_ENCRYPTED | 0x2 | 0x4));
        assertEquals(0100666, WindowsAbi.mode(0x80 /* NORMAL */, 0));
    }

    @Test
    void win32ErrorsMapToTheErrnoUnixWouldReport() {
        assertEquals(Errno.ENOENT, WindowsAbi.errno(2));
        assertEquals(Errno.ENOENT, WindowsAbi.errno(3));
        assertEquals(Errno.EACCES, WindowsAbi.errno(5));
        assertEquals(Errno.EACCES, WindowsAbi.errno(32));
        assertEquals(Errno.ENOTDIR, WindowsAbi.errno(267));
        assertEquals(Errno.ENAMETOOLONG, WindowsAbi.errno(206));
        assertEquals(Errno.ETIMEDOUT, WindowsAbi.errno(121));
        assertEquals(Errno.ELOOP, WindowsAbi.errno(1921));
        assertEquals(Errno.EIO, WindowsAbi.errno(64), "ERROR_NETNAME_DELETED: the share went away");
        assertEquals(Errno.EIO, WindowsAbi.errno(999_999));
    }
}
