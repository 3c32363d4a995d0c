package dev.fsnap.walk;

import dev.fsnap.row.XattrValues;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.ContentSink;
import dev.fsnap.scan.Digest;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;
import dev.fsnap.bindings.ContentReader;
import dev.fsnap.bindings.DarwinDirectoryReader;
import dev.fsnap.bindings.LinuxDirectoryReader;
import dev.fsnap.bindings.FileErrors;
import dev.fsnap.bindings.PathBytes;
import dev.fsnap.bindings.StatFields;
import dev.fsnap.bindings.UnixDirectoryReader;
import jnr.constants.platform.Errno;

import java.io.IOException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The native Unix backend: the root stays open for the whole scan; every directory is opened
 * relative to it with {@code openat}, listed ({@code getdents64} on Linux, {@code readdir} on
 * macOS), and every entry stat'ed with {@code fstatat} (or {@code statx}) relative to its open
 * directory.
 */
final class NativeAccess extends FileSystemAccess {
    private final Path root;
    private final IntFunction<UnixDirectoryReader> readers;
    private final int bufferSize;
    private final UnixDirectoryReader rootReader;
    private int rootFd = -1;
    /**
     * In a shard's scan: the plan's root and the shard's root relative to it. The shard's root is
     * opened from the plan's root's descriptor, never by its path, so that the kernel refuses a
     * link swapped in on the way after the plan was checked. Else null.
     */
    private final Path plan;
    private final byte[] base;
    private final dev.fsnap.scan.ScanOptions.ShardScope shard;
    /** Whether links are followed: then directories are opened from the plan's root ({@link #beneathFd}). */
    private final boolean follow;
    /** In a shard's scan following links, the plan's root, below which links must stay; else -1. */
    private int beneathFd = -1;
    private final Set<Field> absent;
    /** The content digest's algorithm, or null when content is not read. */
    private final Digest digest;
    /** Whether a network filesystem's server is asked for every entry's attributes. */
    private final boolean syncAttributes;
    /** Where the workers take attributes from: set once the root's filesystem is known. */
    private volatile LinuxDirectoryReader.Attributes attributes = LinuxDirectoryReader.Attributes.AS_STAT;
    /** How stats are to be made, as the options say. */
    private final dev.fsnap.scan.ScanOptions.StatCalls statCalls;
    /** Whether the workers stat through io_uring: decided once the root's filesystem is known. */
    private volatile boolean ring;
    /** Why the workers stat one by one although io_uring was wanted, or null. */
    private volatile String ringRefused;
    /** Why a worker's ring stopped during the scan (it then stats one by one), or null. */
    private final java.util.concurrent.atomic.AtomicReference<String> ringStopped = new java.util.concurrent.atomic.AtomicReference<>();

    private NativeAccess(dev.fsnap.scan.ScanOptions options, int bufferSize, IntFunction<UnixDirectoryReader> readers,
                         Set<Field> absent, Digest digest) {
        this.root = options.root();
        this.plan = planRoot(options);
        this.shard = options.shard();
        this.follow = options.followSymlinks();
        this.base = plan == null ? null : PathBytes.of(plan.relativize(root.toAbsolutePath().normalize()));
        this.absent = absent;
        this.digest = digest;
        this.syncAttributes = options.syncAttributes();
        this.statCalls = options.statCalls();
        this.bufferSize = bufferSize;
        this.readers = readers;
        this.rootReader = readers.apply(LinuxDirectoryReader.MIN_BUFFER_SIZE);
    }

    /** Linux: {@code getdents64}, and {@code fstatat} or {@code statx}. */
    static NativeAccess linux(dev.fsnap.scan.ScanOptions options, Set<Field> absent) {
        boolean statx = options.statx();
        return new NativeAccess(options, options.bufferSize(), size -> new LinuxDirectoryReader(size, statx), absent,
                options.digest());
    }

    /** macOS: {@code fdopendir}/{@code readdir} and {@code fstatat}, under the architecture's symbol names. */
    static NativeAccess macos(dev.fsnap.scan.ScanOptions options, Set<Field> absent) {
        return new NativeAccess(options, options.bufferSize(), DarwinDirectoryReader::new, absent, null);
    }

    @Override
    Set<Field> absentFields() {
        return absent;
    }

    @Override
    Backend backend() {
        return Backend.NATIVE;
    }

