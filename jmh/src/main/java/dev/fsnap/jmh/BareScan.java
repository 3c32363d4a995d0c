package dev.fsnap.jmh;

import dev.fsnap.bindings.LinuxDirectoryReader;
import dev.fsnap.bindings.LinuxAbi;

import java.nio.charset.Charset;
import java.util.ArrayDeque;

/**
 * The C reference scan's algorithm in Java, over fsnap's own native reader: N threads share one
 * stack of directories; each opens a directory relative to the root, lists it with
 * {@code getdents64}, stats every entry with {@code fstatat} relative to it, and pushes the
 * subdirectories. Nothing is kept: no entries, no batches, no work stealing, no deadlines, no
 * command line.
 *
 * <p>It is the least a JVM scan through these bindings costs, start-up included, so
 * {@code versus-floor.sh} times it beside the reference and {@code fsnap scan}: the reference to this
 * ratio is what the JVM and the calls through jffi cost, and this to {@code fsnap scan} what fsnap
 * itself adds.
 *
 * <pre>java [the launcher's JVM options] -cp jmh/target/benchmarks.jar dev.fsnap.jmh.BareScan TREE [THREADS]</pre>
 *
 * Prints the entries stat'ed and the calls that failed, as the reference prints its count.
 */
public final class BareScan {
    private final ArrayDeque<byte[]> directories = new ArrayDeque<>();
    private final int rootFd;
    /** Threads holding a directory: the scan ends when none does and the stack is empty. */
    private int busy;
    private long entries;
    private long failures;

    private BareScan(int rootFd) {
        this.rootFd = rootFd;
        directories.push(new byte[] {'.'});
    }

    /**
     * Scans a tree and prints what it counted.
     *
     * @param args the tree, and optionally the number of threads
     * @throws InterruptedException when interrupted while the threads scan
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: BareScan TREE [THREADS]");
            System.exit(2);
        }
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (LinuxDirectoryReader opener = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int rootFd = opener.openRoot(args[0].getBytes(Charset.defaultCharset()));
            if (rootFd < 0) {
                System.err.println("BareScan: " + args[0] + ": " + opener.lastError().description());
                System.exit(2);
            }
            BareScan scan = new BareScan(rootFd);
            Thread[] workers = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Thread(scan::work, "bare-scan-" + i);
                workers[i].start();
            }
            for (Thread t : workers) {
                t.join();
            }
            opener.close(rootFd);
            System.out.println(scan.entries + " entries, " + scan.failures + " failed calls");
        }
    }

    private void work() {
        long read = 0;
        long failed = 0;
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            byte[] path;
            while ((path = next()) != null) {
                int fd = reader.openDirectory(rootFd, path, path.length, false);
                if (fd < 0) {
                    failed++;
                } else {
                    int length;
                    while ((length = reader.read(fd)) > 0) {
                        for (int pos = 0; pos < length; pos = reader.next(pos)) {
                            if (reader.isSelfOrParent(pos)) {
                                continue;
                            }
                            if (!reader.stat(fd, pos, false)) {
                                failed++;
                                continue;
                            }
                            read++;
                            if ((reader.mode() & LinuxAbi.S_IFMT) == LinuxAbi.S_IFDIR) {
                                push(child(reader, path, pos));
                            }
                        }
                    }
                    if (length < 0) {
                        failed++;
                    }
                    reader.close(fd);
                }
                done();
            }
        }
        synchronized (this) {
            entries += read;
            failures += failed;
        }
    }

    private static byte[] child(LinuxDirectoryReader reader, byte[] parent, int pos) {
        int name = reader.nameLength(pos);
        boolean atRoot = parent.length == 1 && parent[0] == '.';
        int prefix = atRoot ? 0 : parent.length + 1;
        byte[] path = new byte[prefix + name];
        if (!atRoot) {
            System.arraycopy(parent, 0, path, 0, parent.length);
            path[parent.length] = '/';
        }
        reader.copyName(pos, name, path, prefix);
        return path;
    }

    /** The next directory to read, waiting while others may still push some; null at the end. */
    private synchronized byte[] next() {
        while (directories.isEmpty() && busy > 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (directories.isEmpty()) {
            return null;
        }
        busy++;
        return directories.pop();
    }

    private synchronized void push(byte[] directory) {
        directories.push(directory);
        notify();
    }

    private synchronized void done() {
        busy--;
        if (busy == 0 && directories.isEmpty()) {
            notifyAll();
        }
    }
}
