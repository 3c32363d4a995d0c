package dev.fsnap.snapshot.format;

/**
 * What a parent records of a written directory block: where it is, its hash, and what its
 * subtree holds ({@link Format#SUBTREE_RACY}, {@link Format#SUBTREE_UNREADABLE},
 * {@link Format#SUBTREE_CORRUPT}).
 *
 * @param offset the block's offset
 * @param hash its truncated SHA-256
 * @param flags its subtree flags
 */
public record BlockRef(long offset, byte[] hash, int flags) {
    /** An empty directory: no block is written for it. */
    public static final BlockRef EMPTY = new BlockRef(Format.EMPTY_OFFSET, Format.EMPTY_HASH, 0);
}
