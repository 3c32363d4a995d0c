package dev.fsnap.walk;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;

/**
 * Receives a scan one whole directory at a time, in post-order: a directory arrives only after
 * every directory below it, with the value this visitor returned for each of those. That is the
 * order a Merkle tree is built in: a snapshot writer hashes a directory's entries together with
 * its subdirectories' hashes.
 *
 * <p>Unlike {@link EntryVisitor}, {@link #directory} is called <em>concurrently</em> from the
 * scan's worker threads, for different directories; {@link #error} and {@link #root} are called
 * one at a time. A visitor that throws stops the scan, and {@link Scan#await()} rethrows it.
 */
public interface DirectoryVisitor extends ScanListener {
    /**
     * The root's own metadata, before any directory.
     *
     * @param root the root entry (empty path)
     */
    default void root(Entry root) {
    }

    /**
     * One directory, whole: its entries sorted by name bytes, its subdirectories already visited.
     * The listing is valid only during this call.
     *
     * @param listing the directory
     * @return a value handed to the parent's listing as {@link DirectoryListing#childResult}
     */
    Object directory(DirectoryListing listing);

    /** Errors arrive in the listings too; by default nothing more is done with them. */
    @Override
    default void error(ScanError error) {
    }
}
