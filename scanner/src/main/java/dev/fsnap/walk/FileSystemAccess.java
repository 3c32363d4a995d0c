package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Field;
import dev.fsnap.bindings.RecordBuffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How one scan reads the filesystem: the seam between the scan core and a backend. One instance per
 * scan holds the root; each worker thread gets its own {@link Worker} with its own buffers.
 */
abstract class FileSystemAccess implements AutoCloseable {
    /**
     * The directory that followed links must stay below: the scan's root, or, in a shard's scan,
     * the plan's root, so that a link from one shard into another is followed as in a scan of the
     * whole tree.
     *
     * @param options the scan's options
     * @return that directory
     */
    static java.nio.file.Path linksBeneath(dev.fsnap.scan.ScanOptions options) {
        java.nio.file.Path plan = options.followSymlinks() ? planRoot(options) : null;
        return plan == null ? options.root() : plan;
    }

    /**
     * The root of the plan a shard's scan is part of: the scan's root less the shard's path.
     *
     * @param options the scan's options
     * @return that directory, absolute; null when the scan is not of a shard below a plan's root
     */
    static java.nio.file.Path planRoot(dev.fsnap.scan.ScanOptions options) {
        dev.fsnap.scan.ScanOptions.ShardScope shard = options.shard();
        if (shard == null || shard.root().isEmpty()) {
            return null;
        }
        java.nio.file.Path up = options.root().toAbsolutePath().normalize();
        for (int k = shard.root().split("/").length; k > 0 && up.getParent() != null; k--) {
            up = up.getParent();
        }
        return up;
    }

    /** @return which backend this is */
    abstract Backend backend();

    /**
     * Opens the root and reads its own metadata into the batch, as the entry with the empty path.
     *
     * @throws IOException naming the root, when it is missing, not a directory, or unreadable
     */
    abstract void openRoot(EntryBatch batch) throws IOException;

    /** @return the root's filesystem, known once {@link #openRoot} succeeded */
    abstract Concurrency.Filesystem filesystem();

    /** @return a new worker's access, used by that worker thread only */
    abstract Worker newWorker();

    /** Whether a chunk says which names are directories before they are stat'ed (see {@link Names}). */
    /**
     * How entries' attributes are read where that is not the backend's plain stat, as the summary
     * says it: the client's cached attributes on a network filesystem. Known once the root is open.
     *
     * @return the note, or null
     */
    String statNote() {
        return null;
    }

    boolean knowsDirectoriesBeforeStat() {
        return false;
    }

    /**
     * The fields this backend cannot read: left at zero in every entry, recorded as absent in a
     * snapshot, and ignored when comparing.
     */
    Set<Field> absentFields() {
        return Set.of();
    }

    /** Releases what {@link #openRoot} holds. */
    @Override
    public abstract void close();

    /** One worker's reader. A call that fails returns null and leaves the reason in {@link #failure}. */
    abstract static class Worker implements AutoCloseable {
        Failure failure;
        /**
         * Set by {@link #content}: the file's size, times or inode differed, when it was opened, from
         * its stat in the batch: it changed in between, and its digest proves no corruption.
         */
        boolean changedSinceStat;

        /** Opens a directory below the root by its relative path (empty for the root). */
        abstract Directory open(byte[] path, Object reference, boolean followLink);

        /**
         * Reads the next chunk of names; null at the end, or on failure with {@link #failure} set;
         * {@link #NO_NAMES} when the call returned only {@code .} and {@code ..} (read on).
         */
        abstract NameChunk read(Directory directory);

        /** Reads the metadata of the names of the chunk that {@code which} picks, relative to the open directory. */
        abstract void stat(Directory directory, NameChunk chunk, EntryBatch batch, boolean followLinks, Names which);

        /**
         * The extended attributes of the entry whose stat this worker just filled, read while its
         * per-entry steps run ({@link EntryBatch#statted}).
         *
         * @return names and values, in pairs; null with {@link #failure} set
         */
        byte[][] xattrs() {
            failure = Failure.NOT_SUPPORTED;
            return null;
        }

        /**
         * Stats the entry whose stat this worker just filled once more, asking the server, where
         * that stat took attributes a network client had cached (which may be older than the
         * content about to be read): the batch then holds the fresh ones.
         *
         * @param batch the batch being stat'ed
         * @param i the entry
         * @return true when the batch's stat of the entry was replaced
         */
        boolean freshenStat(EntryBatch batch, int i) {
            return false;
        }

