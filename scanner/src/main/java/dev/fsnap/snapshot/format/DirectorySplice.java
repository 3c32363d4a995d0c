package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.snapshot.CorruptSnapshotException;

/**
 * A directory block taken apart for a merge of a plan's parts: its entries kept as the bytes
 * they are, its subdirectories' references open to change (where a part recorded another
 * shard's root as not scanned, that shard's part is grafted in; every listed child moves to its
 * place in the merged file), then put together again. Only the references change, so a block
 * whose children keep their hashes keeps its own.
 */
public final class DirectorySplice {
    private final byte[] body;
    private final int bodyStart;
    private final int entriesEnd;
    /** The block decoded: its entries as read, its references changed in place. */
    private final DirectoryRecord refs;

    private DirectorySplice(byte[] body, int bodyStart, int entriesEnd, DirectoryRecord refs) {
        this.body = body;
        this.bodyStart = bodyStart;
        this.entriesEnd = entriesEnd;
        this.refs = refs;
    }

    /**
     * Takes a directory block apart, checking it as {@link DirectoryRecord#decode} does.
     *
     * @param in the block's body
     * @param offset the block's offset
     * @param columns the file's columns
     * @return the block, its references open to change
     * @throws CorruptSnapshotException when the block is damaged
     */
    public static DirectorySplice parse(Decoder in, long offset, Columns columns) throws CorruptSnapshotException {
        int start = in.pos;
        DirectoryRecord r = DirectoryRecord.decodeEntries(in, offset, columns);
        int entriesEnd = in.pos;
        r.decodeReferences(in);
        return new DirectorySplice(in.buffer(), start, entriesEnd, r);
    }

    /** @return the device entry {@code i} is on */
    public long device(int i) {
        return refs.entries[i].stat[StatFields.DEVICE];
    }

    /** @return entry {@code i}, as decoded */
    public Fields entry(int i) {
        return refs.entries[i];
    }

    /** @return the block's entries, subdirectories or not */
    public int size() {
        return refs.entries.length;
    }

    /** @return entry {@code i}'s name when it is a readable subdirectory, else null */
    public byte[] subdirectory(int i) {
        Fields e = refs.entries[i];
        return DirectoryRecord.isSubdirectory(e) ? e.name : null;
    }

    /** @return whether subdirectory {@code i} was listed into a block of its own (not empty) */
    public boolean hasBlock(int i) {
        return refs.ref[i] == Format.REF_LISTED && refs.hash[i] != Format.EMPTY_HASH;
    }

    /** @return whether subdirectory {@code i} was recorded without being entered */
    public boolean notScanned(int i) {
        return refs.ref[i] == Format.REF_NOT_SCANNED;
    }

    /** @return the block of subdirectory {@code i}, when {@link #hasBlock} */
    public long childOffset(int i) {
        return refs.childOffset[i];
    }

    /** @return the subtree flags of subdirectory {@code i}, when {@link #hasBlock} */
    public int childFlags(int i) {
        return refs.subtreeFlags[i];
    }

    /**
     * Points subdirectory {@code i} at a block (or at none, {@link BlockRef#EMPTY}).
     *
     * @param i the entry
     * @param child the block's place, hash and subtree flags in the merged file
     */
    public void listed(int i, BlockRef child) {
        refs.ref[i] = Format.REF_LISTED;
        refs.hash[i] = child == BlockRef.EMPTY ? Format.EMPTY_HASH : child.hash();
        refs.childOffset[i] = child.offset();
        refs.subtreeFlags[i] = child.flags();
        refs.refFailure[i] = null;
    }

    /**
     * Records subdirectory {@code i} as unreadable.
     *
     * @param i the entry
     * @param why why it could not be listed
     */
    public void unreadable(int i, Fields.Failure why) {
        refs.ref[i] = Format.REF_UNREADABLE;
        refs.hash[i] = null;
        refs.subtreeFlags[i] = Format.SUBTREE_UNREADABLE;
        refs.refFailure[i] = why;
    }

    /**
     * Puts the block together again: its entries as read, its references as they now are.
     *
     * @param out where to encode the body
     * @param flags the block's own subtree flags as its part recorded them; those of the
     *              subdirectories grafted in are added
     * @return the hashed length and the subtree flags
     */
    public EncodedBlock encode(Encoder out, int flags) {
        out.bytes(body, bodyStart, entriesEnd - bodyStart);
        int n = refs.entries.length;
        boolean located = false;
        for (int i = 0; i < n; i++) {
            if (!DirectoryRecord.isSubdirectory(refs.entries[i])) {
                continue;
            }
            switch (refs.ref[i]) {
                case Format.REF_LISTED -> {
                    if (refs.hash[i] == Format.EMPTY_HASH) {
                        out.u8(Format.REF_EMPTY);
                    } else {
                        out.u8(Format.REF_LISTED);
                        out.bytes(refs.hash[i], 0, Format.HASH);
                        located = true;
                    }
                }
                case Format.REF_UNREADABLE -> {
                    out.u8(Format.REF_UNREADABLE);
                    EntryCodec.encodeFailure(out, refs.refFailure[i]);
                }
                default -> out.u8(Format.REF_NOT_SCANNED);
            }
            flags |= refs.subtreeFlags[i];
        }
        int hashed = out.length;
        if (located) {
            for (int i = 0; i < n; i++) {
                if (DirectoryRecord.isSubdirectory(refs.entries[i]) && hasBlock(i)) {
                    out.u8(refs.subtreeFlags[i]);
                    out.varint(refs.childOffset[i]);
                }
            }
        }
        return new EncodedBlock(hashed, flags);
    }
}
