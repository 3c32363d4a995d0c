package dev.fsnap.walk;

import dev.fsnap.row.RowSchema;
import dev.fsnap.row.ContentValue;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.ContentSink;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps each regular file's content digest, trusting the stat: a file whose size, times and inode
 * equal its baseline's takes over the baseline's digest unread, unless the schedule picks it or
 * its baseline is corrupt; any other file is read. A read that gives another digest than the
 * baseline while the metadata did not change makes the file corrupt: the baseline is kept and the
 * digest read is recorded beside it, so the file is read again and reported until someone acts. A
 * baseline whose timestamps were racy proves nothing: its file is merely changed. A budget in time
 * ends the schedule's reading of unchanged files when it is up (unless they are overdue): those
 * keep their baseline, verified as long ago as before, and so come first the next time.
 *
 * <p>With a {@link ContentSink}, the bytes of each read whose digest is recorded as the file's new
 * one go to the sink in the same pass: a file without a baseline, or whose metadata changed, or
 * whose baseline was racy (with a sink such a file is read, never taken over: its content may have
 * changed unseen), or that changed between its stat and its read. A file taken over unread is not
 * given; nor is an unchanged one read again by the schedule (or because its baseline is corrupt),
 * whose content the store has, or is rot that must not replace it.
 */
final class DigestStep implements EntryStep {
    private static final int CONTENT = RowSchema.bytesIndex(Field.CONTENT);

    private final ContentBaseline baseline;
    /** What a read in this scan is recorded as verified at: the scan's start, in milliseconds. */
    private final long verifiedMillis;
    private final ThreadLocal<ContentBaseline.Found> found = ThreadLocal.withInitial(ContentBaseline.Found::new);
    /** When the schedule stops reading unchanged files again ({@link System#nanoTime()}), if it does. */
    private final long stopNanos;
    private final boolean timeBudget;
    /** Receives the bytes of the files read as new or changed; null when none does (the scan copies nothing). */
    private final ContentSink sink;
    /** Bytes of content read, piece by piece. */
    final LongAdder read = new LongAdder();
    /** Bytes of unchanged files the schedule read again. */
    final LongAdder reverified = new LongAdder();
    /** Unchanged files the schedule picked and the time budget left unread. */
    final LongAdder deferred = new LongAdder();

    /** @return the root directory's baseline, or null when there is none */
    ContentBaseline.Directory root() {
        return baseline.root();
    }

    /**
     * @param baseline the last snapshot's digests
     * @param verifiedMillis what a read is recorded as verified at: the scan's start
     * @param verifyTime how long the schedule may read unchanged files again, or null for no limit
     * @param sink receives the bytes of the files read as new or changed, or null
     */
    DigestStep(ContentBaseline baseline, long verifiedMillis, java.time.Duration verifyTime, ContentSink sink) {
        this.baseline = baseline;
        this.sink = sink;
        this.verifiedMillis = verifiedMillis;
        this.timeBudget = verifyTime != null;
        this.stopNanos = System.nanoTime() + (verifyTime == null ? 0 : verifyTime.toNanos());
    }

    @Override
    public Operation operation() {
        return Operation.READ;
    }

    @Override
    public Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i) {
        if (batch.type[i] != EntryType.FILE) {
            return null;
        }
        ContentBaseline.Found f = found.get();
        ContentBaseline.Directory directory = batch.baseline;
        boolean known = directory != null && directory.find(batch.names, batch.nameOffset[i], batch.nameLength[i], f)
                && f.content != null;
        boolean same = known && sameMetadata(batch.stat, i * StatFields.WIDTH, f.row);
        boolean corrupt = same && ContentValue.corrupt(f.content);
        int at = i * EntryBatch.VALUES + CONTENT;
        // With a sink, a baseline read inside its own scan's racy window is not taken over: its
        // content may have changed unseen under the same metadata, and the store must hold what the
        // recorded digest says (a backup's ReadPlan lists such a file as RACY). Without one, as ever.
        boolean racyAgain = sink != null && f.racy;
        if (same && !corrupt && !racyAgain && f.scheduled && !f.overdue && timeBudget
                && System.nanoTime() - stopNanos > 0) {
            deferred.increment(); // the time is up: first in line next time
            batch.values[at] = f.content;
            return null;
        }
        if (same && !corrupt && !racyAgain && !f.scheduled) {
            batch.values[at] = f.content; // trusted: size, times and inode unchanged
            return null;
        }
        // To be read: where the stat took a network client's cached attributes, the file is judged
        // on fresh ones, or content newer than them would look like content changed under unchanged
        // metadata (rot, or tampering).
        if (worker.freshenStat(batch, i)) {
            same = known && sameMetadata(batch.stat, i * StatFields.WIDTH, f.row);
            corrupt = same && ContentValue.corrupt(f.content);
        }
        // A file that grew: its first old-size bytes are digested on the way, to tell an append
        // from a rewrite (a log whose old lines were edited).
        long size = batch.stat[i * StatFields.WIDTH + StatFields.SIZE];
        long prefix = known && !same && !ContentValue.corrupt(f.content) && size > f.row[StatFields.SIZE]
                ? f.row[StatFields.SIZE] : -1;
        // To the sink: what is recorded as read tonight. An unchanged file read again (the schedule,
        // a corrupt baseline) goes only if it turns out to have changed since its stat.
        byte[] digest = worker.content(batch, i, read, prefix, sink, !same || f.racy);
        if (digest == null) {
            return worker.failure;
        }
        if (same && !corrupt && (f.scheduled || !racyAgain)) {
            reverified.add(batch.stat[i * StatFields.WIDTH + StatFields.SIZE]);
        }
        byte[] base = same ? ContentValue.baseline(f.content) : null;
        byte[] before = prefix >= 0 && worker.prefixDigest != null ? ContentValue.baseline(f.content) : null;
        if (before != null && before.length == digest.length) { // a baseline of another algorithm says nothing
            batch.values[at] = ContentValue.grew(verifiedMillis, digest, Arrays.equals(worker.prefixDigest, before));
        } else if (base == null || Arrays.equals(base, digest) || f.racy || worker.changedSinceStat) {
            batch.values[at] = ContentValue.of(verifiedMillis, digest, null);
        } else {
            batch.values[at] = ContentValue.of(ContentValue.verifiedMillis(f.content), base, digest);
        }
        return null;
    }

    private static boolean sameMetadata(long[] stat, int r, long[] old) {
        return stat[r + StatFields.SIZE] == old[StatFields.SIZE]
                && stat[r + StatFields.MTIME_SEC] == old[StatFields.MTIME_SEC]
                && stat[r + StatFields.MTIME_NSEC] == old[StatFields.MTIME_NSEC]
                && stat[r + StatFields.CTIME_SEC] == old[StatFields.CTIME_SEC]
                && stat[r + StatFields.CTIME_NSEC] == old[StatFields.CTIME_NSEC]
                && stat[r + StatFields.INODE] == old[StatFields.INODE];
    }
}
