package dev.fsnap.snapshot;

import dev.fsnap.bindings.InputFile;
import dev.fsnap.bindings.LinuxLibc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A snapshot file open for positional reads: natively on Linux, its descriptor close-on-exec
 * ({@link InputFile}); elsewhere through a {@link FileChannel}.
 */
abstract class SnapshotInput implements AutoCloseable {
    abstract long size();

    /** Reads up to {@code length} bytes at {@code position}; -1 at the end of the file. */
    abstract int read(byte[] into, int offset, int length, long position) throws IOException;

    @Override
    public abstract void close() throws IOException;

    static SnapshotInput open(Path file) throws IOException {
        if (LinuxLibc.library().isAvailable()) {
            InputFile f = InputFile.open(file);
            return new SnapshotInput() {
                @Override
                long size() {
                    return f.size();
                }

                @Override
                int read(byte[] into, int offset, int length, long position) throws IOException {
                    return f.read(into, offset, length, position);
                }

                @Override
                public void close() {
                    f.close();
                }
            };
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        long size = ch.size();
        return new SnapshotInput() {
            @Override
            long size() {
                return size;
            }

            @Override
            int read(byte[] into, int offset, int length, long position) throws IOException {
                return ch.read(ByteBuffer.wrap(into, offset, length), position);
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }
}
