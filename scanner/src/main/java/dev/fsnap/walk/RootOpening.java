package dev.fsnap.walk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Opens a scan's root on a thread of its own, so that a dead server costs the deadline, not
 * forever. If the call comes back after the deadline, that thread releases what it opened.
 */
final class RootOpening {
    private RootOpening() {
    }

    /**
     * @param access the backend, which reads the root's own entry into the batch
     * @param rootBatch receives the root's entry
     * @param root the root, for messages
     * @param timeoutNanos the deadline
     * @param timeoutText the deadline as the messages say it
     * @throws IOException naming the root: missing, refused, or no answer within the deadline
     */
    static void open(FileSystemAccess access, EntryBatch rootBatch, Path root, long timeoutNanos, String timeoutText)
            throws IOException {
        Object[] outcome = new Object[1];
        AtomicBoolean abandoned = new AtomicBoolean();
        Thread opener = new Thread(() -> {
            Object result;
            try {
                access.openRoot(rootBatch);
                result = Boolean.TRUE;
            } catch (IOException | RuntimeException e) {
                result = e;
            }
            synchronized (outcome) {
                outcome[0] = result;
                if (abandoned.get()) {
                    access.close();
                }
            }
        }, "fsnap-open-root");
        opener.setDaemon(true);
        opener.start();
        try {
            opener.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned.set(true);
            throw new InterruptedIOException("interrupted while opening " + root);
        }
        synchronized (outcome) {
            if (outcome[0] == null) {
                abandoned.set(true);
                throw new FileSystemException(root.toString(), null,
                        "no answer in " + timeoutText + " (the filesystem may be dead)");
            }
        }
        if (outcome[0] instanceof IOException e) {
            access.close();
            throw e;
        }
        if (outcome[0] instanceof RuntimeException e) {
            access.close();
            throw e;
        }
    }
}