    @Override
    void openRoot(EntryBatch batch) throws IOException {
        int i = batch.begin(0);
        if (plan != null) {
            openShardRoot();
            if (!rootReader.statPath(rootFd, DOT, false)) {
                throw FileErrors.of(root.toString(), rootReader.lastError(), "");
            }
            fill(rootReader, batch, i);
        } else {
            byte[] path = PathBytes.of(root);
            if (!rootReader.statPath(rootReader.workingDirectory(), path, true)) {
                throw FileErrors.of(root.toString(), rootReader.lastError(), "");
            }
            fill(rootReader, batch, i);
            if (batch.type[i] != EntryType.DIRECTORY) {
                throw new NotDirectoryException(root.toString());
            }
            rootFd = rootReader.openRoot(path);
            if (rootFd < 0) {
                throw FileErrors.of(root.toString(), rootReader.lastError(), "cannot open");
            }
        }
        filesystem = filesystemOf(rootReader, rootFd);
        // A network client's listing brought every entry's attributes: take them as it holds them,
        // or, asked to, ask its server for each.
        if (filesystem.network() && rootReader instanceof LinuxDirectoryReader && dev.fsnap.bindings.LinuxLibc.hasStatx()) {
            attributes = syncAttributes ? LinuxDirectoryReader.Attributes.SERVER : LinuxDirectoryReader.Attributes.CACHED;
        }
        // Stats through io_uring when asked: a ring made and tried here, on the root, or the reason.
        if (rootReader instanceof LinuxDirectoryReader linux && statCalls == dev.fsnap.scan.ScanOptions.StatCalls.RING) {
            String refused = linux.probeRing(rootFd);
            ring = refused == null;
            ringRefused = refused;
        }
        if (!absent.contains(Field.XATTRS) && rootReader instanceof LinuxDirectoryReader linux) {
            // The root is listed by no directory of the scan: its attributes are read here, of its descriptor.
            byte[][] pairs = linux.readXattrs(rootFd);
            if (pairs == null) {
                batch.errors.add(Failure.of(linux.lastError()).at(new byte[0], Operation.READ));
            } else {
                XattrValues.split(pairs, batch.values, i * EntryBatch.VALUES);
            }
        }
    }

    /**
     * Opens a shard's root from the plan's root, which is opened by its path as any scan's root is.
     * Without following links, name by name with no link followed, so that the kernel refuses a link
     * anywhere on the way (on every kernel) and says which; following them, in one call whose links
     * the kernel keeps below the plan's root ({@code RESOLVE_BENEATH}, where it has {@code openat2}).
     * A link there when the plan was checked is refused with a message before the scan starts
     * ({@code ShardPlan#scanOptions}); one swapped in since is refused here.
     */
    private void openShardRoot() throws IOException {
        int planFd = rootReader.openRoot(PathBytes.of(plan));
        if (planFd < 0) {
            throw FileErrors.of(plan.toString(), rootReader.lastError(), "cannot open");
        }
        if (follow) {
            beneathFd = planFd;
            rootFd = rootReader.openDirectory(planFd, base, base.length, true);
            if (rootFd < 0) {
                Errno e = rootReader.lastError();
                throw e == Errno.EXDEV ? new java.nio.file.FileSystemException(root.toString(), null, "shard "
                        + shard.index() + "'s root \"" + shard.root() + "\" leads outside the plan's root " + plan
                        + " through a symbolic link") : FileErrors.of(root.toString(), e, "cannot open");
            }
            return;
        }
        int at = planFd;
        Path reached = plan;
        int start = 0;
        while (start <= base.length) {
            int end = start;
            while (end < base.length && base[end] != '/') {
                end++;
            }
            byte[] name = java.util.Arrays.copyOfRange(base, start, end);
            reached = reached.resolve(PathBytes.path(name));
            int fd = rootReader.openDirectory(at, name, name.length, false);
            Errno e = fd < 0 ? rootReader.lastError() : null;
            rootReader.close(at);
            if (fd < 0) {
                // A link opened as a directory without following it: ELOOP, or ENOTDIR where O_DIRECTORY wins.
                boolean link = e == Errno.ELOOP || e == Errno.ENOTDIR && java.nio.file.Files.isSymbolicLink(reached);
                throw link ? new java.nio.file.FileSystemException(reached.toString(), null, "shard "
                        + shard.index() + "'s root \"" + shard.root() + "\" passes through this symbolic link, "
                        + "which a scan of the whole tree does not follow")
                        : FileErrors.of(reached.toString(), e, "cannot open");
            }
            at = fd;
            start = end + 1;
        }
        rootFd = at;
    }

    private static final dev.fsnap.internal.ScanInternals INTERNALS = dev.fsnap.internal.ScanInternals.get();

