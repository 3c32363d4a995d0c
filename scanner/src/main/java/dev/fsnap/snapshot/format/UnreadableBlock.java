package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.scan.ScanError;

import java.util.List;

/**
 * An unreadable block's body: the offset of the block before it plus one (a varint, 0 for the
 * first), the count of errors, then each error as its path (a string) and its failure. The blocks
 * chain backwards from the footer's last one, so a writer can append a batch whenever it fills and
 * never go back. See {@code docs/snapshot-format.md}, "Unreadable block 'U'".
 *
 * <p>Apart from the writer that batches errors and the reader that walks the chain, so that the
 * layout is written down once, beside the other blocks'.
 *
 * @param previous the offset of the block before this one in the list, -1 when it is the first
 * @param count how many errors the block holds
 */
public record UnreadableBlock(long previous, int count) {

    /**
     * Writes a block's body.
     *
     * @param out where to (its length is the body's)
     * @param previous the offset of the block written before, -1 when none
     * @param errors the block's errors, in the order they were reported
     */
    public static void encode(Encoder out, long previous, List<ScanError> errors) {
        out.varint(previous + 1);
        out.varint(errors.size());
        for (ScanError e : errors) {
            out.string(e.path());
            EntryCodec.encodeFailure(out, Fields.Failure.of(e));
        }
    }

    /**
     * Reads a block's body whole.
     *
     * @param in the body
     * @param at the block's offset: the block before it must be before it
     * @param errors receives the block's errors in order; null to check them without keeping them
     * @return where the list goes on, and how many errors this block held
     * @throws CorruptSnapshotException when the chain does not run backwards, or a value is damaged
     */
    public static UnreadableBlock decode(Decoder in, long at, List<ScanError> errors)
            throws CorruptSnapshotException {
        long previous = in.varint() - 1;
        if (previous >= at) {
            throw in.corrupt("the unreadable list does not run backwards");
        }
        int n = in.count(in.remaining() / 4, "error count"); // each at least 4 bytes
        for (int i = 0; i < n; i++) {
            byte[] path = in.string();
            Fields.Failure failure = EntryCodec.decodeFailure(in);
            if (errors != null) {
                errors.add(failure.at(path));
            }
        }
        if (!in.atEnd()) {
            throw in.corrupt("unexpected bytes after the unreadable list's errors");
        }
        return new UnreadableBlock(previous, n);
    }
}
