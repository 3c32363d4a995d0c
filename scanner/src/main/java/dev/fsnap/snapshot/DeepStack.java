package dev.fsnap.snapshot;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;

/**
 * Runs a walk that takes one stack frame per level of a tree (a merge's copy, an approval's
 * graft) on a thread of its own whose stack holds a tree of any depth, and hands back its result
 * or its failure as the caller's.
 */
final class DeepStack {
    /** The walking thread's stack: enough for a few hundred thousand levels. */
    private static final long STACK = 1L << 30;

    private DeepStack() {
    }

    /** A walk that may fail with an I/O error. */
    interface Walk<T> {
        T run() throws IOException;
    }

    /**
     * @param name the thread's name
     * @param walk what to run
     * @return what it returned
     * @throws IOException what it threw, or when the caller is interrupted while it runs
     */
    static <T> T run(String name, Walk<T> walk) throws IOException {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = walk.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, name, STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + " was interrupted");
        }
        if (failure[0] instanceof IOException e) {
            throw e;
        }
        if (failure[0] instanceof UncheckedIOException e) {
            throw e.getCause();
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T r = (T) result[0];
        return r;
    }
}
