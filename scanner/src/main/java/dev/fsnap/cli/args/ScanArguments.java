package dev.fsnap.cli.args;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.console.Units;

import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunReference;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanOptions;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The options of a scan, shared by {@code scan} and {@code check}. */
public final class ScanArguments {
    public Integer threads;
    String backend = "auto";
    boolean follow;
    boolean oneFileSystem;
    java.time.Duration opTimeout;
    /** Where --metrics writes the run's metrics, or null. */
    public Path metrics;
    String statCall;
    boolean syncAttributes;
    Integer bufferSize;
    boolean xattrs;
    boolean integrity;
    boolean digest;
    String algorithm;
    /** --verify-budget as given, or null. */
    String verifyBudget;
    /** --verify-budget in bytes (0 when it is a time). */
    long verifyBytes;
    /** --verify-budget as a time, or null. */
    java.time.Duration verifyTime;
    java.time.Duration verifyWithin;
    /** --verify-within never: no window, not even the default. */
    boolean verifyNever;
    /** The window of a digest run that names none: every file read again within it, spread over the runs. */
    public static final java.time.Duration DEFAULT_VERIFY_WITHIN = java.time.Duration.ofDays(30);
    final List<String> excludes = new ArrayList<>();
    /** What a policy leaves out of the scan ({@link dev.fsnap.scan.Policy#excludes()}), after the --exclude rules. */
    public PathRules policyExcludes = PathRules.NONE;
    final List<Path> excludeFrom = new ArrayList<>();

    public void declare(Arguments a) {
        a.option("N", "Worker threads (default: one per processor on a local disk; on a network filesystem such as "
                        + "NFS, SMB or FUSE, 64 calls in flight to start with, then as many as read fastest, 4 to 256; "
                        + "the summary says which and why).", v -> threads = threads(v), "--threads")
                .option("NAME", "native, nio or auto (default: native where available, else nio; the summary says "
                        + "which).", v -> backend = v, "--backend")
                .flag("Follow symbolic links to directories (loops are detected).", () -> follow = true, "--follow")
                .flag("Stay on the root's filesystem.", () -> oneFileSystem = true, "-x", "--one-file-system")
                .option("TIME", "Give up on a filesystem call after this long (default 30s; 500ms, 2m; a bare number "
                        + "is seconds): what it was reading is recorded as unreadable (ETIMEDOUT), and after two such "
                        + "calls the rest of that filesystem too.", v -> opTimeout = opTimeout(v), "--op-timeout")
                .option("FILE.prom", "Write the run's metrics there, atomically, in Prometheus' text format for "
                        + "node_exporter's textfile collector: entries, bytes, changes by kind, unreadable, duration, "
                        + "threads, throughput, exit status and the last success's time, labelled by root.",
                        v -> metrics = path(v), "--metrics")
                .option("CALL", "Native backend on Linux: how each entry is read. fstatat (default): one call per entry; "
                        + "statx: one call per entry, with birth time and file flags; uring: io_uring's statx, up to 64 "
                        + "in flight per thread (one call per entry where the kernel refuses io_uring; the summary "
                        + "says so).",
                        v -> statCall = v, "--stat")
                .flag("On a network filesystem (NFS, SMB, FUSE), ask the server for every entry's attributes. "
                        + "By default the native backend takes those the client holds from the listing (READDIRPLUS): "
                        + "no round trip per entry, attributes at most the client's attribute cache time old.",
                        () -> syncAttributes = true, "--sync-attributes")
                .flag("Read each entry's extended attributes, never a link target's: ACLs, file capabilities, the "
                        + "SELinux label and any other (user.*, trusted.*, security.*), compared as the fields acl, "
                        + "caps, selinux and xattrs. One more call per entry (a round trip on a network filesystem). "
                        + "Native backend on Linux.", () -> xattrs = true, "--xattrs")
                .flag("Read all that fsnap can check of an entry: --stat statx (birth time, file flags such as "
                        + "immutable and append-only) and --xattrs.", () -> integrity = true, "--integrity")
                .flag("Read every regular file's content and keep its digest (SHA-256 unless --algorithm says "
                        + "otherwise). With check, a file whose size, times and inode are unchanged takes over its "
                        + "digest unread; new and changed files are always read. Reports corrupt (content changed, "
                        + "metadata not) and tampered (content and ctime changed, mtime put back). Native backend on "
                        + "Linux.", () -> digest = true, "--digest")
                .option("NAME", "The digest: sha256 (default; evidence against tampering) or xxh3-128 (faster, for bit "
                        + "rot only).", v -> algorithm = v, "--algorithm")
                .option("SIZE|TIME", "With --digest: also read again unchanged files, those verified longest ago "
                        + "first, of this many bytes in all (1000, 200K, 50M, 200G, 2T) or for this long (90s, 45min, "
                        + "2h, 1d): with 1/N of the data, every file is read again within N runs. A time picks as "
                        + "many bytes as the last run's reading speed gives (at least 50 MiB/s) and stops reading "
                        + "them when it is up; those left come first the next time.", v -> {
                            verifyTime = budgetTime(v);
                            verifyBytes = verifyTime == null ? bytes(v) : 0;
                            verifyBudget = v;
                        }, "--verify-budget")
                .option("TIME", "With --digest: read again every unchanged file verified longer ago than this "
                        + "(30d, 12h), whatever the budget; without a budget, a share of the data each run, spread so "
                        + "that every file is read again within TIME (a nightly run with 30d reads a thirtieth). "
                        + "Default with --digest: 30d. 'never' reads an unchanged file again only as a budget says.",
                        v -> {
                            verifyNever = v.equals("never");
                            verifyWithin = verifyNever ? null : duration(v);
                        }, "--verify-within")
                .option("BYTES", "Native backend: bytes asked of each getdents64 (default 65536, at most 16777216).",
                        v -> bufferSize = Arguments.integer(v, ScanOptions.DEFAULT_BUFFER_SIZE, ScanOptions.MAX_BUFFER_SIZE),
                        "--buffer-size")
                .option("PATTERN", "Leave out what PATTERN matches, relative to ROOT, in .gitignore syntax: *.tmp (a "
                        + "name at any depth), cache/ (directories only), /build or a/b (from ROOT), **, and !PATTERN "
                        + "to bring back what an earlier one left out. Repeatable; excluded directories are not "
                        + "entered. The patterns are recorded in the snapshot, and diff reports nothing either "
                        + "snapshot left out.", excludes::add, "--exclude")
                .option("FILE", "Read --exclude patterns from FILE, one per line (blank lines and # comments "
                        + "skipped); they apply before those given with --exclude. Repeatable.",
                        v -> excludeFrom.add(path(v)), "--exclude-from");
    }

