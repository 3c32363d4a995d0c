package dev.fsnap.scan;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to scan and how: immutable, made by {@link #builder(Path)}.
 */
public final class ScanOptions {
    /** The default listing buffer: 64 KiB, as the kernel's own readdir uses at most 32 KiB per call. */
    public static final int DEFAULT_BUFFER_SIZE = 64 * 1024;
    /** The largest listing buffer accepted: 16 MiB. */
    public static final int MAX_BUFFER_SIZE = 16 << 20;
    /**
     * The longest verification time budget accepted: a year. The scan keeps the time's end in
     * nanoseconds of the monotonic clock, which a budget of centuries would overflow.
     */
    public static final java.time.Duration MAX_VERIFY_TIME = java.time.Duration.ofDays(365);
    /** The longest --verify-within accepted: a century, far older than any file's last read. */
    public static final java.time.Duration MAX_VERIFY_WITHIN = java.time.Duration.ofDays(36500);
    /** The largest thread count accepted. */
    public static final int MAX_THREADS = 1024;
    /** The default deadline of one filesystem call. */
    public static final java.time.Duration DEFAULT_OP_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final Path root;
    private final int threads;
    private final Backend backend;
    private final boolean followSymlinks;
    private final boolean xattrs;
    private final Digest digest;
    private final ContentSink contentSink;
    private final long verifyBudget;
    private final java.time.Duration verifyTime;
    private final java.time.Duration verifyWithin;
    private final boolean oneFileSystem;
    private final int bufferSize;
    private final boolean statx;
    private final StatCalls statCalls;
    private final boolean syncAttributes;
    private final java.time.Duration opTimeout;
    private final PathRules rules;
    /** Whether every directory's names listed as directories are stat'ed first, not only on a network filesystem. */
    private final boolean directoriesFirst;
    private final ShardScope shard;

    private ScanOptions(Builder b) {
        this.shard = b.shard;
        this.rules = b.rules;
        this.directoriesFirst = b.directoriesFirst;
        this.statx = b.statx;
        this.statCalls = b.statCalls;
        this.syncAttributes = b.syncAttributes;
        this.opTimeout = b.opTimeout;
        this.root = b.root;
        this.threads = b.threads;
        this.backend = b.backend;
        this.followSymlinks = b.followSymlinks;
        this.xattrs = b.xattrs;
        this.digest = b.digest;
        this.contentSink = b.contentSink;
        this.verifyBudget = b.verifyBudget;
        this.verifyTime = b.verifyTime;
        this.verifyWithin = b.verifyWithin;
        this.oneFileSystem = b.oneFileSystem;
        this.bufferSize = b.bufferSize == null ? DEFAULT_BUFFER_SIZE : b.bufferSize;
    }

    /**
     * Starts options for a root.
     *
     * @param root the directory to scan
     * @return a builder with the defaults: automatic threads and backend, links not followed,
     *         mount points crossed
     * @throws NullPointerException when root is null
     */
    public static Builder builder(Path root) {
        return new Builder(Objects.requireNonNull(root, "root"));
    }

    /**
     * A builder holding these options, to derive others from them.
     *
     * @return a new builder with every option as here
     */
    public Builder toBuilder() {
        Builder b = new Builder(root);
        b.threads = threads;
        b.backend = backend;
        b.followSymlinks = followSymlinks;
        b.xattrs = xattrs;
        b.digest = digest;
        b.contentSink = contentSink;
        b.verifyBudget = verifyBudget;
        b.verifyBudgetChosen = verifyBudget != 0;
        b.verifyTime = verifyTime;
        b.verifyWithin = verifyWithin;
        b.oneFileSystem = oneFileSystem;
        // Only what differs from the defaults counts as chosen: a native-only choice left at its
        // default does not stop the copy from being scanned by NIO.
        b.bufferSize = bufferSize == DEFAULT_BUFFER_SIZE ? null : bufferSize;
        b.statx = statx;
        b.statCalls = statCalls;
        b.syncAttributes = syncAttributes;
        b.opTimeout = opTimeout;
        b.rules = rules;
        b.directoriesFirst = directoriesFirst;
        b.shard = shard;
        return b;
    }

    /** @return the directory to scan */
    public Path root() {
        return root;
    }

    /** @return worker threads, or 0 for the automatic choice */
    public int threads() {
        return threads;
    }

    /** @return the requested backend */
    public Backend backend() {
        return backend;
    }

    /** @return whether symbolic links to directories are followed (loops are detected) */
    public boolean followSymlinks() {
        return followSymlinks;
    }

    /** @return whether the scan reads each entry's extended attributes (ACLs, capabilities, SELinux label, others) */
    public boolean xattrs() {
        return xattrs;
    }

    /** @return the algorithm regular files' content is digested with, or null when content is not read */
    public Digest digest() {
        return digest;
    }

    /**
     * @return what receives the bytes of the files the digest reads ({@link Builder#contentSink}),
     *         or null when none does
     */
    public ContentSink contentSink() {
        return contentSink;
    }

    /**
     * @return bytes of unchanged files to read again beyond those the schedule requires, oldest
     *         verification first ({@code 0}: none)
     */
    public long verifyBudget() {
        return verifyBudget;
    }

    /**
     * @return how long the scan may spend reading unchanged files again, those verified longest ago
     *         first, or null when the budget is in bytes ({@link #verifyBudget()}) or there is none
     */
    public java.time.Duration verifyTime() {
        return verifyTime;
    }

    /** @return the longest an unchanged file may go without being read again, or null for no limit */
    public java.time.Duration verifyWithin() {
        return verifyWithin;
    }

    /** @return whether the scan stays on the root's device */
    public boolean oneFileSystem() {
        return oneFileSystem;
    }

    /** @return the native listing buffer size in bytes */
    public int bufferSize() {
        return bufferSize;
    }

    /**
     * @return whether the native backend reads each entry with {@code statx} (birth time, file flags
     *         such as immutable and append-only) rather than {@code fstatat}
     */
    public boolean statx() {
        return statx;
    }

    /** @return how the native backend makes its stats on Linux (see {@link Builder#statCalls}) */
    public StatCalls statCalls() {
        return statCalls;
    }

    /**
     * How the native backend on Linux makes its stats: one system call each, or many in flight
     * through io_uring. Either gives the same fields, byte for byte.
     */
    public enum StatCalls {
        /** One system call per entry: {@code fstatat}, or {@code statx} with {@link Builder#statx}. The default. */
        ONE_BY_ONE,
        /**
         * Through io_uring ({@code IORING_OP_STATX}; Linux 5.11 for the timed waits it needs): up to
         * 64 stats of a directory in flight per thread, submitted and collected in one system call.
         * The kernel runs each in a worker thread of its own, which costs more than the call it
         * saves where the inodes are cached (measured in docs/performance.md): worth trying where
         * stats wait on a device or a server. Where the kernel refuses io_uring (EPERM:
         * {@code kernel.io_uring_disabled}, a container's seccomp filter; ENOSYS: an old kernel),
         * one by one, and the scan's summary says why.
         */
        RING
    }

    /**
     * @return whether every entry's attributes are asked of a network filesystem's server, rather
     *         than taken as its client cached them from the listing (see {@link Builder#syncAttributes})
     */
    public boolean syncAttributes() {
        return syncAttributes;
    }

    /**
     * How long one filesystem call (open, list, stat, close) may take before the scan gives up on it
     * and records what it was reading as unreadable ({@code ETIMEDOUT}).
     *
     * @return the deadline
     */
    public java.time.Duration opTimeout() {
        return opTimeout;
    }

    /** Whether directories are stat'ed first everywhere (see {@link Builder#directoriesFirst}). */
    boolean directoriesFirst() {
        return directoriesFirst;
    }

    /**
     * Which entries the scan leaves out; an excluded directory is not entered.
     *
     * @return the rules, {@link PathRules#NONE} by default
     */
    public PathRules rules() {
        return rules;
    }

    /**
     * The shard of a plan this scan covers, or null for a whole tree: see {@link ShardScope}.
     *
     * @return the shard
     */
    public ShardScope shard() {
        return shard;
    }

    /**
     * One shard of a tree split for many machines: its scan records the directories other shards
     * cover as entries, without entering them (their references are "not scanned"), and its snapshot
     * names the plan and the shard, so that the parts can be merged into the snapshot of the whole
     * tree ({@code dev.fsnap.snapshot.ShardPlan}, {@code SnapshotMerge}).
     *
     * @param plan the plan's identity ({@code ShardPlan#id()})
     * @param index the shard's index in the plan
     * @param root the shard's root relative to the plan's ({@code ""}: the plan's root): exclusion
     *             rules match paths from the plan's root, as they do in a scan of the whole tree
     * @param covered the directories other shards cover, relative to this scan's root, "/"-separated
     */
    public record ShardScope(String plan, int index, String root, java.util.Set<String> covered) {
        /**
         * Checks and copies.
         *
         * @param plan the plan's identity
         * @param index the shard's index
         * @param root the shard's root relative to the plan's
         * @param covered the directories other shards cover
         * @throws IllegalArgumentException when the plan is empty or the index negative
         */
        public ShardScope {
            if (plan == null || plan.isEmpty() || index < 0) {
                throw new IllegalArgumentException("a shard needs its plan's identity and an index of 0 or more");
            }
            covered = java.util.Set.copyOf(covered);
        }
    }

    @Override
    public String toString() {
        return "ScanOptions[root=" + root + ", threads=" + (threads == 0 ? "auto" : threads) + ", backend=" + backend
                + ", followSymlinks=" + followSymlinks + ", xattrs=" + xattrs + ", oneFileSystem=" + oneFileSystem + ", bufferSize="
                + bufferSize + ", statx=" + statx + (statCalls == StatCalls.ONE_BY_ONE ? "" : ", statCalls=" + statCalls) + (syncAttributes ? ", syncAttributes=true" : "") + ", opTimeout=" + opTimeout + (rules.isEmpty() ? "" : ", rules=" + rules)
                + (shard == null ? "" : ", shard=" + shard.index() + " of " + shard.plan()) + "]";
    }

    /**
     * The presets of {@code fsnap scan --integrity}: all that fsnap can check of an entry, with the
     * defaults otherwise. Each entry is read with {@code statx} (birth time, file flags such as
     * immutable and append-only) and its extended attributes are read (ACLs, file capabilities, the
     * SELinux label, others). Both are the native backend's, on Linux: the builder refuses
     * {@link Backend#NIO} ({@link Conflict#XATTRS_NEED_NATIVE}).
     *
     * @param root the directory to scan
     * @return a builder with these settings, to change or add to
     * @throws NullPointerException when root is null
     */
    public static Builder integrity(Path root) {
        return builder(root).statx(true).xattrs(true);
    }

    /** A rule two settings break, as {@link Builder#build()} finds it. */
    public enum Conflict {
        /** Extended attributes ({@link Builder#xattrs}) are read by the native backend only, not by {@link Backend#NIO}. */
        XATTRS_NEED_NATIVE("xattrs are read by the native backend only, not by backend NIO"),
        /**
         * A verification budget or limit ({@link Builder#verifyBudget}, {@link Builder#verifyTime},
         * {@link Builder#verifyWithin}) applies to a scan that reads content ({@link Builder#digest}).
         */
        VERIFY_NEEDS_DIGEST("verifyBudget, verifyTime and verifyWithin apply to a scan with a digest, and none was set"),
        /** Content ({@link Builder#digest}) is read by the native backend only, not by {@link Backend#NIO}. */
        DIGEST_NEEDS_NATIVE("a digest is read by the native backend only, not by backend NIO"),
        /** {@link Builder#statx} and {@link Builder#bufferSize} are choices of the native backend, not of {@link Backend#NIO}. */
        TUNING_NEEDS_NATIVE("statx and bufferSize are choices of the native backend, not of backend NIO");

        private final String message;

        Conflict(String message) {
            this.message = message;
        }

        /** @return what is wrong, naming the settings as the builder does */
        public String message() {
            return message;
        }
    }

    /** Settings that do not go together, refused by {@link Builder#build()}. */
    public static final class ConflictException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        /** The rule the settings break. */
        private final Conflict conflict;

        ConflictException(Conflict conflict) {
            super(conflict.message());
            this.conflict = conflict;
        }

        /** @return the rule the settings break */
        public Conflict conflict() {
            return conflict;
        }
    }

    /** Builds {@link ScanOptions}; every setter validates its argument at once, {@link #build()} their combination. */
    public static final class Builder {
        private Path root;
        private int threads;
        private Backend backend = Backend.AUTO;
        private boolean followSymlinks;
        private boolean xattrs;
        private Digest digest;
        private ContentSink contentSink;
        private long verifyBudget;
        /** Whether {@link #verifyBudget} was given, 0 included: a budget that needs a digest. */
        private boolean verifyBudgetChosen;
        private java.time.Duration verifyTime;
        private java.time.Duration verifyWithin;
        private boolean oneFileSystem;
        /** The listing buffer when chosen, else null (the default): a choice only the native backend has. */
        private Integer bufferSize;
        private boolean statx;
        private StatCalls statCalls = StatCalls.ONE_BY_ONE;
        /** Whether {@link #statx} or {@link #statCalls} was called, false included: a choice of the native backend's, refused with NIO. */
        private boolean statCallChosen;
        private boolean syncAttributes;
        private java.time.Duration opTimeout = DEFAULT_OP_TIMEOUT;
        private PathRules rules = PathRules.NONE;
        private boolean directoriesFirst;
        private ShardScope shard;

        private Builder(Path root) {
            this.root = root;
        }

        /**
         * Sets the worker thread count.
         *
         * @param threads 1 to {@value #MAX_THREADS}, or 0 for automatic: one per core on a local
         *                disk; on a network filesystem, 64 calls in flight to start with, then as many
         *                as read fastest (the summary says which and why)
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder threads(int threads) {
            if (threads < 0 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("threads must be between 1 and " + MAX_THREADS
                        + " (or 0 for automatic), not " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Sets the backend.
         *
         * @param backend the backend
         * @return this builder
         * @throws NullPointerException when null
         */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Reads each entry's extended attributes below the root, its own and never a link target's,
         * into the fields {@link Field#ACL}, {@link Field#CAPS}, {@link Field#SELINUX} and
         * {@link Field#XATTRS}: one more call per entry (a round trip on a network filesystem), more
         * for the entries that have some. Native backend on Linux only; elsewhere these fields are
         * absent. Off by default.
         *
         * @param read whether to read them
         * @return this builder
         */
        public Builder xattrs(boolean read) {
            this.xattrs = read;
            return this;
        }

        /**
         * Reads every regular file's content and keeps its digest (field {@link Field#CONTENT}). A
         * file whose size, times and inode equal those of the baseline snapshot the scan is given
         * (a check) takes over its digest unread, unless the verification schedule picks it
         * ({@link #verifyBudget}, {@link #verifyWithin}). Native backend on Linux only.
         *
         * @param algorithm the digest, or null not to read content (the default)
         * @return this builder
         */
        public Builder digest(Digest algorithm) {
            this.digest = algorithm;
            return this;
        }

        /**
         * Gives the bytes of each file the digest reads to a sink, in the same pass: an incremental
         * backup reads each new or changed file once, for its store and its digest together. Files
         * whose digest is taken over from the baseline unread are not given (see {@link ContentSink}
         * for which are, and what a failure of the sink does); with a sink, a file whose baseline is
         * racy is read again rather than taken over. Needs a {@link #digest} and the native
         * backend on Linux: {@link #build()} refuses it without a digest or with {@link Backend#NIO},
         * and a scan whose automatic backend cannot read content refuses to start. A scan without a
         * sink (the default) copies no bytes.
         *
         * @param sink the sink, or null for none
         * @return this builder
         */
        public Builder contentSink(ContentSink sink) {
            this.contentSink = sink;
            return this;
        }

        /**
         * Reads again, besides new and changed files, unchanged files of this many bytes in all,
         * those verified longest ago first: with 1/N of the data each night, every file is read
         * again within N nights.
         *
         * @param bytes the budget, at least 0
         * @return this builder
         * @throws IllegalArgumentException when negative
         */
        public Builder verifyBudget(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("the verify budget must be at least 0 bytes, not " + bytes);
            }
            this.verifyBudget = bytes;
            this.verifyBudgetChosen = true;
            this.verifyTime = null;
            return this;
        }

        /**
         * Reads again, besides new and changed files, unchanged files for about this long, those
         * verified longest ago first: the files are chosen before the scan, as many bytes as the last
         * run's reading speed gives in this time (at least 50 MiB a second),
         * and the scan stops reading them again when the time is up; those left are first in line the
         * next time. Files overdue by {@link #verifyWithin} are read whatever the time. Replaces a
         * budget in bytes.
         *
         * @param time the time, or null for none
         * @return this builder
         * @throws IllegalArgumentException when not positive, or longer than {@link #MAX_VERIFY_TIME}
         */
        public Builder verifyTime(java.time.Duration time) {
            if (time != null && (time.isNegative() || time.isZero() || time.compareTo(MAX_VERIFY_TIME) > 0)) {
                throw new IllegalArgumentException("the verify budget must be a positive time of at most "
                        + MAX_VERIFY_TIME + ", not " + time);
            }
            this.verifyTime = time;
            this.verifyBudget = 0;
            this.verifyBudgetChosen = false;
            return this;
        }

        /**
         * Reads again every unchanged file verified longer ago than this, whatever the budget.
         * Without a budget ({@link #verifyBudget}, {@link #verifyTime}) it also sets one, spread
         * evenly over the runs: the share of all the content that the time since the last run is of
         * this window, oldest first (a nightly run with 30 days reads a thirtieth), so that the
         * files of one night do not all come due on the same later night.
         *
         * @param within the longest time without a read, or null for none
         * @return this builder
         * @throws IllegalArgumentException when not positive, or longer than {@link #MAX_VERIFY_WITHIN}
         */
        public Builder verifyWithin(java.time.Duration within) {
            if (within != null && (within.isNegative() || within.isZero() || within.compareTo(MAX_VERIFY_WITHIN) > 0)) {
                throw new IllegalArgumentException("verifyWithin must be a positive time of at most "
                        + MAX_VERIFY_WITHIN + ", not " + within);
            }
            this.verifyWithin = within;
            return this;
        }

        /**
         * Sets whether symbolic links to directories are followed.
         *
         * @param follow true to follow
         * @return this builder
         */
        public Builder followSymlinks(boolean follow) {
            this.followSymlinks = follow;
            return this;
        }

        /**
         * Sets whether the scan stays on the root's device.
         *
         * @param oneFileSystem true to stay
         * @return this builder
         */
        public Builder oneFileSystem(boolean oneFileSystem) {
            this.oneFileSystem = oneFileSystem;
            return this;
        }

        /**
         * Sets the native listing buffer size (bytes asked of each {@code getdents64}). Native
         * backend only.
         *
         * @param bytes at least 64 KiB, at most 16 MiB
         * @return this builder
         * @throws IllegalArgumentException when out of range
         */
        public Builder bufferSize(int bytes) {
            if (bytes < DEFAULT_BUFFER_SIZE || bytes > MAX_BUFFER_SIZE) {
                throw new IllegalArgumentException("buffer size must be between 65536 and 16777216 bytes, not "
                        + bytes);
            }
            this.bufferSize = bytes;
            return this;
        }

        /**
         * Reads each entry with {@code statx} (Linux 4.11, glibc 2.28), which gives the birth time and
         * the file flags (immutable, append-only) that {@code fstatat}, the default, does not; a
         * filesystem that does not fill a field is asked again with {@code fstatat}. Which call is
         * faster depends on the kernel and the filesystem. Native backend only.
         *
         * @param statx true for {@code statx}, false for {@code fstatat} (the default)
         * @return this builder
         */
        public Builder statx(boolean statx) {
            this.statx = statx;
            this.statCallChosen = true;
            return this;
        }

        /**
         * How stats are made on Linux: one system call each, or through io_uring ({@link StatCalls});
         * {@link StatCalls#ONE_BY_ONE} by default. Native backend only.
         *
         * @param calls how
         * @return this builder
         */
        public Builder statCalls(StatCalls calls) {
            this.statCalls = java.util.Objects.requireNonNull(calls, "calls");
            this.statCallChosen = true;
            return this;
        }

        /**
         * Whether every entry's attributes are asked of the server on a network filesystem (NFS, SMB,
         * FUSE). By default the native backend takes the attributes the client already holds for a
         * name it has just listed ({@code statx} with {@code AT_STATX_DONT_SYNC}): an NFS listing
         * (READDIRPLUS) brings every entry's attributes, and a stat that asks again costs one round
         * trip per entry once the client's attribute cache time ({@code actimeo}, up to a minute)
         * has passed, which on a large directory it has before the listing ends. The attributes
         * taken are then at most that old: a change in the last moments before the scan may be seen
         * by the next scan instead (docs/operations.md); a file whose content is about to be read
         * is stat'ed again from the server first. Synced, each stat asks the server
         * ({@code AT_STATX_FORCE_SYNC}), even where the client's cache is fresh. Local
         * filesystems ignore this; the NIO backend stats as {@code stat} does.
         *
         * @param sync true to ask the server for each entry's attributes
         * @return this builder
         */
        public Builder syncAttributes(boolean sync) {
            this.syncAttributes = sync;
            return this;
        }

        /**
         * Sets the deadline of one filesystem call: a call that has not returned by then (a dead
         * NFS server) is given up on, and what it was reading is recorded as unreadable.
         *
         * @param timeout at least 10 ms
         * @return this builder
         * @throws IllegalArgumentException when shorter
         * @throws NullPointerException when null
         */
        public Builder opTimeout(java.time.Duration timeout) {
            if (timeout.toMillis() < 10) {
                throw new IllegalArgumentException("the operation timeout must be at least 10 ms, not " + timeout);
            }
            this.opTimeout = timeout;
            return this;
        }

        /**
         * Leaves out the entries a glob pattern matches, relative to the root, in the syntax of
         * {@code .gitignore} (see {@link PathRules}). Patterns apply in the order given; the last
         * one that matches an entry decides.
         *
         * @param pattern for example {@code *.tmp}, {@code cache/}, {@code /home/*}{@code /Downloads}
         * @return this builder
         * @throws IllegalArgumentException when the pattern is not valid (the message says why)
         * @throws NullPointerException when null
         */
        public Builder exclude(String pattern) {
            rules = rules.and(PathRules.of(java.util.List.of(pattern)));
            return this;
        }

        /**
         * Brings back entries an earlier {@link #exclude} pattern left out (a {@code !} pattern of
         * {@code .gitignore}). Nothing below an excluded directory can be brought back: it is never entered.
         *
         * @param pattern the pattern, without the {@code !}
         * @return this builder
         * @throws IllegalArgumentException when the pattern is not valid
         * @throws NullPointerException when null
         */
        public Builder include(String pattern) {
            return exclude("!" + java.util.Objects.requireNonNull(pattern, "pattern"));
        }

        /**
         * Adds rules after those already given.
         *
         * @param rules the rules, for example from {@link PathRules#read}
         * @return this builder
         * @throws NullPointerException when null
         */
        public Builder rules(PathRules rules) {
            this.rules = this.rules.and(rules);
            return this;
        }

        /**
         * Replaces the root: the same options for another tree.
         *
         * @param root the directory to scan
         * @return this builder
         */
        public Builder root(Path root) {
            this.root = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Scans one shard of a plan: the root is the shard's root, and the directories other shards
         * cover are recorded but not entered.
         *
         * @param shard the shard, or null for the whole tree
         * @return this builder
         */
        public Builder shard(ShardScope shard) {
            this.shard = shard;
            return this;
        }

        /**
         * Stats the names a listing gives as directories first on every filesystem, as the scan does
         * on network ones by itself: for tests of that order on local trees.
         */
        Builder directoriesFirst(boolean always) {
            this.directoriesFirst = always;
            return this;
        }

        /**
         * Checks that the settings go together, and makes the options.
         *
         * @return the options
         * @throws ConflictException when two settings do not go together: {@link ConflictException#conflict()}
         *         says which, its message names them
         * @throws IllegalArgumentException when a {@link #contentSink} is set without a {@link #digest},
         *         or with {@link Backend#NIO}: the message says which
         */
        public ScanOptions build() {
            if (contentSink != null && digest == null) {
                throw new IllegalArgumentException("contentSink receives the files a digest reads, and no digest was set");
            }
            if (contentSink != null && backend == Backend.NIO) {
                throw new IllegalArgumentException("contentSink is given the content the native backend reads, "
                        + "not backend NIO (which reads no content)");
            }
            Conflict c = conflict();
            if (c != null) {
                throw new ConflictException(c);
            }
            return new ScanOptions(this);
        }

        /** The first rule these settings break, in the order the command line has always checked them; or null. */
        private Conflict conflict() {
            boolean nio = backend == Backend.NIO;
            if (nio && xattrs) {
                return Conflict.XATTRS_NEED_NATIVE;
            }
            if (digest == null && (verifyBudgetChosen || verifyTime != null || verifyWithin != null)) {
                return Conflict.VERIFY_NEEDS_DIGEST;
            }
            if (nio && digest != null) {
                return Conflict.DIGEST_NEEDS_NATIVE;
            }
            if (nio && (statCallChosen || statx || statCalls != StatCalls.ONE_BY_ONE || bufferSize != null)) {
                return Conflict.TUNING_NEEDS_NATIVE;
            }
            return null;
        }
    }
}
