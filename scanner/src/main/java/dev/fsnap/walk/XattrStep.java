package dev.fsnap.walk;

import dev.fsnap.row.XattrValues;
import dev.fsnap.scan.Operation;

/**
 * Reads each entry's extended attributes after its stat, through the worker that stat'ed it
 * (relative to the open directory, never following a link), into the entry's attribute fields.
 * An entry whose attributes cannot be read (removed since it was listed, refused) keeps its stat,
 * its attribute fields are left absent, and the reason is recorded under {@link Operation#READ}.
 */
final class XattrStep implements EntryStep {
    static final XattrStep INSTANCE = new XattrStep();

    private XattrStep() {
    }

    @Override
    public Operation operation() {
        return Operation.READ;
    }

    @Override
    public Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i) {
        byte[][] pairs = worker.xattrs();
        if (pairs == null) {
            return worker.failure;
        }
        XattrValues.split(pairs, batch.values, i * EntryBatch.VALUES);
        return null;
    }
}
