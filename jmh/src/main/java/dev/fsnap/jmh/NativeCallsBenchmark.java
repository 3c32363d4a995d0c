package dev.fsnap.jmh;

import dev.fsnap.bindings.LinuxDirectoryReader;
import dev.fsnap.bindings.LinuxLibc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The native calls alone, on one thread, per entry of one directory: listing it ({@code openat},
 * {@code getdents64}, {@code close}), and stating every entry relative to it with {@code fstatat}
 * or {@code statx}. The directory is generated with 10,000 empty files, or {@code -p dir=PATH}
 * names an existing one (its entries are stat'ed, never opened).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class NativeCallsBenchmark {
    static final int FILES = 10_000;

    /** A directory to use instead of the generated one; empty to generate. */
    @Param({""})
    public String dir;

    private Path path;
    private boolean generated;
    private LinuxDirectoryReader fstatat;
    private LinuxDirectoryReader statx;
    private int fd = -1;
    private byte[][] names;

    /**
     * Opens the directory (made and filled when none is given) and lists its names once.
     *
     * @throws IOException when the directory cannot be made or opened
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        LinuxLibc.library().ensureAvailable();
        if (dir.isEmpty()) {
            path = Files.createTempDirectory("fsnap-bench-calls");
            for (int i = 0; i < FILES; i++) {
                Files.createFile(path.resolve(String.format("f%05d.dat", i)));
            }
            generated = true;
        } else {
            path = Path.of(dir);
        }
        fstatat = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE, false);
        statx = LinuxLibc.hasStatx() ? new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE, true) : null;
        fd = fstatat.openRoot(path.toString().getBytes(StandardCharsets.UTF_8));
        if (fd < 0) {
            throw new IOException(path + ": " + fstatat.lastError().description());
        }
        List<byte[]> found = new ArrayList<>();
        for (int n; (n = fstatat.read(fd)) > 0; ) {
            for (int pos = 0; pos < n; pos = fstatat.next(pos)) {
                if (!fstatat.isSelfOrParent(pos)) {
                    byte[] name = new byte[fstatat.nameLength(pos)];
                    fstatat.copyName(pos, name.length, name, 0);
                    found.add(name);
                }
            }
        }
        names = found.toArray(new byte[0][]);
        if (names.length == 0) {
            throw new IllegalArgumentException("-p dir=" + path + ": the directory is empty");
        }
    }

    /**
     * Closes the readers, and removes the directory when it was made here.
     *
     * @throws IOException when it cannot be removed
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        fstatat.close(fd);
        fstatat.close();
        if (statx != null) {
            statx.close();
        }
        if (generated) {
            Trees.delete(path);
        }
    }

    /**
     * {@code openat} + {@code getdents64} until the end + {@code close}, per entry listed.
     *
     * @param counted the entries listed, the secondary score
     * @return the records read, for the blackhole
     */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public int list(Entries counted) {
        int d = fstatat.openRoot(path.toString().getBytes(StandardCharsets.UTF_8));
        int listed = 0;
        for (int n; (n = fstatat.read(d)) > 0; ) {
            for (int pos = 0; pos < n; pos = fstatat.next(pos)) {
                listed++;
            }
        }
        fstatat.close(d);
        counted.entries += listed - 2; // . and ..
        return listed;
    }

    /**
     * {@code fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)} of every entry.
     *
     * @param counted the entries stat'ed, the secondary score
     * @return what the stats gave, for the blackhole
     */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public long fstatat(Entries counted) {
        return statAll(fstatat, counted);
    }

    /**
     * {@code statx(dirfd, name, AT_SYMLINK_NOFOLLOW, the fields fsnap records)} of every entry.
     *
     * @param counted the entries stat'ed, the secondary score
     * @return what the stats gave, for the blackhole
     */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public long statx(Entries counted) {
        if (statx == null) {
            throw new UnsupportedOperationException("the C library has no statx");
        }
        return statAll(statx, counted);
    }

    private long statAll(LinuxDirectoryReader reader, Entries counted) {
        long sum = 0;
        for (byte[] name : names) {
            if (!reader.statPath(fd, name, false)) {
                throw new IllegalStateException(path + "/" + new String(name, StandardCharsets.UTF_8) + ": "
                        + reader.lastError().description());
            }
            sum += reader.size() + reader.inode();
        }
        counted.entries += names.length;
        return sum;
    }
}