    private static Concurrency.Filesystem filesystemOf(UnixDirectoryReader reader, int fd) {
        String type = reader.filesystemType(fd);
        return type == null ? Concurrency.Filesystem.UNKNOWN : Concurrency.Filesystem.ofName(type);
    }

    private volatile Concurrency.Filesystem filesystem = Concurrency.Filesystem.UNKNOWN;

    @Override
    Concurrency.Filesystem filesystem() {
        return filesystem;
    }

    static java.nio.charset.Charset jnuCharset() {
        return PathBytes.jnu();
    }

    static void fill(UnixDirectoryReader r, EntryBatch b, int i) {
        b.type[i] = EntryType.ofMode(r.mode());
        r.copyStat(b.stat, i * StatFields.WIDTH);
    }

    @Override
    boolean knowsDirectoriesBeforeStat() {
        return true; // d_type
    }

    @Override
    Worker newWorker() {
        UnixDirectoryReader reader = readers.apply(bufferSize);
        if (reader instanceof LinuxDirectoryReader linux) {
            linux.attributesFrom(attributes);
            linux.statThroughRing(ring);
        }
        return beneathFd < 0 ? new NativeWorker(reader, rootFd, null, digest, ringStopped)
                : new NativeWorker(reader, beneathFd, base, digest, ringStopped);
    }

    @Override
    String statNote() {
        String from = switch (attributes) {
            case CACHED -> "attributes as the client cached them";
            case SERVER -> "attributes from the server";
            default -> null;
        };
        String stopped = ringStopped.get();
        String calls = ring ? (stopped == null ? "stats through io_uring"
                : "stats through io_uring until a ring failed (" + stopped + "), then one call per entry")
                : ringRefused != null ? "one stat call per entry: io_uring refused (" + ringRefused + ")" : null;
        return calls == null ? from : from == null ? calls : calls + ", " + from;
    }

    @Override
    public void close() {
        if (rootFd >= 0) {
            rootReader.close(rootFd);
            rootFd = -1;
        }
        if (beneathFd >= 0) {
            rootReader.close(beneathFd);
            beneathFd = -1;
        }
        rootReader.close();
    }

    private static final byte[] DOT = {'.'};

    private static final class NativeWorker extends Worker {
        private final UnixDirectoryReader reader;
        private final int rootFd;
        /** Prefixed to every directory's path (the shard's root below {@code rootFd}), or null. */
        private final byte[] base;
        /** The directory and record of the entry being stat'ed, for the steps after its stat. */
        private int statFd;
        private int statPosition;
        /** Whether that stat followed a link. */
        private boolean statFollowed;
        private final Digest digest;
        /** Reads content; made at the first file, closed with the worker. */
        private ContentReader content;
        private byte[] digestBuffer;
        /** Where each piece read is copied for a {@link ContentSink}: made at the first file one receives. */
        private byte[] piece;
        /** The records of the names whose stats are put in flight together (through io_uring). */
        private final int[] ahead = new int[LinuxDirectoryReader.STATS_AHEAD];
        /** Where this worker says why its ring stopped, for the summary. */
        private final java.util.concurrent.atomic.AtomicReference<String> ringStopped;

        NativeWorker(UnixDirectoryReader reader, int rootFd, byte[] base, Digest digest,
                     java.util.concurrent.atomic.AtomicReference<String> ringStopped) {
            this.reader = reader;
            this.rootFd = rootFd;
            this.base = base;
            this.digest = digest;
            this.ringStopped = ringStopped;
        }

