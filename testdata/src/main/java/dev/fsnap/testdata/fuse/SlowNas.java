package dev.fsnap.testdata.fuse;

import jnr.ffi.Pointer;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A FUSE filesystem that shows a real directory read-only, the way a NAS looks from a cold client:
 * every operation takes a configurable latency, attributes and entries are never cached by the
 * kernel, and chosen paths can be made to hang (a dead server) until the test releases them.
 *
 * <pre>
 * try (SlowNas nas = SlowNas.mount(source, mountPoint, Duration.ofNanos(200_000))) {
 *     nas.hang("dir/that/dies");   // lookups, listings and stats below it block
 *     ...
 *     nas.release();               // the server comes back
 * }
 * </pre>
 *
 * <p>Closing unmounts (lazily, so a call still blocked in the kernel cannot keep the mount), and a
 * shutdown hook unmounts whatever a failed test left mounted.
 */
public final class SlowNas extends FuseStubFS implements AutoCloseable {
    private static final Set<SlowNas> MOUNTED = ConcurrentHashMap.newKeySet();

    /** libfuse's {@code fuse_interrupted()}: whether the caller of the request being served gave up. */
    public interface Interrupts {
        /** @return 1 when the current request was interrupted */
        int fuse_interrupted();
    }

    private static final Interrupts INTERRUPTS = loadInterrupts();

