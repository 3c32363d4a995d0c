package dev.fsnap.walk;

import dev.fsnap.scan.Operation;

/**
 * Per-entry work after the stat: where an entry's extended attributes are read or its content
 * hashed. A scan runs its steps on every entry below the root, on the worker thread that stat'ed
 * the entry, right after the stat and inside the same watched call, so a step lives under the
 * scan's deadlines and error model as the stat does:
 * <ul>
 *   <li>a step that blocks (a dead server) is given up on by the watchdog at the operation
 *       timeout; the entry is recorded as timed out, like a stat that hung, and the scan goes on;</li>
 *   <li>a step that fails returns why: the error is recorded for the entry under the step's
 *       {@link #operation()}, and the entry is kept with what its stat read;</li>
 *   <li>a step keeps what it reads in the batch's row for the entry (no allocation per entry
 *       beyond what its column needs), and its buffers in the worker, which stays valid until the
 *       thread that may still be inside a call is done with it.</li>
 * </ul>
 */
interface EntryStep {
    /** @return the operation a failure of this step is recorded under */
    Operation operation();

    /**
     * Does the step's work on one entry.
     *
     * @param worker the reading worker's backend, through which the step reads the entry
     * @param batch the batch; entry {@code i} has its stat
     * @param i the entry
     * @return null when done; otherwise why not (the entry is kept)
     */
    Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i);
}
