package dev.fsnap.snapshot;

import dev.fsnap.bindings.LinuxLibc;
import dev.fsnap.bindings.OutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Where a snapshot is written until it is complete: a file no one else can see, predict or block,
 * renamed over the target at the end. Natively on Linux ({@link OutputFile}: unnamed, close-on-exec);
 * elsewhere through NIO under a random name created exclusively.
 */
abstract class SnapshotOutput {
    abstract void write(byte[] b, int offset, int length) throws IOException;

    abstract void force() throws IOException;

    /** @return a path through which the written bytes can be read before {@link #publish()} */
    abstract Path contents();

    /**
     * Renames the file over the target, atomically, and forces the rename to disk.
     *
     * @throws IOException when the rename fails, or is done but cannot be forced to disk (naming the directory)
     */
    abstract void publish() throws IOException;

    /** @return whether {@link #publish} renamed the file over its target (though it may have failed after) */
    abstract boolean placed();

    /** Gives the file up; from any thread, at any time, more than once. */
    abstract void discard();

    /** Closes the file; once, when nothing else can be in progress. */
    abstract void release();

    static SnapshotOutput create(Path target) throws IOException {
        return create(target, LinuxLibc.library().isAvailable());
    }

    /** As {@link #create(Path)}; {@code nativeCalls} false writes through NIO, as where there are none (tests choose it). */
    static SnapshotOutput create(Path target, boolean nativeCalls) throws IOException {
        return nativeCalls ? new Native(OutputFile.create(target)) : Nio.create(target);
    }

    private static final class Native extends SnapshotOutput {
        private final OutputFile file;

        Native(OutputFile file) {
            this.file = file;
        }

        @Override
        void write(byte[] b, int offset, int length) throws IOException {
            file.write(b, offset, length);
        }

        @Override
        void force() throws IOException {
            file.force();
        }

        @Override
        Path contents() {
            return file.contents();
        }

        @Override
        void publish() throws IOException {
            file.publish();
        }

        @Override
        boolean placed() {
            return file.published();
        }

        @Override
        void discard() {
            file.discard();
        }

        @Override
        void release() {
            file.release();
        }
    }

    /** Without the native calls: a random name, created exclusively with mode 0600, retried. */
    private static final class Nio extends SnapshotOutput {
        private final Path target;
        private final Path temporary;
        private final FileChannel channel;
        private volatile boolean placed;

        private Nio(Path target, Path temporary, FileChannel channel) {
            this.target = target;
            this.temporary = temporary;
            this.channel = channel;
        }

        static Nio create(Path target) throws IOException {
            Path absolute = target.toAbsolutePath();
            SecureRandom random = new SecureRandom();
            for (int tries = 0; ; tries++) {
                byte[] bits = new byte[8];
                random.nextBytes(bits);
                Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "."
                        + HexFormat.of().formatHex(bits) + ".tmp");
                try {
                    FileChannel channel;
                    try {
                        channel = FileChannel.open(temporary, Set.of(StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    } catch (UnsupportedOperationException e) {
                        channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    }
                    return new Nio(absolute, temporary, channel);
                } catch (FileAlreadyExistsException e) {
                    if (tries == 64) {
                        throw e;
                    }
                }
            }
        }

        @Override
        void write(byte[] b, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }

        @Override
        void force() throws IOException {
            channel.force(true);
        }

        @Override
        Path contents() {
            return temporary;
        }

        @Override
        void publish() throws IOException {
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                placed = true;
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": cannot replace the snapshot atomically: " + e.getMessage(), e);
            }
            FileChannel d;
            try {
                d = FileChannel.open(target.getParent(), StandardOpenOption.READ);
            } catch (IOException notOnThisPlatform) {
                return; // Windows opens no directory as a file: there, the rename is as durable as it gets
            }
            // Atomic is not durable: the rename must reach the disk. The JDK does not say which error
            // a failed force met (only strerror's text, never parsed), so a filesystem that cannot
            // force a directory is not told from one that failed to: both are reported.
            try (d) {
                d.force(true);
            } catch (IOException e) {
                throw new FileSystemException(target.getParent().toString(), null,
                        "cannot force the directory to disk after renaming " + target.getFileName() + " into it: "
                                + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }

        @Override
        boolean placed() {
            return placed;
        }

        @Override
        void discard() {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the directory went away or became read-only: nothing more can be done from here
            }
        }

        @Override
        void release() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was left to write: release follows publish or discard
            }
        }
    }
}
