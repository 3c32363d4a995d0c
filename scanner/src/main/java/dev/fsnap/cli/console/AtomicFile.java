package dev.fsnap.cli.console;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Small files written whole or not at all (a page, a metrics file, a run's summary): a temporary
 * file in the same directory, renamed over the file. A reader (a browser, node_exporter's collector,
 * fsnap history) never sees half of one.
 *
 * <p>Only a regular file is replaced: a name that is a symbolic link, a FIFO, a device or a
 * directory is refused, as {@code -o} refuses it, before the run ({@link #checkTarget}) and again
 * when the file is written. A file that is replaced keeps its mode, so that a reader running as
 * another user (node_exporter) still reads it, and its owner and group where that owner can be
 * trusted with what the run writes ({@link #trusted}).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /**
     * Refuses, before a run, an output file that the run could not or must not write.
     *
     * @param file   the file an option names
     * @param option the option, for the message
     * @param inputs the files the run reads or writes otherwise (a baseline, the snapshot): none may
     *               be overwritten by this output; null entries are skipped
     * @throws IllegalArgumentException naming the file, the option and the reason
     */
    public static void checkTarget(Path file, String option, Path... inputs) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + file + ": no directory " + dir);
        }
        String kind = kind(file);
        if (kind != null) {
            throw new IllegalArgumentException(option + " " + file + ": " + kind + "; " + option
                    + " writes a regular file (refused)");
        }
        for (Path input : inputs) {
            if (input != null && same(file, input)) {
                throw new IllegalArgumentException(option + " " + file + " is " + input
                        + ", a snapshot of this run: it would be overwritten (refused)");
            }
        }
    }

    /**
     * @param file where
     * @param text what, as UTF-8
     * @throws IOException naming the directory when it is missing, else as the system says
     */
    public static void write(Path file, CharSequence text) throws IOException {
        write(file, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
    }

    /**
     * @param file    where
     * @param bytes   what
     * @param newMode the mode of a file made new (an existing file keeps its own), or null to keep
     *                the temporary file's (0600: readable by the owner alone)
     * @throws IOException naming the file when it is not a regular file, the directory when it is
     *                     missing, else as the system says
     */
    public static void write(Path file, byte[] bytes, Set<PosixFilePermission> newMode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString());
        }
        PosixFileAttributes before = existing(file);
        Path tmp = Files.createTempFile(dir, ".fsnap-", ".tmp");
        try {
            Files.write(tmp, bytes);
            PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
            if (before != null) {
                view.setPermissions(before.permissions());
                if (trusted(before, dir) && (!before.owner().equals(view.readAttributes().owner())
                        || !before.group().equals(view.readAttributes().group()))) {
                    try {
                        view.setOwner(before.owner());
                        view.setGroup(before.group());
                    } catch (FileSystemException notRoot) {
                        // only root gives a file away: an ordinary user's run leaves its own file
                    }
                }
            } else if (newMode != null) {
                view.setPermissions(newMode);
            }
            existing(file); // again at the last moment: what was a file at the start may have been swapped
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Whether a file's owner is one to hand the new file to: the running user or root, or anyone
     * when no other user can create names in its directory (an administrator gave it away). In a
     * directory others can write, a file someone else made first would otherwise receive what this
     * run writes, for them to change.
     */
    private static boolean trusted(PosixFileAttributes file, Path dir) throws IOException {
        String owner = file.owner().getName();
        if (owner.equals("root") || owner.equals(System.getProperty("user.name"))) {
            return true;
        }
        Set<PosixFilePermission> d = Files.readAttributes(dir, PosixFileAttributes.class).permissions();
        return !d.contains(PosixFilePermission.GROUP_WRITE) && !d.contains(PosixFilePermission.OTHERS_WRITE);
    }

    /** The attributes of the regular file there, null when there is none; refuses anything else. */
    private static PosixFileAttributes existing(Path file) throws IOException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException none) {
            return null;
        }
        if (!a.isRegularFile()) {
            throw new FileSystemException(file.toString(), null, kind(file) + ": not replaced");
        }
        return a;
    }

    /** What is there when it is not a regular file (as the message says it), else null. */
    private static String kind(Path file) {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException none) {
            return null;
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        return "not a regular file (a FIFO, a socket or a device)";
    }

    private static boolean same(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }
}
