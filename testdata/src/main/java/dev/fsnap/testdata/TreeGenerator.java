package dev.fsnap.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Makes the deterministic synthetic trees fsnap is measured on: breadth first, each filled
 * directory gets {@code fanout} subdirectories {@code dNNN} and up to {@code filesPerDirectory} files
 * {@code fNNNNN.dat}; every tenth file has {@code k * 37 % 4096} bytes of content, the others are
 * empty. The same arguments always give the same tree (names, sizes, shape).
 *
 * <p>With the defaults (50 files per directory, fan-out 8), 1,000,000 files give T1M: 1,160,000
 * entries in 160,001 directories; 100,000 files give T100K: 116,000 entries.
 */
public final class TreeGenerator {
    /** Files per filled directory, by default. */
    public static final int DEFAULT_FILES_PER_DIRECTORY = 50;
    /** Subdirectories per filled directory, by default. */
    public static final int DEFAULT_FANOUT = 8;

    private TreeGenerator() {
    }

    /**
     * What a generated tree holds.
     *
     * @param files regular files made
     * @param directories directories made, the root included
     */
    public record Shape(long files, long directories) {
        /** @return every entry, the root included */
        public long entries() {
            return files + directories;
        }
    }

    /**
     * Makes a tree with the default shape.
     *
     * @param root where to make it (created if missing)
     * @param files how many files
     * @return what was made
     * @throws UncheckedIOException when the filesystem refuses
     */
    public static Shape generate(Path root, long files) {
        return generate(root, files, DEFAULT_FILES_PER_DIRECTORY, DEFAULT_FANOUT);
    }

    /**
     * Makes a tree.
     *
     * @param root where to make it (created if missing)
     * @param files how many files
     * @param filesPerDirectory files per filled directory, at least 1
     * @param fanout subdirectories per filled directory, at least 1
     * @return what was made
     * @throws IllegalArgumentException when an argument is out of range
     * @throws UncheckedIOException when the filesystem refuses
     */
    public static Shape generate(Path root, long files, int filesPerDirectory, int fanout) {
        if (files < 0 || filesPerDirectory < 1 || fanout < 1) {
            throw new IllegalArgumentException("files >= 0, filesPerDirectory >= 1 and fanout >= 1 are required, not "
                    + files + ", " + filesPerDirectory + ", " + fanout);
        }
        try {
            Files.createDirectories(root);
            List<Path> queue = new ArrayList<>();
            queue.add(root);
            long made = 0;
            int next = 0;
            byte[] content = new byte[4096];
            Arrays.fill(content, (byte) 'x');
            while (made < files) {
                Path dir = queue.get(next++);
                for (int k = 0; k < fanout; k++) {
                    Path sub = dir.resolve(String.format("d%03d", k));
                    Files.createDirectory(sub);
                    queue.add(sub);
                }
                long here = Math.min(filesPerDirectory, files - made);
                for (int k = 0; k < here; k++) {
                    try (OutputStream out = Files.newOutputStream(dir.resolve(String.format("f%05d.dat", k)))) {
                        if (k % 10 == 0) {
                            out.write(content, 0, k * 37 % 4096);
                        }
                    }
                    made++;
                }
            }
            return new Shape(made, queue.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate a tree under " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Generates a tree from the command line: {@code TreeGenerator ROOT FILES [FILES_PER_DIR] [FANOUT]}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: TreeGenerator ROOT FILES [FILES_PER_DIR] [FANOUT]");
            System.exit(2);
        }
        Shape s = generate(Path.of(args[0]), Long.parseLong(args[1]),
                args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_FILES_PER_DIRECTORY,
                args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_FANOUT);
        System.out.println(args[0] + " " + s.files() + " files " + s.directories() + " dirs");
    }
}