        /** After {@link #content}: the digest of the first bytes asked for, or null (none asked, or a shorter file). */
        byte[] prefixDigest;

        /**
         * The content digest of the regular file whose stat this worker just filled, read while its
         * per-entry steps run, piece by piece with the batch's progress shown to the watchdog; a
         * file that changes while it is read is read once more.
         *
         * @param batch the batch being stat'ed
         * @param i the entry
         * @param read counts the bytes read, piece by piece
         * @param prefix the length of the file's first bytes to digest on the way ({@link #prefixDigest}),
         *               or -1 for none
         * @param sink receives the bytes read, piece by piece, then the digest (or an abort); null
         *             for none
         * @param always whether every read of the file goes to the sink; else only a read of a file
         *               found changed since its stat ({@link #changedSinceStat}) does
         * @return the digest; null with {@link #failure} set (the sink's file aborted)
         */
        byte[] content(EntryBatch batch, int i, java.util.concurrent.atomic.LongAdder read, long prefix,
                       dev.fsnap.scan.ContentSink sink, boolean always) {
            failure = Failure.NOT_SUPPORTED;
            return null;
        }

        @Override
        public abstract void close();
    }

    /**
     * Which names of a chunk to stat. Where the listing tells directories apart ({@code d_type}), a
     * chunk can be stat'ed in two passes, directories first, so that their tasks start before the
     * other names are stat'ed: on a network filesystem, where each stat is a round trip, that puts
     * the other workers to work sooner.
     */
    enum Names {
        ALL,
        /** Directories, names of unknown type, and links when they are followed. */
        MAYBE_DIRECTORIES,
        /** The others. */
        REST
    }

    /**
     * An open directory, shared by the chunks of a wide directory: closed when the last holder
     * releases it, by whichever worker that is.
     */
    abstract static class Directory {
        private final AtomicInteger holders = new AtomicInteger(1);

        void retain() {
            holders.incrementAndGet();
        }

        void release() {
            if (holders.decrementAndGet() == 0) {
                closeNow();
            }
        }

        abstract void closeNow();
    }

    /**
     * A listing call that returned nothing but {@code .} and {@code ..} (every empty directory's
     * first): there is nothing to stat or deliver, and the listing goes on.
     */
    static final NameChunk NO_NAMES = new NameChunk() {
        @Override
        NameChunk detach() {
            return this;
        }
    };

    /** Names read from a directory, not yet stat'ed. */
    abstract static class NameChunk {
        /** @return a copy that does not depend on the reading worker's buffers */
        abstract NameChunk detach();

        /**
         * The chunk in about {@code parts} pieces of as many records, each detached: for per-entry
         * work heavy enough (reading content) that the entries of one listing are spread over workers.
         *
         * @param parts how many pieces at most
         * @param fewest the fewest names a piece holds
         * @return the pieces; this chunk alone where it cannot be split
         */
        List<NameChunk> pieces(int parts, int fewest) {
            return List.of(this);
        }
    }

    /** Raw directory records: still in the reading worker's buffer, or saved for another worker. */
    static final class Records extends NameChunk {
        private final RecordBuffer owner;
        final int length;
        private final byte[] saved;

        Records(RecordBuffer owner, int length) {
            this(owner, length, null);
        }

        private Records(RecordBuffer owner, int length, byte[] saved) {
            this.owner = owner;
            this.length = length;
            this.saved = saved;
        }

        /** Makes sure {@code reader}'s buffer holds these records, restoring them if another reader listed them. */
        void loadInto(RecordBuffer reader) {
            if (owner != reader) {
                reader.restore(saved);
            }
        }

        @Override
        NameChunk detach() {
            return saved != null ? this : new Records(null, length, owner.save(length));
        }

        @Override
        List<NameChunk> pieces(int parts, int fewest) {
            if (owner == null || parts < 2) {
                return List.of(this);
            }
            int records = 0;
            for (int pos = 0; pos < length; pos = owner.next(pos)) {
                records++;
            }
            int names = Math.max(fewest, (records + parts - 1) / parts);
            if (names >= records) {
                return List.of(this);
            }
            List<NameChunk> pieces = new ArrayList<>();
            int from = 0;
            int count = 0;
            for (int pos = 0; pos < length; pos = owner.next(pos)) {
                if (count == names) {
                    pieces.add(new Records(null, pos - from, owner.save(from, pos)));
                    from = pos;
                    count = 0;
                }
                count++;
            }
            pieces.add(new Records(null, length - from, owner.save(from, length)));
            return pieces;
        }
    }
}
