package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;

/**
 * The footer block: how the scan ended, the root's own entry and where its directory block is,
 * and where the unreadable list ends. Written last, before the trailer that points at it. See
 * {@code docs/snapshot-format.md}, "Footer".
 *
 * @param finished when the scan ended
 * @param backend the backend that read the tree
 * @param backendReason why that one
 * @param absentFields the fields that backend could not read (version 3)
 * @param threads the threads the scan ran
 * @param entries entries read
 * @param directories directories among them
 * @param errors entries and directories that could not be read
 * @param bytes the sum of regular files' sizes
 * @param root the root's own entry
 * @param rootRef where the root's directory block is, or why it could not be listed
 * @param lastUnreadableBlock the offset of the last unreadable-list block, -1 when none
 * @param unreadableCount the unreadable list's length: the scan's error count
 * @param started in a file of version 8, which holds entries of a later scan than the one its header
 *                names (an approval of some changes): that scan's start, from which entries are racy;
 *                null in every other file (the header's start is the one)
 */
public record Footer(Instant finished, String backend, String backendReason, Set<Field> absentFields, int threads,
              long entries, long directories, long errors, long bytes, Entry root, RootRef rootRef,
              long lastUnreadableBlock, long unreadableCount, Instant started) {

    /**
     * The root directory: listed (its block's hash, subtree flags and offset), or unreadable. An
     * empty root is written as {@link Format#REF_EMPTY} and read back as listed at
     * {@link Format#EMPTY_OFFSET}.
     *
     * @param listed whether the root was listed
     * @param hash its block's hash
     * @param flags what its subtree holds ({@link Format#SUBTREE_RACY}, {@link Format#SUBTREE_UNREADABLE},
     *              {@link Format#SUBTREE_CORRUPT})
     * @param offset its block's offset
     * @param failure why it could not be listed; null when it was
     */
    public record RootRef(boolean listed, byte[] hash, int flags, long offset, Fields.Failure failure) {
        public static final RootRef EMPTY = new RootRef(true, Format.EMPTY_HASH, 0, Format.EMPTY_OFFSET, null);

        public static RootRef unreadable(Fields.Failure why) {
            return new RootRef(false, null, Format.SUBTREE_UNREADABLE, -1, why);
        }
    }

    /**
     * Writes the footer's body.
     *
     * @param out where to
     * @param columns the columns the file's entries may carry
     */
    public void encode(Encoder out, Columns columns) {
        Header.instant(out, finished);
        out.string(backend.getBytes(StandardCharsets.UTF_8));
        out.string(backendReason.getBytes(StandardCharsets.UTF_8));
        out.varint(Format.fieldMask(absentFields));
        out.varint(threads);
        out.varint(entries);
        out.varint(directories);
        out.varint(errors);
        out.varint(bytes);
        Fields f = new Fields();
        f.from(root, new byte[0]);
        EntryCodec codec = new EntryCodec(columns);
        int rootColumns = columns.mask(f);
        out.varint(rootColumns);
        codec.reset(rootColumns);
        codec.encode(out, f);
        if (rootRef == RootRef.EMPTY) {
            out.u8(Format.REF_EMPTY);
        } else if (rootRef.listed()) {
            out.u8(Format.REF_LISTED);
            out.bytes(rootRef.hash(), 0, Format.HASH);
            out.u8(rootRef.flags());
            out.varint(rootRef.offset());
        } else {
            out.u8(Format.REF_UNREADABLE);
            EntryCodec.encodeFailure(out, rootRef.failure());
        }
        out.varint(lastUnreadableBlock + 1);
        out.varint(unreadableCount);
        if (started != null) {
            Header.instant(out, started);
        }
    }

    /**
     * Reads the footer's body.
     *
     * @param f the body
     * @param header the file's header (its version and columns)
     * @param footerOffset where the footer starts: every offset it holds is before it
     * @throws CorruptSnapshotException when a value is out of range or inconsistent
     */
    public static Footer decode(Decoder f, Header header, long footerOffset) throws CorruptSnapshotException {
        Instant finished = Header.instant(f);
        String backend = f.text();
        String backendReason = f.text();
        Set<Field> absent = Set.of();
        if (header.version() >= 3) {
            absent = Format.fields(f.varint());
            if (absent == null) {
                throw f.corrupt("unknown absent fields");
            }
        }
        int threads = f.count(Integer.MAX_VALUE, "threads");
        long entries = f.varint();
        long directories = f.varint();
        long errors = f.varint();
        long bytes = f.varint();
        Fields r = new Fields();
        EntryCodec codec = new EntryCodec(header.columns());
        if (header.version() >= 4) {
            codec.reset(header.columns().rootMask(f));
        }
        codec.decode(f, r);
        if (r.failure != null || r.nameLength != 0) {
            throw f.corrupt("the root entry is malformed");
        }
        Entry root = r.toEntry(new byte[0]);
        int state = f.u8();
        RootRef ref;
        if (state == Format.REF_LISTED) {
            byte[] hash = f.bytes(Format.HASH);
            int flags = f.u8();
            long offset = f.varint();
            if (offset < Format.MAGIC.length || offset >= footerOffset) {
                throw f.corrupt("the root directory's offset is outside the file");
            }
            ref = new RootRef(true, hash, flags, offset, null);
        } else if (state == Format.REF_EMPTY) {
            ref = RootRef.EMPTY;
        } else if (state == Format.REF_UNREADABLE) {
            ref = RootRef.unreadable(EntryCodec.decodeFailure(f));
        } else {
            throw f.corrupt("unknown root state " + state);
        }
        long lastUnreadableBlock = f.varint() - 1;
        long unreadableCount = f.varint();
        if (unreadableCount != errors) {
            throw f.corrupt("the unreadable list's count differs from the scan's error count");
        }
        if (lastUnreadableBlock >= footerOffset) {
            throw f.corrupt("the unreadable list's offset is outside the file");
        }
        Instant started = header.version() >= Format.FREE_VERSION ? Header.instant(f) : null;
        if (!f.atEnd()) {
            throw f.corrupt("unexpected bytes at the end of the footer");
        }
        return new Footer(finished, backend, backendReason, absent, threads, entries, directories, errors, bytes,
                root, ref, lastUnreadableBlock, unreadableCount, started);
    }
}
