package dev.fsnap.snapshot;

import dev.fsnap.bindings.LinuxLibc;
import dev.fsnap.bindings.OutputFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
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

    /** Renames the file over the target, atomically. */
    abstract void publish() throws IOException;

    /** Gives the file up; from any thread, at any time, more than once. */
    abstract void discard();

    /** Closes the file; once, when nothing else can be in progress. */
    abstract void release();

    static SnapshotOutput create(Path target) throws IOException {
        return LinuxLibc.library().isAvailable() ? new Native(OutputFile.create(target)) : Nio.create(target);
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
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": cannot replace the snapshot atomically: " + e.getMessage(), e);
            }
            try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException ignored) {
                // not every filesystem lets a directory be forced; the rename itself is already atomic
            }
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
