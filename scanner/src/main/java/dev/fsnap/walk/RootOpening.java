package dev.fsnap.walk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * Opens a scan's root on a thread of its own, so that a dead server costs the deadline, not
 * forever. If the call comes back after the caller gave up (the deadline, or an interrupt), that
 * thread releases what it opened.
 *
 * <p>Who closes the access is decided once, under this object's lock: the opener's result either
 * arrives before the caller gives up, and the caller owns it, or after, and the opener closes the
 * access itself. There is no moment at which both or neither could.
 */
final class RootOpening {
    private final FileSystemAccess access;
    /** The opener's result: {@link #OPENED}, or the exception it threw; null until it returns. */
    private Object outcome; // guarded by this
    /** The caller stopped waiting: a result that arrives now is the opener's to release. */
    private boolean abandoned; // guarded by this

    private static final Object OPENED = new Object();

    private RootOpening(FileSystemAccess access) {
        this.access = access;
    }

    /**
     * @param access the backend, which reads the root's own entry into the batch
     * @param rootBatch receives the root's entry
     * @param root the root, for messages
     * @param timeoutNanos the deadline
     * @param timeoutText the deadline as the messages say it
     * @throws IOException naming the root: missing, refused, or no answer within the deadline; when
     *         thrown, the access is closed, now or when the call comes back
     * @throws InterruptedIOException when the calling thread is interrupted (its interrupt kept),
     *         whether or not the root answered meanwhile
     */
    static void open(FileSystemAccess access, EntryBatch rootBatch, Path root, long timeoutNanos, String timeoutText)
            throws IOException {
        RootOpening o = new RootOpening(access);
        Thread opener = new Thread(() -> {
            Object result;
            try {
                access.openRoot(rootBatch);
                result = OPENED;
            } catch (IOException | RuntimeException e) {
                result = e;
            }
            o.arrive(result);
        }, "fsnap-open-root");
        opener.setDaemon(true);
        opener.start();
        Object result = o.await(timeoutNanos);
        boolean interrupted = Thread.currentThread().isInterrupted();
        if (result == OPENED && !interrupted) {
            return;
        }
        if (result != null) {
            access.close(); // the caller's to close: opened, or failed, but not to be used
        }
        if (interrupted) {
            throw new InterruptedIOException("interrupted while opening " + root);
        }
        if (result == null) {
            throw new FileSystemException(root.toString(), null,
                    "no answer in " + timeoutText + " (the filesystem may be dead)");
        }
        if (result instanceof IOException e) {
            throw e;
        }
        throw (RuntimeException) result;
    }

    /** The opener's result; closes the access when the caller has already given up. */
    private synchronized void arrive(Object result) {
        outcome = result;
        if (abandoned) {
            access.close();
        } else {
            notifyAll();
        }
    }

    /**
     * Waits for the opener's result until the deadline or an interrupt.
     *
     * @return the result, which the caller then owns; null when it gave up (the interrupt kept), and
     *         the opener releases the access
     */
    private synchronized Object await(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        long left = timeoutNanos;
        while (outcome == null && left > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = deadline - System.nanoTime();
        }
        if (outcome == null) {
            abandoned = true;
        }
        return outcome;
    }
}
