package dev.fsnap.snapshot.format;

import dev.fsnap.row.ContentValue;
import dev.fsnap.row.RowSchema;
import dev.fsnap.scan.Field;

import java.util.ArrayList;
import java.util.List;

/**
 * A directory block put together from decoded entries rather than from a scan: an approved
 * baseline's block with some entries replaced by a run's (an approval of some changes). Entries are
 * added in name order, each a subdirectory with its reference; {@link #encode} writes the block as
 * {@link DirectoryEncoder} writes a scanned one, so that the same directory hashes the same.
 */
public final class DirectoryDraft {
    private static final int CONTENT = RowSchema.bytesIndex(Field.CONTENT);

    /** What a subdirectory entry refers to. */
    public sealed interface Ref {
        /** Listed: its block (or {@link BlockRef#EMPTY}). */
        record Listed(BlockRef block) implements Ref {
        }

        /** It could not be opened or listed. */
        record Unreadable(Fields.Failure why) implements Ref {
        }

        /** Not entered (another filesystem, one-file-system set). */
        record NotScanned() implements Ref {
        }
    }

    private final Fields.Failure listFailure;
    private final List<Fields> entries = new ArrayList<>();
    private final List<Ref> refs = new ArrayList<>();
    private boolean racy;

    /** @param listFailure why the directory's listing stopped part way, or null */
    public DirectoryDraft(Fields.Failure listFailure) {
        this.listFailure = listFailure;
    }

    /**
     * Adds the next entry, in name order.
     *
     * @param e the entry, as decoded
     * @param racyEntry whether it is racy as the scan that read it judges (its source's racy window)
     * @param ref its reference when it is a readable directory, else null
     * @throws IllegalArgumentException when it is out of name order, or a readable directory without a reference
     */
    public void add(Fields e, boolean racyEntry, Ref ref) {
        if (!entries.isEmpty()) {
            Fields last = entries.get(entries.size() - 1);
            if (java.util.Arrays.compareUnsigned(last.name, 0, last.nameLength, e.name, 0, e.nameLength) >= 0) {
                throw new IllegalArgumentException("entries out of name order");
            }
        }
        if (DirectoryRecord.isSubdirectory(e) != (ref != null)) {
            throw new IllegalArgumentException("a reference goes with a readable directory, and only with one");
        }
        entries.add(e);
        refs.add(ref);
        racy |= racyEntry;
    }

    /** @return whether the draft holds no entry and no listing failure: it needs no block ({@link BlockRef#EMPTY}) */
    public boolean empty() {
        return entries.isEmpty() && listFailure == null;
    }

    /**
     * Encodes the block's body.
     *
     * @param body where to
     * @param codec an entry codec for the file's columns
     * @param columns the columns the file's entries may carry
     * @return the hashed length and the subtree flags
     */
    public EncodedBlock encode(Encoder body, EntryCodec codec, Columns columns) {
        int mask = 0;
        for (Fields f : entries) {
            mask |= columns.mask(f);
        }
        codec.reset(mask);
        boolean unreadable = listFailure != null;
        boolean corrupt = false;
        body.u8((listFailure != null ? Format.LIST_INCOMPLETE : 0) | (mask != 0 ? Format.COLUMNS : 0));
        if (listFailure != null) {
            EntryCodec.encodeFailure(body, listFailure);
        }
        if (mask != 0) {
            body.varint(mask);
        }
        body.varint(entries.size());
        for (Fields f : entries) {
            codec.encode(body, f);
            unreadable |= f.failure != null || f.readFailure != null;
            byte[] content = f.values[CONTENT];
            corrupt |= content != null && ContentValue.corrupt(content);
        }
        int flags = 0;
        boolean located = false;
        for (Ref r : refs) {
            if (r instanceof Ref.Listed l) {
                if (l.block() == BlockRef.EMPTY) {
                    body.u8(Format.REF_EMPTY);
                } else {
                    body.u8(Format.REF_LISTED);
                    body.bytes(l.block().hash(), 0, Format.HASH);
                    flags |= l.block().flags();
                    located = true;
                }
            } else if (r instanceof Ref.Unreadable u) {
                body.u8(Format.REF_UNREADABLE);
                EntryCodec.encodeFailure(body, u.why());
                unreadable = true;
            } else if (r instanceof Ref.NotScanned) {
                body.u8(Format.REF_NOT_SCANNED);
            }
        }
        int hashed = body.length;
        if (located) {
            for (Ref r : refs) {
                if (r instanceof Ref.Listed l && l.block() != BlockRef.EMPTY) {
                    body.u8(l.block().flags());
                    body.varint(l.block().offset());
                }
            }
        }
        return new EncodedBlock(hashed, flags | (racy ? Format.SUBTREE_RACY : 0)
                | (unreadable ? Format.SUBTREE_UNREADABLE : 0) | (corrupt ? Format.SUBTREE_CORRUPT : 0));
    }
}