    /** A path argument, or why the text is not one. */
    /**
     * A snapshot named on the command line: a file, or a run in a repository ({@code DIR@latest},
     * {@code DIR@-1}, {@code DIR@2026-11-28}).
     */
    public static Path snapshot(String text) {
        try {
            return RunReference.resolve(text).map(Run::snapshot).orElseGet(() -> path(text));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * @return the deadline of one filesystem call, when it is one a scan can keep
     * @throws IllegalArgumentException saying the range
     */
    public static java.time.Duration opTimeout(String text) {
        return Arguments.duration(text, "10ms", "1000000s");
    }

    /** --threads: a count a scan can run with; out of range, the way to have it chosen. */
    private static int threads(String text) {
        try {
            return Arguments.integer(text, 1, ScanOptions.MAX_THREADS);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("must be")
                    ? new IllegalArgumentException(e.getMessage() + " (leave it out for automatic)") : e;
        }
    }

    /**
     * Refuses, before the run, a {@code --metrics} file that the run could not or must not write;
     * a refused file is not written at the run's end either.
     *
     * @param others the other files the run reads or writes: the metrics may be none of them
     * @throws IllegalArgumentException naming the file and the reason
     */
    public void checkMetrics(Path... others) {
        if (metrics == null) {
            return;
        }
        try {
            AtomicFile.checkTarget(metrics, "--metrics", others);
        } catch (IllegalArgumentException e) {
            metrics = null;
            throw e;
        }
    }

    public static Path path(String text) {
        try {
            return CommandLine.path(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
    }

    /**
     * @throws IllegalArgumentException with a message for the user when an option is wrong
     */
    public ScanOptions options(String root) {
        if (root.isEmpty()) {
            throw new IllegalArgumentException("ROOT is empty: name a directory to scan");
        }
        Path path;
        try {
            path = CommandLine.path(root);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(root + ": not a valid path: " + e.getReason());
        }
        Backend b;
        try {
            b = Backend.valueOf(backend.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend must be native, nio or auto, not '" + backend + "'");
        }
        // --integrity is the library's preset; what is given besides it (--stat fstatat) wins.
        ScanOptions.Builder builder = (integrity ? ScanOptions.integrity(path) : ScanOptions.builder(path)).backend(b)
                .followSymlinks(follow).oneFileSystem(oneFileSystem).syncAttributes(syncAttributes);
        if (opTimeout != null) {
            builder.opTimeout(opTimeout);
        }
        if (xattrs) {
            builder.xattrs(true);
        }
        if (algorithm != null && !digest) {
            throw new IllegalArgumentException("--algorithm applies to --digest");
        }
        if (digest) {
            dev.fsnap.scan.Digest d = dev.fsnap.scan.Digest.ofLabel(algorithm == null ? "sha256" : algorithm);
            if (d == null && b != Backend.NIO) {
                throw new IllegalArgumentException("--algorithm must be sha256 or xxh3-128, not '" + algorithm + "'");
            }
            builder.digest(d == null ? dev.fsnap.scan.Digest.SHA256 : d);
        }
        if (verifyTime != null) {
            builder.verifyTime(verifyTime);
        } else if (verifyBudget != null) {
            builder.verifyBudget(verifyBytes);
        }
        if (verifyNever && !digest) {
            throw new IllegalArgumentException("--verify-budget and --verify-within apply to --digest");
        }
        if (verifyWithin != null) {
            builder.verifyWithin(verifyWithin);
        } else if (digest && !verifyNever) {
            builder.verifyWithin(DEFAULT_VERIFY_WITHIN);
        }
        if (statCall != null) {
            switch (statCall.toLowerCase(Locale.ROOT)) {
                case "statx" -> builder.statx(true).statCalls(ScanOptions.StatCalls.ONE_BY_ONE);
                case "fstatat" -> builder.statx(false).statCalls(ScanOptions.StatCalls.ONE_BY_ONE);
                case "uring" -> builder.statCalls(ScanOptions.StatCalls.RING);
                default -> {
                    if (b != Backend.NIO) {
                        throw new IllegalArgumentException("--stat must be uring, statx or fstatat, not '" + statCall
                                + "'");
                    }
                    builder.statx(false); // refused below: --stat is the native backend's
                }
            }
        }
        if (bufferSize != null) {
            try {
                builder.bufferSize(bufferSize);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--buffer-size: " + e.getMessage());
            }
        }
        builder.rules(policyExcludes); // first: --exclude and --exclude-from, after it, win where they match
        for (Path file : excludeFrom) {
            try {
                builder.rules(PathRules.read(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("--exclude-from " + IoMessages.describe(e));
            }
        }
        for (String pattern : excludes) {
            try {
                builder.exclude(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--exclude: " + e.getMessage());
            }
        }

        if (threads != null) {
            builder.threads(threads);
        }
        try {
            return builder.build();
        } catch (ScanOptions.ConflictException e) {
            throw new IllegalArgumentException(switch (e.conflict()) {
                case XATTRS_NEED_NATIVE -> "--xattrs applies to the native backend, not to --backend nio";
                case VERIFY_NEEDS_DIGEST -> "--verify-budget and --verify-within apply to --digest";
                case DIGEST_NEEDS_NATIVE -> "--digest applies to the native backend, not to --backend nio";
                case TUNING_NEEDS_NATIVE -> "--stat and --buffer-size apply to the native backend, not to --backend nio";
            });
        }
    }

    /**
     * The range of --verify-budget, for its messages: a size up to what a {@code long} of bytes
     * holds, or a time up to {@link ScanOptions#MAX_VERIFY_TIME} (a time's end is computed in
     * nanoseconds from the scan's start).
     */
    private static final String BUDGET_RANGE = "a size from 0 to 8388607T (1000, 200K, 50M, 200G, 2T) or a time "
            + "from 1s to " + Units.duration(ScanOptions.MAX_VERIFY_TIME) + " (90s, 45min, 2h, 1d)";

    /** A budget in time: a number with s, min, h or d; null when the text is no time (a size, then). */
    public static java.time.Duration budgetTime(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(s|min|h|d)").matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        java.math.BigInteger seconds = new java.math.BigInteger(m.group(1)).multiply(java.math.BigInteger.valueOf(
                switch (m.group(2)) {
                    case "d" -> 86400;
                    case "h" -> 3600;
                    case "min" -> 60;
                    default -> 1;
                }));
        if (seconds.signum() == 0
                || seconds.compareTo(java.math.BigInteger.valueOf(ScanOptions.MAX_VERIFY_TIME.toSeconds())) > 0) {
            throw new IllegalArgumentException("must be " + BUDGET_RANGE + ", not '" + text + "'");
        }
        return java.time.Duration.ofSeconds(seconds.longValueExact());
    }

    /** A size: a number of bytes, or with K, M, G, T (powers of 1024), at most 8388607T. */
    public static long bytes(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([KMGT]?)B?", java.util.regex.Pattern.CASE_INSENSITIVE)
                .matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be " + BUDGET_RANGE + ", not '" + text + "'");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        java.math.BigInteger n = new java.math.BigInteger(m.group(1)).shiftLeft(shift);
        if (n.compareTo(java.math.BigInteger.valueOf(8388607).shiftLeft(40)) > 0) {
            throw new IllegalArgumentException("must be " + BUDGET_RANGE + ", not '" + text + "'");
        }
        return n.longValueExact();
    }

    /** The limit of --verify-within: a time ({@link Arguments#duration}) a snapshot's clock can go back. */
    static java.time.Duration duration(String text) {
        return Arguments.duration(text, "1s", Units.duration(ScanOptions.MAX_VERIFY_WITHIN));
    }
}
