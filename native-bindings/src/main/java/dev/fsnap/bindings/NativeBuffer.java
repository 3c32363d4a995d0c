package dev.fsnap.bindings;

import com.kenai.jffi.MemoryIO;

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

    @Override
    public void close() {
        if (freed.compareAndSet(false, true)) {
            IO.freeMemory(address);
        }
    }
}