        @Override
        byte[] content(EntryBatch batch, int i, java.util.concurrent.atomic.LongAdder read, long prefix,
                       ContentSink sink, boolean always) {
            changedSinceStat = false;
            prefixDigest = null;
            if (digest == null || !(reader instanceof LinuxDirectoryReader linux)) {
                failure = Failure.NOT_SUPPORTED;
                return null;
            }
            if (content == null) {
                content = digest == Digest.SHA256 ? ContentReader.sha256() : ContentReader.xxh3();
                digestBuffer = new byte[content.length()];
            }
            for (int attempt = 0; attempt < 2; attempt++) {
                if (!content.open(linux, statFd, statPosition)) {
                    failure = Failure.of(content.lastError());
                    return null;
                }
                changedSinceStat |= content.differsFrom(batch.stat, i * StatFields.WIDTH);
                content.digestPrefix(prefix);
                ContentSink.FileContent to = null;
                if (sink != null && (always || changedSinceStat)) {
                    try {
                        to = sink.open(batch.path(i), batch.stat[i * StatFields.WIDTH + StatFields.SIZE]);
                    } catch (IOException | RuntimeException e) {
                        content.closeFile();
                        failure = sinkFailed(e);
                        return null;
                    }
                    if (to != null && piece == null) {
                        piece = new byte[ContentReader.CHUNK];
                    }
                }
                long n;
                while ((n = content.read()) > 0) {
                    read.add(n);
                    batch.progressed();
                    if (to != null && !batch.abandoned) {
                        try {
                            to.write(piece, 0, content.copyPiece(piece));
                        } catch (IOException | RuntimeException e) {
                            content.closeFile();
                            abort(to);
                            failure = sinkFailed(e);
                            return null;
                        }
                        batch.progressed(); // the write had a deadline of its own
                    }
                    if (batch.abandoned) {
                        content.closeFile();
                        abort(to);
                        failure = Failure.of(Errno.ETIMEDOUT);
                        return null;
                    }
                }
                int changed = n < 0 ? -1 : content.finish(digestBuffer);
                if (changed < 0) {
                    content.closeFile();
                    abort(to);
                    failure = Failure.of(content.lastError());
                    return null;
                }
                if (changed == 0) {
                    if (to != null) {
                        if (batch.abandoned) { // given up on meanwhile: this read is not the one recorded
                            abort(to);
                            failure = Failure.of(Errno.ETIMEDOUT);
                            return null;
                        }
                        try {
                            to.commit(digestBuffer.clone());
                        } catch (IOException | RuntimeException e) {
                            abort(to);
                            failure = sinkFailed(e);
                            return null;
                        }
                    }
                    prefixDigest = content.prefixDigest();
                    return digestBuffer.clone();
                }
                abort(to); // changed while read: read once more
            }
            failure = Failure.CHANGING;
            return null;
        }

        /** Discards what a sink took of a read that did not end in a commit; what its abort throws is ignored. */
        private static void abort(ContentSink.FileContent to) {
            if (to == null) {
                return;
            }
            try {
                to.abort();
            } catch (RuntimeException ignored) {
                // its contract: it must not throw; the read's own failure is what is recorded
            }
        }

        /** A sink that failed to take a file: recorded as the file's read failure, so it is never taken as stored. */
        private static Failure sinkFailed(Exception e) {
            String why = e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString();
            return new Failure(ContentSink.ERROR_CODE, "Not stored: the content sink failed: " + why);
        }

        @Override
        Directory open(byte[] path, Object reference, boolean followLink) {
            byte[] p = base != null ? (path.length == 0 ? base : dev.fsnap.internal.Paths.child(base, path, 0, path.length))
                    : path.length == 0 ? DOT : path;
            int fd = reader.openDirectory(rootFd, p, p.length, followLink);
            if (fd < 0) {
                Errno e = reader.lastError();
                failure = e == Errno.EXDEV && followLink ? Failure.OUTSIDE_ROOT
                        : e == Errno.ELOOP && !followLink ? Failure.LINK_ON_PATH : Failure.of(e);
                return null;
            }
            if (!reader.startListing(fd)) {
                failure = Failure.of(reader.lastError());
                return null;
            }
            return new NativeDirectory(reader, fd);
        }

        @Override
        NameChunk read(Directory directory) {
            int n = reader.readListing(((NativeDirectory) directory).fd);
            if (n <= 0) {
                failure = n < 0 ? Failure.of(reader.lastError()) : null;
                return null;
            }
            for (int pos = 0; pos < n; pos = reader.next(pos)) {
                if (!reader.isSelfOrParent(pos)) {
                    return new Records(reader, n);
                }
            }
            return NO_NAMES;
        }

        @Override
        void stat(Directory directory, NameChunk chunk, EntryBatch b, boolean followLinks, Names which) {
            Records records = (Records) chunk;
            records.loadInto(reader);
            int fd = ((NativeDirectory) directory).fd;
            int pos = 0;
            if (reader instanceof LinuxDirectoryReader linux && linux.statsAhead() && !b.losesNames()) {
                pos = statAhead(linux, fd, records, b, followLinks, which);
            }
            for (; pos < records.length && !b.abandoned; pos = reader.next(pos)) {
                if (!wanted(pos, followLinks, which)) {
                    continue;
                }
                int i = begin(b, pos);
                if (b.lost(i)) {
                    continue;
                }
                boolean ok = reader.stat(fd, pos, followLinks);
                taken(fd, pos, b, i, ok, followLinks);
            }
        }

        private boolean wanted(int pos, boolean followLinks, Names which) {
            return !reader.isSelfOrParent(pos) && (which == Names.ALL
                    || (which == Names.MAYBE_DIRECTORIES) == reader.mayBeDirectory(pos, followLinks));
        }

