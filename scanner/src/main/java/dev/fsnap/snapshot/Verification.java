package dev.fsnap.snapshot;

/**
 * What opening a snapshot checked: every block of the file, read once in file order.
 *
 * @param directoryBlocks directory blocks, each matched against the hash its parent holds
 * @param unreadableBlocks blocks of the unreadable list, each on its chain once
 * @param bytes the file's size
 * @param freeBytes the bytes of its free blocks: what approvals of some changes replaced (version 8)
 */
public record Verification(long directoryBlocks, long unreadableBlocks, long bytes, long freeBytes) {
}
