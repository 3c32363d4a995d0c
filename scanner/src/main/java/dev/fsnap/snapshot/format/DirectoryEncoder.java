package dev.fsnap.snapshot.format;

import dev.fsnap.row.ContentValue;
import dev.fsnap.row.RowSchema;
import dev.fsnap.row.Rows;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanError;

/**
 * Writes a scanned directory as a block body: its entries through the {@link EntryCodec}, the
 * columns its mask names, then a reference per subdirectory (the hashed part), then where each
 * listed child is (not hashed). {@link DirectoryRecord} reads it back.
 */
public final class DirectoryEncoder {
    private static final int CONTENT = RowSchema.bytesIndex(Field.CONTENT);

    private DirectoryEncoder() {
    }

    /**
     * Encodes a scanned directory as a block body, the reverse of {@link DirectoryRecord#decode}. Each listed
     * subdirectory's {@link Rows#childResult} is the {@link BlockRef} its own block was
     * written with.
     *
     * @param listing the directory, its subdirectories written
     * @param body where to encode
     * @param f the worker's scratch fields
     * @param codec the worker's entry codec
     * @param columns the columns the file's entries may carry
     * @param racyFrom from when a timestamp is racy
     * @return the hashed length and the subtree flags
     */
    public static EncodedBlock encode(Rows listing, Encoder body, Fields f, EntryCodec codec, Columns columns,
                          RacyFrom racyFrom) {
        int mask = columns.mask(listing);
        codec.reset(mask);
        boolean unreadable = false;
        boolean racy = false;
        boolean corrupt = false;
        ScanError listError = listing.listError();
        body.u8((listError != null ? Format.LIST_INCOMPLETE : 0) | (mask != 0 ? Format.COLUMNS : 0));
        if (listError != null) {
            EntryCodec.encodeFailure(body, Fields.Failure.of(listError));
            unreadable = true;
        }
        if (mask != 0) {
            body.varint(mask);
        }
        int n = listing.size();
        body.varint(n);
        for (int i = 0; i < n; i++) {
            f.from(listing, i);
            codec.encode(body, f);
            if (f.failure != null || f.readFailure != null) {
                unreadable = true;
            } else if (!racy) {
                racy = racyFrom.covers(f);
            }
            corrupt |= markedCorrupt(f);
        }
        // Subdirectory references, hashed part: state, then the child's hash or failure.
        int listed = 0;
        for (int i = 0; i < n; i++) {
            if (!isDirectory(listing, i)) {
                continue;
            }
            switch (listing.subdirectory(i)) {
                case LISTED -> {
                    BlockRef c = (BlockRef) listing.childResult(i);
                    if (c == null) {
                        throw new IllegalStateException("subdirectory visited without a result: "
                                + listing.displayPath(i));
                    }
                    if (c == BlockRef.EMPTY) {
                        body.u8(Format.REF_EMPTY);
                        continue;
                    }
                    body.u8(Format.REF_LISTED);
                    body.bytes(c.hash(), 0, Format.HASH);
                    racy |= (c.flags() & Format.SUBTREE_RACY) != 0;
                    unreadable |= (c.flags() & Format.SUBTREE_UNREADABLE) != 0;
                    corrupt |= (c.flags() & Format.SUBTREE_CORRUPT) != 0;
                    listed++;
                }
                case UNREADABLE -> {
                    body.u8(Format.REF_UNREADABLE);
                    EntryCodec.encodeFailure(body, Fields.Failure.of(listing.childError(i)));
                    unreadable = true;
                }
                default -> body.u8(Format.REF_NOT_SCANNED);
            }
        }
        int hashed = body.length;
        // Not hashed: where each listed child is in this file, and what its subtree holds.
        if (listed > 0) {
            for (int i = 0; i < n; i++) {
                if (isDirectory(listing, i) && listing.subdirectory(i) == Rows.Subdirectory.LISTED
                        && listing.childResult(i) != BlockRef.EMPTY) {
                    BlockRef c = (BlockRef) listing.childResult(i);
                    body.u8(c.flags());
                    body.varint(c.offset());
                }
            }
        }
        return new EncodedBlock(hashed, (racy ? Format.SUBTREE_RACY : 0) | (unreadable ? Format.SUBTREE_UNREADABLE : 0)
                | (corrupt ? Format.SUBTREE_CORRUPT : 0));
    }

    /** Whether an entry is a file whose content is marked corrupt: its subtree is flagged so. */
    private static boolean markedCorrupt(Fields f) {
        byte[] content = f.values[CONTENT];
        return content != null && ContentValue.corrupt(content);
    }

    /** A readable directory entry: it has a reference (unreadable entries are typed unknown). */
    private static boolean isDirectory(Rows l, int i) {
        return l.type(i) == EntryType.DIRECTORY;
    }
}
