package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One worker's directory reader on Windows: lists a directory with {@code FindFirstFileExW}
 * ({@code FindExInfoBasic}, {@code FIND_FIRST_EX_LARGE_FETCH}) and {@code FindNextFileW}, copying
 * each {@code WIN32_FIND_DATAW} into a heap buffer. The listing is the metadata: there is no call
 * per entry. Not thread-safe.
 *
 * <p>A failed call returns {@link #FAILED} or {@code false} and leaves the Win32 code in
 * {@link #lastWin32Error()} and its errno in {@link #lastError()}.
 */
public final class WindowsDirectoryReader extends RecordBuffer implements AutoCloseable {
    /** What {@link #findFirst} returns for a directory with no entries at all (a volume's empty root). */
    public static final long EMPTY = 0L;
    /** What {@link #findFirst} returns on failure. */
    public static final long FAILED = WindowsAbi.INVALID_HANDLE_VALUE;

    private final ByteBuffer records;
    private final NativeBuffer data;
    private final NativeBuffer path;
    private int lastWin32Error;

    /**
     * A reader whose chunks of records hold up to {@code bufferSize} bytes.
     *
     * @param bufferSize bytes per chunk, at least {@link LinuxDirectoryReader#MIN_BUFFER_SIZE}
     * @throws UnsupportedOperationException when the calls are unavailable (any system but Windows)
     */
    public WindowsDirectoryReader(int bufferSize) {
        super(bufferSize, WindowsAbi.FIND_DATA_SIZE);
        Kernel32.library().ensureAvailable();
        this.records = ByteBuffer.wrap(mirror).order(ByteOrder.LITTLE_ENDIAN);
        this.data = new NativeBuffer(WindowsAbi.FIND_DATA_SIZE);
        this.path = new NativeBuffer((WindowsPaths.MAX_LONG_PATH + 1) * 2);
    }

    /**
     * @return the Win32 code of the last failed call
     */
    public int lastWin32Error() {
        return lastWin32Error;
    }

    /**
     * @return the errno the last failed call's code means
     */
    public Errno lastError() {
        return WindowsAbi.errno(lastWin32Error);
    }

    private boolean putPath(char[] units) {
        if (units.length > WindowsPaths.MAX_LONG_PATH + 1) {
            lastWin32Error = 206; // ERROR_FILENAME_EXCED_RANGE
            return false;
        }
        for (int i = 0; i < units.length; i++) {
            IO.putShort(path.address + 2L * i, (short) units[i]);
        }
        return true;
    }

    /**
     * Starts listing: the first record is held until {@link #read} takes it.
     *
     * @param pattern from {@link WindowsPaths#below} with {@code listing} set
     * @return the search handle; {@link #EMPTY} when there is nothing to list; {@link #FAILED}
     */
    public long findFirst(char[] pattern) {
        if (!putPath(pattern)) {
            return FAILED;
        }
        long handle = Kernel32.findFirstFileEx(path.address, data.address);
        if (handle == WindowsAbi.INVALID_HANDLE_VALUE) {
            lastWin32Error = Kernel32.lastError();
            return lastWin32Error == WindowsAbi.ERROR_FILE_NOT_FOUND ? EMPTY : FAILED;
        }
        return handle;
    }

    /**
     * Reads records into this reader's buffer until it is full or the listing ends.
     *
     * @param handle from {@link #findFirst}
     * @param takeFirst true on the first read of a handle: the record {@link #findFirst} holds comes first
     * @return bytes of records ({@link WindowsAbi#FIND_DATA_SIZE} each), 0 at the end, -1 on error
     */
    public int read(long handle, boolean takeFirst) {
        int n = 0;
        if (takeFirst) {
            IO.getByteArray(data.address, mirror, 0, WindowsAbi.FIND_DATA_SIZE);
            n = WindowsAbi.FIND_DATA_SIZE;
        }
        while (n + WindowsAbi.FIND_DATA_SIZE <= mirror.length) {
            if (!Kernel32.findNextFile(handle, data.address)) {
                lastWin32Error = Kernel32.lastError();
                if (lastWin32Error == WindowsAbi.ERROR_NO_MORE_FILES) {
                    break;
                }
                return -1; // the whole batch fails, and the listing is reported incomplete
            }
            IO.getByteArray(data.address, mirror, n, WindowsAbi.FIND_DATA_SIZE);
            n += WindowsAbi.FIND_DATA_SIZE;
        }
        return n;
    }

    /**
     * @param handle a search handle; {@link #EMPTY} and {@link #FAILED} are ignored
     */
    public void findClose(long handle) {
        if (handle != EMPTY && handle != FAILED) {
            Kernel32.findClose(handle);
        }
    }

    /**
     * @param position a record's offset
     * @return the next record's offset
     */
    public int next(int position) {
        return position + WindowsAbi.FIND_DATA_SIZE;
    }

    /**
     * @param position a record's offset
     * @return whether it names {@code .} or {@code ..}
     */
    public boolean isSelfOrParent(int position) {
        return WindowsAbi.FindData.isSelfOrParent(records, position);
    }

    /**
     * @param position a record's offset
     * @return its name as WTF-8 bytes
     */
    public byte[] name(int position) {
        return WindowsAbi.FindData.name(records, position);
    }

    /**
     * @param position a record's offset
     * @return {@code dwFileAttributes}
     */
    public int attributes(int position) {
        return WindowsAbi.FindData.attributes(records, position);
    }

    /**
     * @param position a record's offset
     * @return the reparse tag, 0 unless a reparse point
     */
    public int reparseTag(int position) {
        return WindowsAbi.FindData.reparseTag(records, position);
    }

    /**
     * @param position a record's offset
     * @return the size
     */
    public long size(int position) {
        return WindowsAbi.FindData.size(records, position);
    }

    /**
     * @param position a record's offset
     * @return {@code ftLastWriteTime}
     */
    public long lastWriteTime(int position) {
        return WindowsAbi.FindData.lastWriteTime(records, position);
    }

    /**
     * Reads one path's attributes, sizes and times ({@code GetFileAttributesExW}) into the record
     * at offset 0, which has no name and no reparse tag.
     *
     * @param longPath a path from {@link WindowsPaths}
     * @return true when read
     */
    public boolean attributesOf(char[] longPath) {
        if (!putPath(longPath)) {
            return false;
        }
        IO.setMemory(data.address, WindowsAbi.FIND_DATA_SIZE, (byte) 0);
        if (!Kernel32.getFileAttributesEx(path.address, data.address)) {
            lastWin32Error = Kernel32.lastError();
            return false;
        }
        IO.getByteArray(data.address, mirror, 0, WindowsAbi.FIND_DATA_SIZE);
        return true;
    }

    /**
     * Whether a volume is a network drive.
     *
     * @param volumeRoot the volume's root, {@code C:\} for example, NUL-terminated
     * @return true for {@code DRIVE_REMOTE}
     */
    public boolean isRemoteDrive(char[] volumeRoot) {
        return putPath(volumeRoot) && Kernel32.getDriveType(path.address) == WindowsAbi.DRIVE_REMOTE;
    }

    /** Frees the buffers. Harmless to call twice. */
    @Override
    public void close() {
        data.close();
        path.close();
    }
}
