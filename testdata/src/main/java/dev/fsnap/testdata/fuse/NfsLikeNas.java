package dev.fsnap.testdata.fuse;

import dev.fsnap.testdata.CProgram;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A FUSE filesystem that shows a real directory read-only the way an NFS client shows a server's
 * export over a slow link: a daemon in C ({@code nfs-like-nas.c}, beside this class) written
 * against libfuse 3's low-level API, compiled on first use and run as a child process, that counts
 * every request the kernel sends it, by kind.
 *
 * <pre>
 * try (NfsLikeNas nas = NfsLikeNas.builder().latency(Duration.ofMillis(1))
 *         .entryTimeout(Duration.ofSeconds(600)).hang("dir/that/dies").mount(source, mountPoint)) {
 *     NfsLikeNas.Counts before = nas.counts();
 *     ...                                   // a scan of mountPoint
 *     nas.counts().minus(before).roundTrips();
 *     nas.release();                        // the server comes back
 * }
 * </pre>
 *
 * <p>What it plays of an NFS client:
 * <ul>
 * <li>Round trips: every request an NFSv3 client sends an RPC for (LOOKUP, GETATTR, READDIR,
 *     READDIRPLUS, OPEN, READ, READLINK, STATFS, and the extended attributes of NFSv4.2) first waits
 *     the latency; the rest (opening and closing a directory, closing a file, forgetting an inode,
 *     the empty listing the kernel asks for after the last entry) is free.
 * <li>READDIRPLUS: a listing carries each entry's attributes, which the kernel keeps, so a stat of
 *     a listed name asks nothing more while they are valid. Off, a listing gives names only and
 *     each stat is a LOOKUP.
 * <li>actimeo: the attribute and entry timeouts the kernel is given with every answer, listings
 *     included. {@code entryTimeout(600 s)} with {@code attrTimeout(0)} is a client that trusts
 *     names but revalidates attributes: a second stat of a name is a GETATTR, not a LOOKUP.
 * <li>Directory operations side by side (a Linux NFS client looks names up in one directory in
 *     parallel), or serialized, the kernel's FUSE default.
 * <li>A dead server: a hung path's lookup, and every request on it or below it, blocks until
 *     {@link #release()}. A blocked caller can still be killed, as on a hard NFS mount.
 * </ul>
 *
 * <p>What it cannot: there is no NFS server or client here. No close-to-open consistency, no
 * change attribute: the kernel revalidates a name by its entry timeout alone, never by asking
 * whether the directory changed; no negative lookups cached; no directory contents cached between
 * listings; no RPC slot table (requests in flight are bounded by the kernel's FUSE queue and the
 * daemon's 1024 threads, not by a number of slots); no {@code /proc/self/mountstats}. With
 * {@code defaultPermissions} (the default) the kernel checks modes from the attributes it holds,
 * so with an attribute timeout of 0 every name looked up costs a GETATTR of its directory as well.
 *
 * <p>Closing releases what is blocked and unmounts lazily (so a call still stuck in the kernel
 * cannot keep the mount), then stops the daemon; a shutdown hook closes whatever a failed test left
 * mounted, and the daemon unmounts by itself when this JVM dies (its standard input ends).
 */
public final class NfsLikeNas implements AutoCloseable {
    private static final Set<NfsLikeNas> MOUNTED = ConcurrentHashMap.newKeySet();
    private static final String SOURCE = "nfs-like-nas.c";
    /** The counters file's first word: the bytes "NFSLKNAS" on a little-endian host. */
    private static final long MAGIC = 0x53414E4B4C53464EL;
    private static final int WORDS = 28;
    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final Duration MOUNT_LIMIT = Duration.ofSeconds(30);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MOUNTED.forEach(NfsLikeNas::close),
                "nfs-like-nas-unmount"));
    }

    private static String unavailable;
    private static Path daemon;

    private final Path mountPoint;
    private final Process process;
    private final OutputStream stdin;
    private final Path counters;
    private final Path log;
    private volatile MappedByteBuffer words;
    private volatile boolean closed;

    private NfsLikeNas(Path mountPoint, Process process, Path counters, Path log) {
        this.mountPoint = mountPoint;
        this.process = process;
        this.stdin = process.getOutputStream();
        this.counters = counters;
        this.log = log;
    }

    /**
     * Why this filesystem cannot be mounted here, or null when it can: it needs {@code /dev/fuse},
     * a C compiler ({@code cc}), libfuse 3's headers ({@code pkg-config fuse3}), and root or
     * {@code fusermount3} with {@code user_allow_other} in {@code /etc/fuse.conf}.
     *
     * @return the reason, for a test's skip message
     */
    public static synchronized String unavailableReason() {
        if (unavailable == null) {
            unavailable = findUnavailableReason();
        }
        return unavailable.isEmpty() ? null : unavailable;
    }

    private static String findUnavailableReason() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing (no FUSE in this kernel or container)";
        }
        if (CProgram.onPath("cc") == null) {
            return "no C compiler: cc is not on the PATH (Debian: apt-get install gcc)";
        }
        if (CProgram.onPath("pkg-config") == null || run(List.of("pkg-config", "--exists", "fuse3")) != 0) {
            return "libfuse 3's headers are missing: pkg-config fuse3 fails"
                    + " (Debian: apt-get install pkg-config libfuse3-dev)";
        }
        if (!CProgram.isRoot()) {
            if (CProgram.onPath("fusermount3") == null) {
                return "not root, and fusermount3 is missing (Debian: apt-get install fuse3)";
            }
            try {
                if (Files.readAllLines(Path.of("/etc/fuse.conf")).stream()
                        .noneMatch(l -> l.strip().equals("user_allow_other"))) {
                    return "not root, and /etc/fuse.conf lacks user_allow_other (the mount is allow_other)";
                }
            } catch (IOException e) {
                return "not root, and /etc/fuse.conf is unreadable: " + e;
            }
        }
        return "";
    }

    private static int run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * The daemon, compiled from the source beside this class on first use and kept, named by a hash
     * of the source, in a directory of this user's own: later runs and other JVMs reuse it. Runs by
     * hand as {@code DAEMON [OPTIONS] SOURCE MOUNTPOINT} (its {@code --help} lists the options).
     *
     * @return the executable
     * @throws IOException when it cannot be compiled (the compiler's messages are in it)
     */
    public static synchronized Path daemon() throws IOException {
        if (daemon != null && Files.isExecutable(daemon)) {
            return daemon;
        }
        List<String> flags = new ArrayList<>(List.of(CProgram.output(List.of("pkg-config", "--cflags", "--libs",
                "fuse3")).strip().split("\\s+")));
        flags.add("-lpthread");
        Path binary = CProgram.compile(NfsLikeNas.class, SOURCE, "nfs-like-nas", flags);
        daemon = binary;
        return binary;
    }

    /** @return a builder with the defaults: no latency, READDIRPLUS, timeouts 0, parallel directory operations */
    public static Builder builder() {
        return new Builder();
    }

    /** How the filesystem behaves; each setter returns this builder. */
    public static final class Builder {
        private Duration latency = Duration.ZERO;
        private boolean readdirplus = true;
        private Duration attrTimeout = Duration.ZERO;
        private Duration entryTimeout = Duration.ZERO;
        private boolean parallelDirops = true;
        private boolean defaultPermissions = true;
        private final List<String> hangs = new ArrayList<>();

        private Builder() {
        }

        private static Duration notNegative(String what, Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative: " + d);
            }
            return d;
        }

        /**
         * @param latency what every round trip to the server waits first (to the microsecond)
         * @return this builder
         */
        public Builder latency(Duration latency) {
            this.latency = notNegative("latency", latency);
            return this;
        }

        /**
         * @param on whether listings are READDIRPLUS, carrying each entry's attributes (the default),
         *           or READDIR, names only
         * @return this builder
         */
        public Builder readdirplus(boolean on) {
            this.readdirplus = on;
            return this;
        }

        /**
         * @param timeout how long the kernel trusts attributes it was given (actimeo's attribute part)
         * @return this builder
         */
        public Builder attrTimeout(Duration timeout) {
            this.attrTimeout = notNegative("attrTimeout", timeout);
            return this;
        }

        /**
         * @param timeout how long the kernel trusts a name it looked up, or was given by a listing
         * @return this builder
         */
        public Builder entryTimeout(Duration timeout) {
            this.entryTimeout = notNegative("entryTimeout", timeout);
            return this;
        }

        /**
         * @param on whether lookups and listings in one directory run side by side (the default), or
         *           one at a time
         * @return this builder
         */
        public Builder parallelDirops(boolean on) {
            this.parallelDirops = on;
            return this;
        }

        /**
         * @param on whether the kernel checks permissions itself from the attributes it holds (the
         *           default; with an attribute timeout of 0 that is a GETATTR of the directory for
         *           every name looked up in it), or leaves them to the server
         * @return this builder
         */
        public Builder defaultPermissions(boolean on) {
            this.defaultPermissions = on;
            return this;
        }

        /**
         * Makes a path hang until {@link NfsLikeNas#release()}: its lookup, and every request on it
         * or below it, blocks; listings of its parent still answer (without its attributes).
         *
         * @param relative a path relative to the source, {@code /}-separated
         * @return this builder
         */
        public Builder hang(String relative) {
            hangs.add(relative);
            return this;
        }

        /**
         * The daemon's options, as {@link #mount} passes them.
         *
         * @return the options, before SOURCE and MOUNTPOINT
         */
        public List<String> options() {
            List<String> o = new ArrayList<>(List.of(
                    "--latency-us", Long.toString(latency.toNanos() / 1000),
                    "--readdirplus", readdirplus ? "on" : "off",
                    "--attr-timeout", seconds(attrTimeout),
                    "--entry-timeout", seconds(entryTimeout),
                    "--parallel-dirops", parallelDirops ? "on" : "off",
                    "--default-permissions", defaultPermissions ? "on" : "off"));
            hangs.forEach(h -> o.addAll(List.of("--hang", h)));
            return o;
        }

        private static String seconds(Duration d) {
            return String.format(Locale.ROOT, "%.9f", d.toNanos() / 1e9);
        }

        /**
         * Mounts {@code source} at {@code mountPoint}, and waits until the kernel is connected.
         *
         * @param source the real directory shown
         * @param mountPoint an empty directory
         * @return the mounted filesystem
         * @throws IOException when the daemon cannot be compiled, or does not mount (its messages are
         *                     in the exception)
         */
        public NfsLikeNas mount(Path source, Path mountPoint) throws IOException {
            Path daemon = daemon();
            Path dir = daemon.getParent();
            String id = UUID.randomUUID().toString();
            Path counters = dir.resolve("counters-" + id);
            Path log = dir.resolve("daemon-" + id + ".log");
            Path mp = mountPoint.toRealPath();
            List<String> command = new ArrayList<>(List.of(daemon.toString()));
            command.addAll(options());
            command.addAll(List.of("--counters", counters.toString(), "--exit-on-stdin-eof",
                    source.toRealPath().toString(), mp.toString()));
            Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            NfsLikeNas nas = new NfsLikeNas(mp, p, counters, log);
            MOUNTED.add(nas);
            try {
                nas.awaitMounted();
            } catch (IOException | RuntimeException e) {
                nas.close();
                throw e;
            }
            return nas;
        }
    }

    /** Waits until the mount shows in mountinfo and the kernel's INIT was answered. */
    private void awaitMounted() throws IOException {
        long end = System.nanoTime() + MOUNT_LIMIT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("nfs-like-nas ended (exit " + process.exitValue() + ") without mounting "
                        + mountPoint + ":\n" + Files.readString(log));
            }
            if (words == null && Files.exists(counters) && Files.size(counters) >= WORDS * 8L) {
                try (FileChannel ch = FileChannel.open(counters, StandardOpenOption.READ)) {
                    words = ch.map(FileChannel.MapMode.READ_ONLY, 0, WORDS * 8L);
                }
            }
            if (words != null && word(0) == MAGIC && word(3) > 0 && isMounted()) {
                if (word(2) < WORDS) {
                    throw new IOException("nfs-like-nas's counters file has " + word(2) + " words, not " + WORDS);
                }
                return;
            }
            if (System.nanoTime() > end) {
                throw new IOException("nfs-like-nas did not mount " + mountPoint + " within " + MOUNT_LIMIT + ":\n"
                        + Files.readString(log));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while mounting " + mountPoint, e);
            }
        }
    }

    /** @return whether this mount point shows in /proc/self/mountinfo as an nfs-like-nas mount */
    private boolean isMounted() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length > 4 && unescape(f[4]).equals(mountPoint.toString()) && dash > 0
                    && line.substring(dash + 3).startsWith("fuse.nfslikenas ")) {
                return true;
            }
        }
        return false;
    }

    /** mountinfo writes a space, a tab, a newline and a backslash in octal: {@code \040}. */
    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(s.charAt(i));
            }
        }
        return b.toString();
    }

    private long word(int index) {
        return (long) WORD.getVolatile(words, index * 8);
    }

    /** @return where it is mounted */
    public Path mountPoint() {
        return mountPoint;
    }

    /** @return the daemon's process id */
    public long pid() {
        return process.pid();
    }

    /**
     * What the kernel asked so far, by kind, from the daemon's counters.
     *
     * @return the counts
     */
    public Counts counts() {
        long[] w = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            w[i] = word(i);
        }
        return new Counts(w[4], w[5], w[6], w[7], w[8], w[9], w[10], w[11], w[12], w[13], w[14], w[15], w[16], w[17],
                w[18], w[19], w[20], w[21], w[22], w[23], w[26], w[27]);
    }

    /**
     * The requests the kernel sent, by kind; gauges (what is true at the moment) are marked so.
     *
     * @param lookup LOOKUP: a name not known, or whose entry timeout ran out
     * @param getattr GETATTR: attributes not known, or whose attribute timeout ran out
     * @param getattrDir the GETATTRs of directories, a part of {@code getattr}
     * @param readdir READDIR: a listing of names only
     * @param readdirplus READDIRPLUS: a listing with each entry's attributes
     * @param dirEof the READDIR(PLUS)s after the last entry, answered without a round trip (a part of
     *               the two above)
     * @param opendir OPENDIR
     * @param releasedir RELEASEDIR
     * @param open OPEN
     * @param read READ
     * @param release RELEASE
     * @param readlink READLINK
     * @param getxattr GETXATTR
     * @param listxattr LISTXATTR
     * @param statfs STATFS
     * @param forget inodes the kernel forgot (one per FORGET, one per entry of a BATCH_FORGET)
     * @param hung requests that began to block on a hung path
     * @param blocked requests blocked on a hung path now (a gauge)
     * @param interrupted blocked requests that gave up because their caller was interrupted
     * @param inodes inodes the kernel holds now, the root aside (a gauge)
     * @param inFlight requests being served now, most of that their round trip or a hang (a gauge)
     * @param inFlightMax the most requests that were ever served at once
     */
    public record Counts(long lookup, long getattr, long getattrDir, long readdir, long readdirplus, long dirEof,
                         long opendir, long releasedir, long open, long read, long release, long readlink,
                         long getxattr, long listxattr, long statfs, long forget, long hung, long blocked,
                         long interrupted, long inodes, long inFlight, long inFlightMax) {

        /**
         * The requests that were round trips to the server, each having waited the latency: all but
         * OPENDIR, RELEASEDIR, RELEASE, FORGET, and the listings' closing requests.
         *
         * @return their number
         */
        public long roundTrips() {
            return lookup + getattr + readdir + readdirplus - dirEof + open + read + readlink + getxattr + listxattr
                    + statfs;
        }

        /**
         * What was asked since {@code before}; the gauges and {@code inFlightMax} are this one's.
         *
         * @param before earlier counts of the same filesystem
         * @return the difference
         */
        public Counts minus(Counts before) {
            return new Counts(lookup - before.lookup, getattr - before.getattr, getattrDir - before.getattrDir,
                    readdir - before.readdir, readdirplus - before.readdirplus, dirEof - before.dirEof,
                    opendir - before.opendir, releasedir - before.releasedir, open - before.open,
                    read - before.read, release - before.release, readlink - before.readlink,
                    getxattr - before.getxattr, listxattr - before.listxattr, statfs - before.statfs,
                    forget - before.forget, hung - before.hung, blocked, interrupted - before.interrupted, inodes,
                    inFlight, inFlightMax);
        }
    }

    /**
     * Lets every blocked request go on, and stops hanging: the server is back. (SIGUSR1 to the daemon.)
     */
    public void release() {
        if (!process.isAlive()) {
            return;
        }
        String kill = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";
        int status = run(List.of(kill, "-USR1", Long.toString(process.pid())));
        if (status != 0 && process.isAlive()) {
            throw new IllegalStateException(kill + " -USR1 " + process.pid() + " failed with " + status);
        }
    }

    /**
     * Waits until a request is blocked on a hung path: its caller is then known to be inside it.
     *
     * @param limit how long to wait at most
     * @return whether one is
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitBlocked(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (counts().blocked() == 0) {
            if (System.nanoTime() > end || !process.isAlive()) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Releases what is blocked, unmounts lazily, stops the daemon, and deletes its files. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        MOUNTED.remove(this);
        try {
            release();
        } catch (RuntimeException e) {
            // the daemon is stopped below all the same
        }
        List<String> unmount = CProgram.isRoot() ? List.of("umount", "-l", mountPoint.toString())
                : List.of("fusermount3", "-u", "-z", mountPoint.toString());
        try {
            if (isMounted()) {
                run(unmount);
            }
        } catch (IOException e) {
            run(unmount);
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            stdin.close();
        } catch (IOException ignored) {
            // the daemon is gone
        }
        try {
            Files.deleteIfExists(counters);
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover in this user's own directory
        }
    }
}