    private static Interrupts loadInterrupts() {
        try {
            return jnr.ffi.LibraryLoader.create(Interrupts.class).failImmediately().load("fuse");
        } catch (RuntimeException | LinkageError e) {
            return () -> 0;
        }
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> MOUNTED.forEach(SlowNas::close), "slow-nas-unmount"));
    }

    private final Path source;
    private final Path mountPoint;
    private final long latencyNanos;
    private final Map<String, Boolean> hung = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hungEntries = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hungReads = new ConcurrentHashMap<>();
    private final Map<String, Boolean> denied = new ConcurrentHashMap<>();
    private volatile CountDownLatch released = new CountDownLatch(1);
    /** Counted down when a call first blocks on a hung path. */
    private final CountDownLatch blocked = new CountDownLatch(1);
    /** Added to every read of content, on top of the latency: a server slow to serve data. */
    private volatile long readDelayNanos;
    private volatile boolean closed;
    /** When set, a hung call waits out its hang even when its caller gives up (see {@link #ignoreInterrupts}). */
    private volatile boolean deaf;

    /**
     * Mounts a directory with a latency until the process is stopped (Ctrl-C unmounts), to measure
     * scans by hand: {@code SlowNas SOURCE MOUNTPOINT LATENCY_MICROSECONDS}.
     *
     * @param args the source, the mount point, and the latency in microseconds
     * @throws InterruptedException when interrupted while waiting
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 3) {
            System.err.println("usage: SlowNas SOURCE MOUNTPOINT LATENCY_MICROSECONDS [HUNG_DIRECTORY [deaf]]");
            System.exit(2);
        }
        String reason = unavailableReason();
        if (reason != null) {
            System.err.println("SlowNas: " + reason);
            System.exit(2);
        }
        Duration latency = Duration.ofNanos(Long.parseLong(args[2]) * 1000);
        SlowNas nas = mount(Path.of(args[0]), Path.of(args[1]), latency);
        if (args.length > 3) {
            nas.hang(args[3]);
        }
        if (args.length > 4 && args[4].equals("deaf")) {
            nas.ignoreInterrupts();
        }
        System.err.println("SlowNas: " + args[0] + " mounted at " + args[1] + " with " + args[2]
                + " us per operation; Ctrl-C unmounts");
        new CountDownLatch(1).await();
    }

    private SlowNas(Path source, Path mountPoint, Duration latency) {
        this.source = source;
        this.mountPoint = mountPoint;
        this.latencyNanos = latency.toNanos();
    }

    /**
     * Why FUSE filesystems cannot be mounted here, or null when they can.
     *
     * @return the reason, for a test's skip message
     */
    public static String unavailableReason() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return "/dev/fuse is missing (no FUSE in this kernel or container)";
        }
        for (String dir : List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib")) {
            if (Files.exists(Path.of(dir, "libfuse.so.2"))) {
                return null;
            }
        }
        return "libfuse.so.2 is missing (Debian: apt-get install libfuse2)";
    }

    /**
     * Mounts {@code source} at {@code mountPoint}.
     *
     * @param source the real directory shown
     * @param mountPoint an empty directory
     * @param latency added to every operation
     * @return the mounted filesystem
     */
    public static SlowNas mount(Path source, Path mountPoint, Duration latency) {
        InterruptSignal.keep();
        SlowNas nas = new SlowNas(source.toAbsolutePath(), mountPoint.toAbsolutePath(), latency);
        nas.mount(nas.mountPoint, false, false, new String[] {"-o",
            "ro,use_ino,intr,attr_timeout=0,entry_timeout=0,negative_timeout=0,fsname=slow-nas,subtype=slownas"});
        MOUNTED.add(nas);
        return nas;
    }

    /** @return where it is mounted */
    public Path mountPoint() {
        return mountPoint;
    }

    /**
     * From now on, listing this directory, and every operation below it, blocks until
     * {@link #release()}: a server that stopped answering for that subtree. The directory's own
     * attributes still answer (the kernel serializes lookups in a directory, so a hung lookup would
     * stall its siblings too, which is not the case to play).
     *
     * @param relative a path relative to the mount point, {@code /}-separated
     */
    public void hang(String relative) {
        hung.put("/" + relative, true);
    }

    /**
     * From now on, every operation on this one entry (its attributes first of all) blocks until
     * {@link #release()}: a server that stopped answering for one file, its siblings still served.
     *
     * @param relative a path relative to the mount point, {@code /}-separated
     */
    public void hangEntry(String relative) {
        hungEntries.put("/" + relative, true);
    }

    /**
     * From now on, reading this file's content blocks until {@link #release()}: a server that died
     * in the middle of a read. Its attributes and its opening still answer.
     *
     * @param relative a path relative to the mount point, {@code /}-separated
     */
    public void hangReads(String relative) {
        hungReads.put("/" + relative, true);
    }

    /**
     * From now on, listing this directory is refused ({@code EACCES}), as a server does to a
     * client without the permission, until {@link #allow}. Its attributes still answer.
     *
     * @param relative a path relative to the mount point, {@code /}-separated
     */
    public void deny(String relative) {
        denied.put("/" + relative, true);
    }

    /**
     * Lets a denied directory be listed again.
     *
     * @param relative a path relative to the mount point, {@code /}-separated
     */
    public void allow(String relative) {
        denied.remove("/" + relative);
    }

    /**
     * From now on, every read of content takes this much longer (the kernel asks for at most 128 KiB
     * a read): a server whose disks are slow, or busy.
     *
     * @param delay added to each read
     */
    public void slowReads(Duration delay) {
        readDelayNanos = delay.toNanos();
    }

    /**
     * From now on, a blocked call ignores its caller's interrupts, as a server that never answers
     * does: the kernel then waits for it uninterruptibly, and the calling process cannot be reaped.
     */
    public void ignoreInterrupts() {
        deaf = true;
    }

    /**
     * Waits until a call blocks on a hung path: the caller is then known to be inside it.
     *
     * @param limit how long to wait at most
     * @return whether one did
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public boolean awaitBlocked(Duration limit) throws InterruptedException {
        return blocked.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets every blocked operation go on, and stops blocking. */
    public void release() {
        hung.clear();
        hungEntries.clear();
        hungReads.clear();
        CountDownLatch l = released;
        released = new CountDownLatch(1);
        l.countDown();
    }

    /** An operation on {@code path} itself: blocks below a hung directory. */
    private void visit(String path) {
        visit(path, false);
    }

    /** A listing of {@code path}: blocks at a hung directory and below. */
    private void visitListing(String path) {
        visit(path, true);
    }

    /**
     * Waits out the latency and any hang. A blocked call gives up when its caller is killed (libfuse
     * passes the kernel's interrupt on, as a hard NFS mount lets SIGKILL through): a process stuck on
     * a dead server can still exit.
     */
    private void visit(String path, boolean listing) {
        pause(latencyNanos);
        while (!closed && isHung(path, listing) && (deaf || INTERRUPTS.fuse_interrupted() == 0)) {
            blocked.countDown();
            try {
                released.await(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits this long, however often the park wakes early. */
    private static void pause(long nanos) {
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private boolean isHung(String path, boolean listing) {
        if (!listing && hungEntries.containsKey(path)) {
            return true;
        }
        for (String h : hung.keySet()) {
            if ((listing && path.equals(h)) || path.startsWith(h + "/")) {
                return true;
            }
        }
        return false;
    }

    private Path real(String path) {
        return path.equals("/") ? source : source.resolve(path.substring(1));
    }

    @Override
    public int getattr(String path, FileStat stat) {
        visit(path);
        try {
            RealAttributes.fill(real(path), stat);
            return 0;
        } catch (NoSuchFileException e) {
            return -ErrorCodes.ENOENT();
        } catch (IOException e) {
            return -ErrorCodes.EIO();
        }
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        visitListing(path);
        if (denied.containsKey(path)) {
            return -ErrorCodes.EACCES();
        }
        return Files.isDirectory(real(path), LinkOption.NOFOLLOW_LINKS) ? 0 : -ErrorCodes.ENOTDIR();
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
        visitListing(path);
        try (Stream<Path> s = Files.list(real(path))) {
            filter.apply(buf, ".", null, 0);
            filter.apply(buf, "..", null, 0);
            for (Path p : s.toList()) {
                filter.apply(buf, p.getFileName().toString(), null, 0);
            }
            return 0;
        } catch (NotDirectoryException e) {
            return -ErrorCodes.ENOTDIR();
        } catch (NoSuchFileException e) {
            return -ErrorCodes.ENOENT();
        } catch (IOException e) {
            return -ErrorCodes.EIO();
        }
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        visit(path);
        try {
            byte[] target = Files.readSymbolicLink(real(path)).toString().getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(target.length, size - 1);
            buf.put(0, target, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        } catch (IOException e) {
            return -ErrorCodes.EINVAL();
        }
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        visit(path);
        return Files.isRegularFile(real(path), java.nio.file.LinkOption.NOFOLLOW_LINKS) ? 0 : -ErrorCodes.EACCES();
    }

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        visit(path);
        pause(readDelayNanos);
        while (!closed && hungReads.containsKey(path) && (deaf || INTERRUPTS.fuse_interrupted() == 0)) {
            try {
                released.await(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -ErrorCodes.EINTR();
            }
        }
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(real(path))) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.min(size, 1 << 20));
            int n = c.read(b, offset);
            if (n <= 0) {
                return 0;
            }
            buf.put(0, b.array(), 0, n);
            return n;
        } catch (IOException e) {
            return -ErrorCodes.EIO();
        }
    }

    /** Aborts the kernel connection (fusectl), so that no caller can stay blocked on this mount. */
    private void abortConnection() {
        try {
            Path connections = Path.of("/sys/fs/fuse/connections");
            if (Files.isDirectory(connections) && isEmpty(connections)) {
                new ProcessBuilder("mount", "-t", "fusectl", "none", connections.toString()).start()
                        .waitFor(10, TimeUnit.SECONDS);
            }
            long dev = (Long) Files.getAttribute(mountPoint, "unix:dev");
            Path abort = connections.resolve(Long.toString(dev & 0xFFFFF)).resolve("abort");
            if (Files.exists(abort)) {
                Files.writeString(abort, "1");
            }
        } catch (IOException | RuntimeException e) {
            // unmounting below still ends it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    /** Releases whatever is blocked and unmounts; a call still stuck in the kernel cannot keep the mount. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        MOUNTED.remove(this);
        abortConnection();
        try {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).redirectErrorStream(true).start()
                    .waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // fall through to the library's own unmount
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            umount();
        } catch (RuntimeException ignored) {
            // already unmounted above
        }
    }
}
