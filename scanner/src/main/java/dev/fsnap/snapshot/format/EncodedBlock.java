package dev.fsnap.snapshot.format;

/**
 * A directory block as encoded: the length of its hashed part (the entries and the children's
 * hashes; their offsets and flags follow unhashed), and its subtree's flags.
 */
public record EncodedBlock(int hashed, int flags) {
}
