package dev.fsnap.snapshot;

/**
 * What a comparison found, and how much it read.
 *
 * @param added entries only in the new snapshot
 * @param removed entries only in the old snapshot
 * @param modified entries whose metadata changed
 * @param moved entries found at another path
 * @param unreadable entries or subtrees not read in either snapshot
 * @param racy unchanged entries the old snapshot read inside its own time window
 * @param directoriesRead directory blocks read, from both files
 * @param subtreesSkipped subdirectories skipped because their hashes were equal
 * @param corrupt files whose content changed while their metadata did not
 * @param tampered files whose content and ctime changed while their mtime did not
 */
public record DiffSummary(long added, long removed, long modified, long moved, long unreadable, long racy,
                          long directoriesRead, long subtreesSkipped, long corrupt, long tampered) {
    /** @return the number of changes reported, racy entries included */
    public long changes() {
        return differences() + racy;
    }

    /**
     * The changes that make two snapshots differ: every change but racy entries, which are
     * unchanged as far as anyone can tell and reported only so that they are not hidden.
     *
     * @return added, removed, modified, moved and unreadable
     */
    public long differences() {
        return added + removed + modified + moved + unreadable + corrupt + tampered;
    }
}
