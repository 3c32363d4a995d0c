package dev.fsnap.testdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real ext4 filesystem in an image file, mounted on a loop device: where a test needs what the
 * filesystem under its temporary directory may not have (file flags, every kind of extended
 * attribute). Needs root, {@code mkfs.ext4} and loop devices; {@link #mount} says why not otherwise.
 */
public final class Ext4Image implements AutoCloseable {
    private final Path image;
    private final Path mountPoint;

    private Ext4Image(Path image, Path mountPoint) {
        this.image = image;
        this.mountPoint = mountPoint;
    }

    /**
     * Makes a 32 MiB ext4 image in {@code dir} and mounts it at {@code dir/mnt}.
     *
     * @param dir a directory of the test's own
     * @return the mounted image
     * @throws IllegalStateException with the reason when it cannot be done here (for an assumption)
     * @throws IOException when the tools cannot be run
     * @throws InterruptedException when interrupted while they run
     */
    public static Ext4Image mount(Path dir) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("mounting a loop device needs root");
        }
        Path image = dir.resolve("ext4.img");
        Path mountPoint = dir.resolve("mnt");
        if (sh("truncate -s 32M \"$1\" && mkfs.ext4 -q -F \"$1\" && mkdir \"$2\" && mount -o loop \"$1\" \"$2\"",
                image.toString(), mountPoint.toString()) != 0) {
            throw new IllegalStateException("no ext4 on a loop device here (mkfs.ext4, mount -o loop)");
        }
        return new Ext4Image(image, mountPoint);
    }

    /** @return where it is mounted */
    public Path root() {
        return mountPoint;
    }

    /**
     * Changes one byte of a file's data behind the filesystem, as bit rot or a write to the disk
     * would: the byte is written into the image at the file's block (found with {@code debugfs}),
     * and the page cache is dropped, so the next read sees it while the file's size, times and
     * inode stay as they were.
     *
     * @param file a file on this filesystem, written back ({@code sync})
     * @param offset the byte's offset in the file
     * @param value the byte to put there
     * @throws IOException when the tools cannot be run or fail
     * @throws InterruptedException when interrupted while they run
     */
    public void damage(Path file, long offset, int value) throws IOException, InterruptedException {
        String inside = "/" + mountPoint.relativize(file).toString();
        StringBuilder out = new StringBuilder();
        if (sh("sync && dumpe2fs -h \"$1\" 2>/dev/null | sed -n 's/^Block size: *//p'", out, image.toString()) != 0) {
            throw new IOException("dumpe2fs failed: " + out);
        }
        long blockSize = Long.parseLong(out.toString().strip());
        out.setLength(0);
        if (sh("debugfs -R \"bmap $2 $3\" \"$1\" 2>/dev/null", out, image.toString(), inside,
                Long.toString(offset / blockSize)) != 0) {
            throw new IOException("debugfs failed: " + out);
        }
        long block = Long.parseLong(out.toString().strip());
        long at = block * blockSize + offset % blockSize;
        if (sh("printf \"$(printf '\\\\%03o' \"$2\")\" | dd of=\"$1\" bs=1 seek=\"$3\" conv=notrunc status=none"
                + " && sync && echo 3 > /proc/sys/vm/drop_caches", out, image.toString(), Integer.toString(value & 0xFF),
                Long.toString(at)) != 0) {
            throw new IOException("writing into the image failed: " + out);
        }
    }

    /** Clears the immutable and append-only flags a test left, then unmounts. */
    @Override
    public void close() throws IOException, InterruptedException {
        sh("chattr -R -i -a \"$1\" 2>/dev/null; umount \"$1\"", mountPoint.toString());
    }

    private static int sh(String script, String... args) throws IOException, InterruptedException {
        return sh(script, new StringBuilder(), args);
    }

    private static int sh(String script, StringBuilder out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        out.append(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        return p.waitFor();
    }
}
