package dev.fsnap.snapshot;

/**
 * What a comparison found, and how much it read.
 *
 * @param added entries only in the new snapshot
 * @param removed entries only in the old snapshot
 * @param modified entries whose metadata changed
 * @param moved entries found at another path
 * @param unreadable entries or subtrees not read in one snapshot, or not read in both with another
 *                   error in the new one
 * @param stillUnreadable entries or subtrees not read in either snapshot with the same error:
 *                        reported, not a difference
 * @param racy unchanged entries the old snapshot read inside its own time window
 * @param directoriesRead directory blocks read, from both files
 * @param subtreesSkipped subdirectories skipped because their hashes were equal
 * @param corrupt files whose content changed while their metadata did not
 * @param tampered files whose content and ctime changed while their mtime did not
 */
public record DiffSummary(long added, long removed, long modified, long moved, long unreadable, long stillUnreadable,
                          long racy,
                          long directoriesRead, long subtreesSkipped, long corrupt, long tampered) {
    /** @return the number of changes reported, racy entries and those still unreadable included */
    public long changes() {
        return differences() + racy + stillUnreadable;
    }

    /**
     * The changes that make two snapshots differ: every change but racy entries, which are
     * unchanged as far as anyone can tell and reported only so that they are not hidden, and
     * entries unreadable in both with the same error, which are as they were.
     *
     * @return added, removed, modified, moved and unreadable
     */
    public long differences() {
        return added + removed + modified + moved + unreadable + corrupt + tampered;
    }
}
