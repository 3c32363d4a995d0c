package dev.fsnap.testdata;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Builds small trees of every kind of entry for tests: files of chosen sizes, empty directories,
 * symbolic links (dangling ones too), hard links, FIFOs, sockets, sparse files. Paths are relative
 * to the root; parents are created as needed. Each method throws {@link UncheckedIOException}
 * naming the path when the filesystem refuses.
 */
public final class TreeBuilder {
    private final Path root;

    private TreeBuilder(Path root) {
        this.root = root;
    }

    /**
     * A builder for a root, created if missing.
     *
     * @param root the root
     * @return the builder
     */
    public static TreeBuilder at(Path root) {
        TreeBuilder b = new TreeBuilder(root);
        b.run(() -> Files.createDirectories(root), root);
        return b;
    }

    /** @return the root */
    public Path root() {
        return root;
    }

    /**
     * A directory (and its parents).
     *
     * @param path relative path
     * @return this builder
     */
    public TreeBuilder dir(String path) {
        Path p = root.resolve(path);
        run(() -> Files.createDirectories(p), p);
        return this;
    }

    /**
     * A regular file of {@code size} bytes of deterministic content.
     *
     * @param path relative path
     * @param size bytes
     * @return this builder
     */
    public TreeBuilder file(String path, int size) {
        Path p = parentOf(path);
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ('a' + i % 26);
        }
        run(() -> Files.write(p, content), p);
        return this;
    }

    /**
     * A sparse file of {@code size} bytes (no data blocks), for sizes above 4 GiB.
     *
     * @param path relative path
     * @param size bytes
     * @return this builder
     */
    public TreeBuilder sparseFile(String path, long size) {
        Path p = parentOf(path);
        run(() -> {
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(size);
            }
            return p;
        }, p);
        return this;
    }

    /**
     * A symbolic link; the target need not exist.
     *
     * @param path relative path of the link
     * @param target the link's content
     * @return this builder
     */
    public TreeBuilder symlink(String path, String target) {
        Path p = parentOf(path);
        run(() -> Files.createSymbolicLink(p, Path.of(target)), p);
        return this;
    }

    /**
     * A hard link to an existing file.
     *
     * @param path relative path of the new link
     * @param existing relative path of the file
     * @return this builder
     */
    public TreeBuilder hardLink(String path, String existing) {
        Path p = parentOf(path);
        run(() -> Files.createLink(p, root.resolve(existing)), p);
        return this;
    }

    /**
     * A named pipe, made with {@code mkfifo(1)} (Java has no call for it).
     *
     * @param path relative path
     * @return this builder
     */
    public TreeBuilder fifo(String path) {
        Path p = parentOf(path);
        run(() -> {
            Process process = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("mkfifo failed");
            }
            return p;
        }, p);
        return this;
    }

    /**
     * A Unix domain socket file, bound and closed (the file stays).
     *
     * @param path relative path
     * @return this builder
     */
    public TreeBuilder socket(String path) {
        Path p = parentOf(path);
        run(() -> {
            try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                server.bind(UnixDomainSocketAddress.of(p));
            }
            return p;
        }, p);
        return this;
    }

    private Path parentOf(String path) {
        Path p = root.resolve(path);
        Path parent = p.getParent();
        run(() -> Files.createDirectories(parent), parent);
        return p;
    }

    private interface Step {
        Object run() throws IOException, InterruptedException;
    }

    private void run(Step step, Path path) {
        try {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making " + path, e);
        }
    }
}
