package dev.fsnap.snapshot;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets threads in to use native resources until it is closed, and releases them once, when it is
 * closed and the last thread inside has left: never while a thread (a scan worker, or one stuck in
 * the kernel on a dead filesystem) may still touch them. A thread that never leaves keeps them
 * allocated, on purpose.
 */
final class Gate {
    private static final int CLOSED = 1 << 30;
    private final AtomicInteger state = new AtomicInteger();
    private final Runnable release;

    Gate(Runnable release) {
        this.release = release;
    }

    /** @return true when let in (then {@link #leave()} must follow); false once closed */
    boolean enter() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    void leave() {
        if (state.decrementAndGet() == CLOSED) {
            release.run();
        }
    }

    /** Lets no one in any more; releases now if no one is inside, else when the last one leaves. */
    void close() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                if (s == 0) {
                    release.run();
                }
                return;
            }
        }
    }
}
