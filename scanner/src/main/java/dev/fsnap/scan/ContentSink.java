package dev.fsnap.scan;

import java.io.IOException;

/**
 * Receives the bytes of the regular files a scan with a digest reads, in the same pass that digests
 * them: an incremental backup reads each new or changed file once, its bytes going to the store and
 * its digest into the snapshot ({@link ScanOptions.Builder#contentSink}). The reads are the digest's
 * own ({@code O_NOATIME}, no link followed, the page cache left as found, the per-call deadline and
 * the watchdog, the stat before and after that tells a file that changed while it was read).
 *
 * <p><b>Which files.</b> Those whose content the scan records as read tonight: the files a backup's
 * {@code ReadPlan} between the baseline and tonight's snapshot lists, and those of its
 * {@code sameContent()} (their metadata changed, and the scan cannot know their bytes did not
 * before it reads them). That is a file the baseline ({@link Scanner#against}) does not have
 * (every file, without one), a file whose size, times or inode changed, one that changed between
 * its stat and its read, and one whose baseline was read inside its own scan's racy window (its
 * content may have changed unseen under the same metadata: with a sink such a file is read again,
 * where a scan without one takes its digest over). A file
 * whose digest is taken over from the baseline unread is not given: the store has it. Nor is an
 * unchanged file the verification schedule reads again ({@link ScanOptions.Builder#verifyBudget}),
 * or a corrupt one read again each night: its content is what the store holds, or, when it differs,
 * rot that must not replace the good copy ({@code Change.Corrupt}).
 *
 * <p><b>Calls.</b> For each file: {@link #open}, then, unless it returned null, {@link FileContent#write}
 * with the whole content in order, in pieces of at most 1 MiB, then exactly one of
 * {@link FileContent#commit} (the whole file, unchanged while read, with its digest) or
 * {@link FileContent#abort}. A file that changed while it was read is aborted and read once more:
 * opened again. {@code open} is called on the scan's worker threads, for many files at once; one
 * file's calls come from the thread that opened it, one after the other.
 *
 * <p><b>Failures.</b> An exception {@code open}, {@code write} or {@code commit} throws (an
 * {@link IOException}, or an unchecked one) ends that file's read: it is aborted (unless {@code open}
 * threw), and recorded as unreadable ({@link Operation#READ}, code {@link #ERROR_CODE}, the
 * exception's message) to the scan's listener, in its summary's errors, and in the snapshot, with no
 * digest. So no snapshot claims content the sink did not take (a store that is full leaves every file
 * it refused unreadable, not backed up), and the next scan against that snapshot reads the file
 * again. The scan goes on with the other files; to stop it at the first failure instead, cancel it
 * ({@link Scan#cancel()}): a cancelled snapshot scan is not committed.
 *
 * <p><b>Time.</b> A write counts toward the scan's deadline of one call, as each piece's read does
 * ({@link ScanOptions.Builder#opTimeout}): a write that takes longer is given up on as a read that
 * hung (the file recorded as timed out, its filesystem suspected). A sink that may stall (a remote
 * store) should hand pieces to a queue of its own, or the scan should have a longer deadline. When
 * the scan gives up on a read that hung, the file is aborted once that call returns; if it never
 * returns, the file is neither committed nor aborted (what was written of it is the sink's to clean
 * up). Rarely, after a call that hung, the files stat'ed before it in the same directory are read
 * again by another worker: a file may then be committed twice, and the snapshot records the last.
 *
 * <p><b>Cost.</b> Each piece is copied out of the reader's native buffer into an array the worker
 * keeps (1 MiB per worker thread, reused for all its files): one more pass over the bytes, at memory
 * speed. A scan without a sink copies nothing.
 */
public interface ContentSink {
    /** The code of the error recorded for a file whose content the sink failed to take ({@link ScanError#code()}). */
    String ERROR_CODE = "ESINK";

    /**
     * A file whose content is about to be read.
     *
     * @param path the file's path relative to the scan's root, raw bytes (as {@link Entry#path()})
     * @param size its size as stat'ed (the bytes written may differ when it changes while read: it is
     *             then aborted)
     * @return where its bytes go, or null not to receive this one (its digest is read all the same)
     * @throws IOException when it cannot be received: the file is recorded as unreadable
     */
    FileContent open(byte[] path, long size) throws IOException;

    /** One read of one file's content, used by one thread. */
    interface FileContent {
        /**
         * The next bytes of the file, in order.
         *
         * @param bytes holds them; the array is reused once this returns: copy what is kept
         * @param offset where they start
         * @param length how many
         * @throws IOException when they cannot be taken: the read ends, the file is aborted and recorded
         *                     as unreadable
         */
        void write(byte[] bytes, int offset, int length) throws IOException;

        /**
         * The whole file was written, and did not change while it was read.
         *
         * @param digest its digest, as the snapshot records it ({@link Content#digest()}), of the
         *               scan's algorithm ({@link ScanOptions#digest()}); the sink's own copy
         * @throws IOException when it cannot be kept: the file is aborted and recorded as unreadable,
         *                     with no digest
         */
        void commit(byte[] digest) throws IOException;

        /**
         * Discards what was written: the read failed, was given up on, the file changed while it was
         * read (it may be opened again, for a second read), or the sink failed. Must not throw; what
         * it throws is ignored.
         */
        void abort();
    }
}
