package dev.fsnap.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Entries handled, as a secondary score in entries per second ({@code ·entries}): right for any
 * tree, where the primary score assumes the generated one.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Entries {
    /** Entries handled in this iteration. */
    public long entries;

    /** Starts each iteration's count at zero. */
    @Setup(Level.Iteration)
    public void reset() {
        entries = 0;
    }
}
