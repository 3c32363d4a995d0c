package dev.fsnap.bindings;

import com.kenai.jffi.MemoryIO;
import jnr.constants.platform.Errno;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block of native memory that one owner allocates once, reuses, and frees once.
 * Freeing twice is harmless; using it after it was freed is the owner's bug.
 */
final class NativeBuffer implements AutoCloseable {
    static final MemoryIO IO = MemoryIO.getInstance();

    final long address;
    final int capacity;
    private final AtomicBoolean freed = new AtomicBoolean();

    NativeBuffer(int capacity) {
        this.capacity = capacity;
        this.address = IO.allocateMemory(capacity, true);
        if (address == 0L) {
            throw new OutOfMemoryError("cannot allocate " + capacity + " bytes of native memory");
        }
    }

    /**
     * Puts bytes here as a NUL-terminated C string: a path or a name for a system call.
     *
     * @param bytes the source
     * @param offset where the string starts in {@code bytes}
     * @param length its length
     * @param max the longest string the call takes
     * @return null when put; {@code ENAMETOOLONG} when longer than {@code max}; {@code EINVAL} when
     *         it holds a NUL byte (no system call could be given that name)
     */
    Errno putString(byte[] bytes, int offset, int length, int max) {
        if (length > max || length >= capacity) {
            return Errno.ENAMETOOLONG;
        }
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == 0) {
                return Errno.EINVAL;
            }
        }
        IO.putByteArray(address, bytes, offset, length);
        IO.putByte(address + length, (byte) 0);
        return null;
    }

    @Override
    public void close() {
        if (freed.compareAndSet(false, true)) {
            IO.freeMemory(address);
        }
    }
}
