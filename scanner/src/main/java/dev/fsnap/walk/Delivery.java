package dev.fsnap.walk;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.bindings.StatFields;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a scan tells: entries and errors to the listener, one call at a time, whole directories to
 * a {@link DirectoryVisitor}, and the counts a summary and the progress read. The first exception a
 * listener throws ends the scan, and {@link ScanRun#await()} rethrows it as it was thrown.
 */
final class Delivery {
    private final ScanListener listener;
    /** The listener when it wants entries too; null when entries are only counted. */
    private final EntryVisitor visitor;
    /** The listener when it wants whole directories in post-order; null otherwise. */
    private final DirectoryVisitor directoryVisitor;
    private final Runnable cancel;
    private final Object listenerLock = new Object();
    private final AtomicReference<RuntimeException> listenerFailure = new AtomicReference<>();
    final LongAdder entries = new LongAdder();
    final LongAdder directories = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder bytes = new LongAdder();

    /**
     * @param listener hears of errors, and of entries when an {@link EntryVisitor}; null to count only
     * @param cancel cancels the scan, when a listener failed
     */
    Delivery(ScanListener listener, Runnable cancel) {
        this.listener = listener;
        this.visitor = listener instanceof EntryVisitor v ? v : null;
        this.directoryVisitor = listener instanceof DirectoryVisitor v ? v : null;
        this.cancel = cancel;
    }

    /** @return the exception a listener threw first, or null */
    RuntimeException listenerFailure() {
        return listenerFailure.get();
    }

    /** The root's own entry: to a directory visitor first, then as any batch. */
    void root(EntryBatch rootBatch) {
        if (directoryVisitor != null) {
            try {
                directoryVisitor.root(rootBatch.entry(0));
            } catch (RuntimeException e) {
                throw listenerFailed(e);
            }
        }
        batch(rootBatch);
    }

    void error(ScanError error) {
        errors.increment();
        if (listener != null) {
            synchronized (listenerLock) {
                try {
                    listener.error(error);
                } catch (RuntimeException e) {
                    throw listenerFailed(e);
                }
            }
        }
    }

    boolean listsDirectories() {
        return directoryVisitor != null;
    }

    Object directory(DirectoryListing listing) {
        listing.sort();
        try {
            return directoryVisitor.directory(listing);
        } catch (RuntimeException e) {
            listenerFailed(e);
            return null;
        }
    }

    private RuntimeException listenerFailed(RuntimeException e) {
        listenerFailure.compareAndSet(null, e);
        cancel.run();
        return e;
    }

    /** Counts a stat'ed batch, and hands its entries and errors to the listener. */
    void batch(EntryBatch b) {
        long dirs = 0;
        long size = 0;
        for (int i = 0; i < b.count; i++) {
            EntryType t = b.type[i];
            if (t == EntryType.DIRECTORY) {
                dirs++;
            } else if (t == EntryType.FILE) {
                size += b.get(i, StatFields.SIZE);
            }
        }
        if (b.count != 0) { // most directories' last batch is empty: no contended add for nothing
            entries.add(b.count);
            directories.add(dirs);
            bytes.add(size);
        }
        if (!b.errors.isEmpty()) {
            errors.add(b.errors.size());
        }
        if (listener == null || (visitor == null && b.errors.isEmpty())) {
            return;
        }
        synchronized (listenerLock) {
            try {
                if (visitor != null) {
                    for (int i = 0; i < b.count; i++) {
                        visitor.visit(b.entry(i));
                    }
                }
                for (ScanError e : b.errors) {
                    listener.error(e);
                }
            } catch (RuntimeException e) {
                throw listenerFailed(e);
            }
        }
    }
}
