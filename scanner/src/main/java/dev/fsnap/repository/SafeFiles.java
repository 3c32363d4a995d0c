package dev.fsnap.repository;

import dev.fsnap.bindings.GuardedOpen;
import dev.fsnap.internal.IoMessages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Whom a run trusts, and how a repository's directories and small files are opened: a repository
 * may be shared (mode 1777, as /tmp), each user's roots side by side and their keys easy to guess,
 * so a directory is used only once it has been opened without following a link and found owned by
 * the running user (or root) and writable by no one else, and a small file is read only when it is
 * a regular file, opened without waiting (a FIFO swapped in would stop the run).
 */
final class SafeFiles {
    private SafeFiles() {
    }

    private static final class Owners {
        static final UserPrincipal ME = lookup(System.getProperty("user.name"));
        static final UserPrincipal ROOT = lookup("root");

        private static UserPrincipal lookup(String name) {
            try {
                return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** @return the owners a run trusts, as said in a message */
    static String trustedOwners() {
        String me = System.getProperty("user.name");
        return "root".equals(me) ? "root" : me + " (who runs fsnap) or root";
    }

    private static String untrusted(UserPrincipal owner) {
        if (owner == null || owner.equals(Owners.ME) || owner.equals(Owners.ROOT)
                || owner.getName().equals(System.getProperty("user.name"))) {
            return null;
        }
        return owner.getName();
    }

    /** @return the owner of a file (not a link's target) when it is not one a run trusts, else null */
    static String untrustedOwner(Path file) throws IOException {
        return posix() ? untrusted(Files.getOwner(file, LinkOption.NOFOLLOW_LINKS)) : null;
    }

    /**
     * The repository directory, as the user named it (a link to it is followed: the user chose it),
     * must be theirs or root's, and, when others may write in it, sticky, so that no one else can
     * rename a root's directory in it away.
     */
    static void checkRepositoryDirectory(Path dir) throws IOException {
        if (!posix()) {
            return;
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        String owner = untrusted(a.owner());
        if (owner != null) {
            throw new RefusedException(dir, dir + " is owned by " + owner + ", not by " + trustedOwners()
                    + ": a run keeps nothing in another user's repository");
        }
        Set<PosixFilePermission> p = a.permissions();
        boolean othersWrite = p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
        if (othersWrite && ((Integer) Files.getAttribute(dir, "unix:mode") & 01000) == 0) {
            throw new RefusedException(dir, dir + " may be written by others (" + PosixFilePermissions.toString(p)
                    + ") and is not sticky: anyone could replace a root's runs; make it sticky (chmod +t, as /tmp is) "
                    + "or chmod go-w");
        }
    }

    /**
     * Judges a root's directory by the directory itself: what its name leads to without following
     * a link must be a directory, or it is refused naming what it is and who made it, before it is
     * ever opened (a FIFO, opened, would stop the run until someone writes to it); then it is opened
     * relative to the repository without following a link and without waiting, so that a FIFO
     * swapped in meanwhile is refused by the kernel, and the opened descriptor's owner and mode are
     * judged; and its name must still lead to it. The root is asked for only when a message needs
     * it: a directory is judged before anything in it is read.
     *
     * @param place the root's directory in the repository
     * @param what the root, for messages
     * @throws RefusedException naming what is wrong: a link, not a directory, writable by others
     * @throws OtherUsersException when another user owns it
     */
    static void checkRootDirectory(Path place, Supplier<String> what) throws IOException {
        if (!posix()) {
            return;
        }
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(place, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw notADirectory(place, what.get(), e);
        }
        if (!a.isDirectory()) {
            throw notADirectory(place, what.get(), null);
        }
        Set<PosixFilePermission> p = a.permissions();
        if (GuardedOpen.available()) {
            GuardedOpen.Found opened;
            try {
                opened = GuardedOpen.directory(place.getParent(), place.getFileName());
            } catch (IOException e) {
                throw notADirectory(place, what.get(), e);
            }
            if (opened.device() != ((Number) Files.getAttribute(place, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue()
                    || opened.inode() != ((Number) Files.getAttribute(place, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()
                    || opened.uid() != ((Number) Files.getAttribute(place, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue()) {
                throw new RefusedException(place, place + " was replaced while it was looked at");
            }
            p = permissions(opened.permissions()); // the opened directory's, not whatever the name led to before
        }
        String owner = untrusted(a.owner());
        if (owner != null) {
            throw new OtherUsersException(place, owner, place + " (the runs of " + what.get() + ") is owned by "
                    + owner + ", not by " + trustedOwners() + ": a run neither writes into nor compares against "
                    + "another user's directory; if it is not " + owner + "'s to keep, remove it");
        }
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new RefusedException(place, place + " (the runs of " + what.get() + ") may be written by others "
                    + "than its owner (" + PosixFilePermissions.toString(p) + "): anyone could replace its runs; "
                    + "chmod go-w " + place);
        }
        Object now = Files.readAttributes(place, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (!Objects.equals(now, a.fileKey())) {
            throw new RefusedException(place, place + " was replaced while it was looked at");
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE: 0400 ... 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /** What a root's place is when it is no directory fsnap made: its kind and who made it. */
    private static RefusedException notADirectory(Path place, String what, IOException e) {
        String is;
        int mode;
        String owner;
        try {
            mode = ((Number) Files.getAttribute(place, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
            try {
                owner = Files.getOwner(place, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException | RuntimeException unknown) {
                owner = "an unknown user";
            }
        } catch (IOException | RuntimeException gone) {
            mode = -1;
            owner = null;
        }
        if (mode != -1 && Files.isSymbolicLink(place)) {
            is = "is a symbolic link (made by " + owner + "), not a directory fsnap made: a run does not follow it; "
                    + "remove it";
        } else if (mode != -1 && !Files.isDirectory(place, LinkOption.NOFOLLOW_LINKS)) {
            is = "is " + GuardedOpen.kind(mode) + " (made by " + owner + "), not a directory fsnap made: a run does "
                    + "not open it; remove it";
        } else {
            is = "cannot be opened: " + (e == null ? "unknown" : IoMessages.describe(e));
        }
        return new RefusedException(place, place + " (the runs of " + what + ") " + is);
    }

    /**
     * A small file of the repository, read without following a link, and only when it is a regular
     * file; in a directory of another user's, only when it has no other name (a hard link made
     * there to a file of root's is not read through it). What the name leads to is looked at first,
     * and what was opened is judged again by its descriptor: the file is opened without waiting, so
     * that a FIFO swapped in between cannot stop the run (nor retention).
     *
     * @throws NoSuchFileException when there is none
     * @throws RefusedException when it is no regular file, has other names, or is larger than {@code max}
     */
    static byte[] readSmall(Path file, int max) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new RefusedException(file, file + " is not a regular file");
        }
        byte[] bytes;
        long links;
        if (GuardedOpen.available()) {
            GuardedOpen.Found[] found = new GuardedOpen.Found[1];
            try {
                bytes = GuardedOpen.regularFile(file, max, found);
            } catch (NoSuchFileException gone) {
                throw gone;
            } catch (IOException e) {
                if (found[0] != null && !found[0].isRegularFile()) {
                    throw new RefusedException(file, file + " is not a regular file ("
                            + GuardedOpen.kind(found[0].mode()) + " when it was opened)");
                }
                if (e.getMessage() != null && e.getMessage().endsWith("is a symbolic link")) {
                    throw new RefusedException(file, file + " is not a regular file (a symbolic link when it was opened)");
                }
                throw e;
            }
            links = found[0].links();
        } else {
            links = posix() ? ((Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)) : 1;
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.allocate(max + 1);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // read on
                }
                bytes = java.util.Arrays.copyOf(b.array(), b.position());
            }
        }
        if (posix() && links > 1 && untrustedOwner(file.toAbsolutePath().getParent()) != null) {
            throw new RefusedException(file, file + " has other names (hard links): not read");
        }
        if (bytes.length > max) {
            throw new RefusedException(file, file + " is larger than " + max + " bytes");
        }
        return bytes;
    }

    /**
     * Writes a small file whole or not at all, in a directory found safe: a temporary file beside it
     * (readable by its owner alone), renamed over it, so that a reader never sees half of one.
     */
    static void writeWhole(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".fsnap-", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
