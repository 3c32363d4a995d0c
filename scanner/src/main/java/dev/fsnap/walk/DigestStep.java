package dev.fsnap.walk;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;

import java.util.Arrays;

/**
 * Keeps each regular file's content digest, trusting the stat: a file whose size, times and inode
 * equal its baseline's takes over the baseline's digest unread, unless the schedule picks it or
 * its baseline is corrupt; any other file is read. A read that gives another digest than the
 * baseline while the metadata did not change makes the file corrupt: the baseline is kept and the
 * digest read is recorded beside it, so the file is read again and reported until someone acts. A
 * baseline whose timestamps were racy proves nothing: its file is merely changed.
 */
final class DigestStep implements EntryStep {
    private static final ScanInternals SCAN = ScanInternals.get();
    private static final int CONTENT = SCAN.bytesIndex(Field.CONTENT);

    private final ContentBaseline baseline;
    /** What a read in this scan is recorded as verified at: the scan's start, in milliseconds. */
    private final long verifiedMillis;
    private final ThreadLocal<ContentBaseline.Found> found = ThreadLocal.withInitial(ContentBaseline.Found::new);

    /** @return the root directory's baseline, or null when there is none */
    ContentBaseline.Directory root() {
        return baseline.root();
    }

    DigestStep(ContentBaseline baseline, long verifiedMillis) {
        this.baseline = baseline;
        this.verifiedMillis = verifiedMillis;
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
        boolean corrupt = same && SCAN.contentCorrupt(f.content);
        int at = i * EntryBatch.VALUES + CONTENT;
        if (same && !corrupt && !f.scheduled) {
            batch.values[at] = f.content; // trusted: size, times and inode unchanged
            return null;
        }
        byte[] digest = worker.content(batch, i);
        if (digest == null) {
            return worker.failure;
        }
        byte[] base = same ? SCAN.contentBaseline(f.content) : null;
        if (base == null || Arrays.equals(base, digest) || f.racy || worker.changedSinceStat) {
            batch.values[at] = SCAN.contentValue(verifiedMillis, digest, null);
        } else {
            batch.values[at] = SCAN.contentValue(SCAN.contentVerifiedMillis(f.content), base, digest);
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