        /** Begins the batch's entry for the record's name. */
        private int begin(EntryBatch b, int pos) {
            int len = reader.nameLength(pos);
            int i = b.begin(len);
            reader.copyName(pos, len, b.names, b.nameOffset[i]);
            b.commitName(len);
            return i;
        }

        /**
         * Stats the chunk's names through io_uring, {@link LinuxDirectoryReader#STATS_AHEAD} in flight
         * together, and takes each result in the listing's order as a stat one by one would be taken:
         * an entry is begun only once its own result is awaited, so that a stat that hangs is the
         * watchdog's name, not one whose result is in. Every request put in flight is settled before
         * this returns, given up on or not: the listing's buffer and the stat buffers stay the
         * kernel's until then.
         *
         * @return the record to go on from one by one: the chunk's end, or where the ring stopped
         */
        private int statAhead(LinuxDirectoryReader linux, int fd, Records records, EntryBatch b, boolean followLinks,
                              Names which) {
            int pos = 0;
            while (pos < records.length && !b.abandoned) {
                int from = pos;
                int n = 0;
                for (; pos < records.length && n < ahead.length; pos = reader.next(pos)) {
                    if (wanted(pos, followLinks, which)) {
                        ahead[n++] = pos;
                    }
                }
                if (n == 0) {
                    break;
                }
                if (!linux.statAhead(fd, ahead, n, followLinks)) {
                    ringStopped.compareAndSet(null, linux.ringRefusal());
                    return from;
                }
                try {
                    for (int k = 0; k < n && !b.abandoned; k++) {
                        int i = begin(b, ahead[k]);
                        int got;
                        while ((got = linux.awaitStat(k)) < 0 && !b.abandoned) {
                            // still in flight: wait again unless the watchdog gave up on this name
                        }
                        if (got < 0) {
                            b.dropLast(); // given up on: the rescue stats this chunk again
                            break;
                        }
                        taken(fd, ahead[k], b, i, got > 0, followLinks);
                    }
                } finally {
                    linux.settleStats();
                }
                if (!linux.statsAhead()) { // the ring failed: the rest one by one
                    ringStopped.compareAndSet(null, linux.ringRefusal());
                    return pos;
                }
            }
            return records.length;
        }

        /** Takes the stat of entry {@code i}, made or failed, and runs the scan's steps on it. */
        private void taken(int fd, int pos, EntryBatch b, int i, boolean ok, boolean followLinks) {
            if (!ok && followLinks && reader.lastError() == Errno.ENOENT) {
                ok = reader.stat(fd, pos, false); // a dangling link is reported as the link itself
            }
            if (!ok) {
                b.errors.add(Failure.of(reader.lastError()).at(b.path(i), Operation.STAT));
                b.dropLast();
                return;
            }
            fill(reader, b, i);
            if (b.type[i] == EntryType.SYMLINK) {
                byte[] target = reader.readLink(fd, pos);
                if (target == null) {
                    b.errors.add(Failure.of(reader.lastError()).at(b.path(i), Operation.READLINK));
                }
                b.setTarget(i, target);
            }
            statFd = fd;
            statPosition = pos;
            statFollowed = followLinks && b.type[i] != EntryType.SYMLINK;
            b.statted(this, i);
        }

        @Override
        boolean freshenStat(EntryBatch batch, int i) {
            if (!(reader instanceof LinuxDirectoryReader linux)
                    || linux.attributes() != LinuxDirectoryReader.Attributes.CACHED
                    || !linux.statFromServer(statFd, statPosition, statFollowed)) {
                return false;
            }
            fill(linux, batch, i);
            return true;
        }

        @Override
        byte[][] xattrs() {
            byte[][] pairs = reader instanceof LinuxDirectoryReader linux
                    ? linux.readXattrs(statFd, statPosition) : null;
            if (pairs == null) {
                failure = reader instanceof LinuxDirectoryReader ? Failure.of(reader.lastError())
                        : Failure.NOT_SUPPORTED;
            }
            return pairs;
        }

        @Override
        public void close() {
            reader.close();
            if (content != null) {
                content.close();
            }
        }
    }

    private static final class NativeDirectory extends Directory {
        private final UnixDirectoryReader opener;
        final int fd;

        NativeDirectory(UnixDirectoryReader opener, int fd) {
            this.opener = opener;
            this.fd = fd;
        }

        @Override
        void closeNow() {
            opener.endListing(fd);
        }
    }
}
