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
    private final Path mountPoint;

    private Ext4Image(Path mountPoint) {
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
        return new Ext4Image(mountPoint);
    }

    /** @return where it is mounted */
    public Path root() {
        return mountPoint;
    }

    /** Clears the immutable and append-only flags a test left, then unmounts. */
    @Override
    public void close() throws IOException, InterruptedException {
        sh("chattr -R -i -a \"$1\" 2>/dev/null; umount \"$1\"", mountPoint.toString());
    }

    private static int sh(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "_"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
