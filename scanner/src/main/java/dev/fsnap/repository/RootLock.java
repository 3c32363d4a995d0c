package dev.fsnap.repository;

import dev.fsnap.bindings.GuardedOpen;
import dev.fsnap.internal.IoMessages;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A root's lock in a repository ({@code KEY/lock}). Who holds it is the kernel's record lock on the
 * file ({@code fcntl}, {@link FileChannel#tryLock}): a process that dies lets go of it, and two runs
 * that find a lock left behind cannot both take it, since taking it over is one call that only one
 * of them wins. The file's text names the holder (PID, host, start) for the person reading the
 * message, and tells an older fsnap, which locked by the text alone, that the root is busy.
 *
 * <p>While the lock is held, no other descriptor of the file is ever opened in this process: closing
 * any descriptor of a file lets go of all the process's {@code fcntl} locks on it, so the text is
 * read through the channel that holds the lock, and whether the name still leads to the locked
 * file is told by comparing the name's device and inode with those of the opened descriptor.
 *
 * <p>The file is opened without following a link and without waiting on a FIFO, is readable by
 * its owner alone (anyone who can open it can hold a shared record lock on it, and so block every
 * run), and its text is never shown: a lock that is not one fsnap wrote is refused, naming the
 * file, not quoting it.
 *
 * <p>Taken with {@link RunSeries#lock()}, which never waits; held until {@link #close()}, or until
 * the JVM ends (a shutdown hook lets go of it on a signal). A program may try to take a lock it
 * already holds (two threads, two jobs on one root): that is {@link Busy}, told from the locks this
 * process holds before any descriptor is opened, since opening and closing one would let go of
 * the held lock; and locks are taken one at a time in a process for the same reason.
 */
public final class RootLock implements AutoCloseable {
    /** More than a holder's line ever takes. */
    private static final int MAX_TEXT = 512;

    /** What came of trying to take a lock: {@link Taken}, {@link Busy} or {@link Refused}. */
    public sealed interface Outcome permits Taken, Busy, Refused {
    }

    /**
     * The lock is taken: hold it while the run goes on, and close it at the end.
     *
     * @param lock the lock, held
     * @param tookOver what is to be said about a lock left by a run that is gone (naming it), or null
     */
    public record Taken(RootLock lock, String tookOver) implements Outcome {
    }

    /**
     * Another run on this host holds it now: try again later.
     *
     * @param holder the holder, as said in a message ({@code process 4242 on nas-1 since 2026-...})
     */
    public record Busy(String holder) implements Outcome {
    }

    /**
     * The lock cannot be judged from here (another host's, a link, unreadable, not fsnap's): a
     * person must look. Never a reason to wait and try again.
     *
     * @param reason why, naming the lock's file (never quoting its content)
     */
    public record Refused(String reason) implements Outcome {
    }

    /** A holder as the lock's text names it. */
    record Holder(long pid, String host, Instant since) {
        static Holder parse(String text) {
            String[] f = text.strip().split(" ");
            if (f.length != 3 || !f[0].matches("[0-9]{1,10}") || !f[1].matches("[A-Za-z0-9._-]{1,253}")) {
                return null;
            }
            try {
                return new Holder(Long.parseLong(f[0]), f[1], Instant.parse(f[2]));
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return "process " + pid + " on " + host + " since " + since;
        }
    }

    /** The locks this process holds, not yet let go. Guarded by {@code RootLock.class}. */
    private static final java.util.List<RootLock> HELD = new java.util.ArrayList<>();

    private final Path file;
    private final FileChannel channel;
    /** The locked file's device and inode, as its descriptor told them. */
    private final long[] identity;
    private final Thread onExit;
    private boolean released;

    private RootLock(Path file, FileChannel channel, long[] identity) {
        this.file = file;
        this.channel = channel;
        this.identity = identity;
        // A signal (Ctrl-C, systemd's stop) ends the JVM without the holder's finally: let go then too.
        this.onExit = new Thread(this::release, "fsnap-lock");
        try {
            Runtime.getRuntime().addShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already ending; close() releases
        }
    }

    /**
     * Takes the lock of a root.
     *
     * @param file the lock, in the root's directory (which the caller has found safe)
     * @param root the root, for what is said
     * @return the lock taken, or why not
     */
    static Outcome take(Path file, String root) {
        synchronized (RootLock.class) {
            Outcome outcome = heldHere(file);
            if (outcome == null) {
                outcome = takeFromTheKernel(file, root);
            }
            if (outcome instanceof Taken taken) {
                HELD.add(taken.lock());
            }
            return outcome;
        }
    }

    /**
     * A lock this process holds already, told by the device and inode its name leads to (no
     * descriptor opened): {@link Busy}, naming the holder its text names, as another process would
     * be told; null when this process holds none there.
     */
    private static Outcome heldHere(Path file) {
        long[] there;
        try {
            there = identity(file);
        } catch (IOException unknown) {
            return null; // judged when it is opened
        }
        for (RootLock held : HELD) {
            if (there != null && there.length > 0 && java.util.Arrays.equals(held.identity, there)) {
                String text;
                try {
                    text = read(held.channel); // through the held descriptor: no other is opened
                } catch (IOException closing) {
                    text = "";
                }
                Holder h = Holder.parse(text);
                return new Busy(h != null ? h.toString() : "this process (" + ProcessHandle.current().pid() + ")");
            }
        }
        return null;
    }

    private static Outcome takeFromTheKernel(Path file, String root) {
        String host = host();
        String mine = ProcessHandle.current().pid() + " " + host + " " + Instant.now() + "\n";
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel ch;
            long[] opened;
            try {
                if (GuardedOpen.available()) {
                    // Private: a user who may open the file may also hold a read lock on it for ever.
                    GuardedOpen.Opened o = GuardedOpen.readWrite(file, 0600);
                    if (o.channel() == null) {
                        return new Refused(file + " is " + GuardedOpen.kind(o.found().mode())
                                + ", not a regular file, so not a lock fsnap made; remove it");
                    }
                    ch = o.channel();
                    opened = new long[] {o.found().device(), o.found().inode()};
                } else {
                    ch = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                            StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    opened = identity(file); // where no descriptor can be stat'ed: the name's, just after
                }
            } catch (IOException e) {
                return new Refused(cannotOpen(file, e));
            }
            boolean keep = false;
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile()) {
                    return new Refused(file + " is not a regular file, so not a lock fsnap made; remove it");
                }
                String owner = SafeFiles.untrustedOwner(file);
                if (owner != null) {
                    return new Refused(file + " is owned by " + owner + ", not by " + SafeFiles.trustedOwners()
                            + ": not a lock this run may take; remove it");
                }
                FileLock held;
                try {
                    held = ch.tryLock();
                } catch (OverlappingFileLockException thisProcess) {
                    held = null;
                }
                String found = read(ch);
                Holder h = Holder.parse(found);
                if (held == null) {
                    if (found.isBlank()) {
                        return new Busy("another run on " + host + " (starting)");
                    }
                    if (h == null) {
                        return new Refused(file + " is held by a process that did not write a holder fsnap can read ("
                                + found.length() + " bytes, not shown)");
                    }
                    if (!h.host().equals(host)) {
                        return new Refused(file + " is held by " + h + ", another host: this host cannot run " + root
                                + " until that run ends");
                    }
                    return new Busy(h.toString());
                }
                if (!found.isBlank()) {
                    if (h == null) {
                        return new Refused(file + " holds no lock fsnap wrote (" + found.length()
                                + " bytes, not shown), and no process holds it: remove it");
                    }
                    if (!h.host().equals(host)) {
                        return new Refused(file + " was left by " + h + ", another host: whether that run goes on "
                                + "cannot be told from " + host + "; once it has ended, remove " + file);
                    }
                    if (alive(h)) {
                        return new Busy(h.toString()); // an older fsnap, which locks by the text alone
                    }
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(mine.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
                // The record lock is on the file this channel opened. A run that let go of the lock
                // meanwhile unlinked that file; it is ours only if the name still leads to it. Told
                // by device and inode: opening the name again, and closing that, would let go of the lock.
                if (!java.util.Arrays.equals(opened, identity(file))) {
                    held.release();
                    continue;
                }
                keep = true;
                return new Taken(new RootLock(file, ch, opened), found.isBlank() ? null
                        : "took over the lock of " + root + " left by " + h + ", which is gone");
            } catch (IOException e) {
                return new Refused(file + ": " + IoMessages.describe(e));
            } finally {
                if (!keep) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // a read-only descriptor's close does not fail in a way that matters here
                    }
                }
            }
        }
        return new Busy("another run (the lock changed hands while it was looked at)");
    }

    private static String cannotOpen(Path file, IOException e) {
        try {
            if (Files.isSymbolicLink(file)) {
                return file + " is a symbolic link, not a lock fsnap made: it is not followed; remove it";
            }
        } catch (RuntimeException ignored) {
            // said below as the system says it
        }
        if (e instanceof AccessDeniedException) {
            return file + " cannot be opened (permission denied): the lock belongs to another user";
        }
        return "the lock cannot be opened: " + IoMessages.describe(e);
    }

    /** Whether the holder's process still runs: its PID is taken, by a process started before the lock. */
    private static boolean alive(Holder h) {
        Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
        if (p.isEmpty() || !p.get().isAlive()) {
            return false;
        }
        Optional<Instant> started = p.get().info().startInstant();
        return started.isEmpty() || !started.get().isAfter(h.since().plusSeconds(1));
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MAX_TEXT);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // read on
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** The device and inode the lock's name leads to now (never following a link); null when there is none. */
    private static long[] identity(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return new long[0]; // no inode to tell by (Windows, where a lock is the handle's, not the process's)
        }
        try {
            return new long[] {((Number) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue(),
                ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()};
        } catch (NoSuchFileException gone) {
            return null;
        }
    }

    /** @return this host's name, as a lock's text names the host of its holder */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName().replace(' ', '_');
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Lets go: empties and removes the file while still holding it, so that no waiter takes an unlinked file. */
    private synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        synchronized (RootLock.class) {
            HELD.remove(this);
        }
        try {
            if (java.util.Arrays.equals(identity, identity(file))) {
                channel.truncate(0);
                Files.deleteIfExists(file);
            }
        } catch (IOException gone) {
            // removed already; closing below lets go of the record lock all the same
        } finally {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the record lock goes with the descriptor
            }
        }
    }

    /** Lets go of the lock: empties and removes its file, then closes it. Safe to call twice. */
    @Override
    public void close() {
        release();
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException exiting) {
            // the hook runs, or ran, and finds the lock released
        }
    }
}
