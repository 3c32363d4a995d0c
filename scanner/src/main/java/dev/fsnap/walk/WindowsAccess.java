package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.bindings.StatFields;

import dev.fsnap.bindings.FileErrors;
import dev.fsnap.bindings.RecordBuffer;
import dev.fsnap.bindings.WindowsAbi;
import dev.fsnap.bindings.WindowsDirectoryReader;
import dev.fsnap.bindings.WindowsPaths;

import java.io.IOException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The native Windows backend: every directory is listed with {@code FindFirstFileExW} and
 * {@code FindNextFileW} under its {@code \\?\} path, and every entry's metadata is taken from its
 * {@code WIN32_FIND_DATAW} record: no call per file. A listing gives no inode, device, owner,
 * group, link count or change time, and no link target: those fields are {@linkplain #absentFields
 * absent}, never zeros that would later read as changes. Symbolic links and junctions are
 * reported as links and never entered.
 */
final class WindowsAccess extends FileSystemAccess {
    private static final byte[] ROOT = {};

    private final Path root;
    private final String longRoot;
    private final int bufferSize;
    private volatile Concurrency.Filesystem filesystem = Concurrency.Filesystem.UNKNOWN;

    /** The backend for a root, typed so that callers on other systems never load this class. */
    static FileSystemAccess open(Path root, int bufferSize) {
        return new WindowsAccess(root, bufferSize);
    }

    private WindowsAccess(Path root, int bufferSize) {
        this.root = root;
        this.longRoot = WindowsPaths.longPath(root.toAbsolutePath().toString());
        this.bufferSize = bufferSize;
    }

    @Override
    Backend backend() {
        return Backend.NATIVE;
    }

    @Override
    Set<Field> absentFields() {
        return NativeBackends.WINDOWS_ABSENT;
    }

    @Override
    void openRoot(EntryBatch batch) throws IOException {
        try (WindowsDirectoryReader reader = new WindowsDirectoryReader(RecordBuffer.MIN_BUFFER_SIZE)) {
            if (!reader.attributesOf(WindowsPaths.below(longRoot, ROOT, 0, false))) {
                throw FileErrors.of(root.toString(), reader.lastError(), "");
            }
            int i = batch.begin(0);
            fill(reader, 0, batch, i);
            if (batch.type[i] != EntryType.DIRECTORY) {
                throw new NotDirectoryException(root.toString());
            }
            long handle = reader.findFirst(WindowsPaths.below(longRoot, ROOT, 0, true));
            if (handle == WindowsDirectoryReader.FAILED) {
                throw FileErrors.of(root.toString(), reader.lastError(), "cannot list");
            }
            reader.findClose(handle);
            filesystem = filesystemOf(reader, longRoot);
        }
    }

    /** A share ({@code \\?\UNC\...}) or a mapped network drive is a network filesystem. */
    static Concurrency.Filesystem filesystemOf(WindowsDirectoryReader reader, String longRoot) {
        if (longRoot.startsWith("\\\\?\\UNC\\")) {
            return new Concurrency.Filesystem("smb", true);
        }
        if (longRoot.length() >= 6 && longRoot.charAt(5) == ':') {
            char[] volume = {longRoot.charAt(4), ':', '\\', '\0'};
            return reader.isRemoteDrive(volume) ? new Concurrency.Filesystem("network drive", true)
                    : new Concurrency.Filesystem("local drive", false);
        }
        return Concurrency.Filesystem.UNKNOWN;
    }

    static Failure failureOf(WindowsDirectoryReader reader) {
        Failure f = Failure.of(reader.lastError());
        return new Failure(f.code(), f.message() + " (Windows error " + reader.lastWin32Error() + ")");
    }

    /** An entry's columns from its find record; the absent fields are left as the batch cleared them (zero). */
    static void fill(WindowsDirectoryReader r, int position, EntryBatch b, int i) {
        int attributes = r.attributes(position);
        int tag = r.reparseTag(position);
        int mode = WindowsAbi.mode(attributes, tag);
        b.type[i] = EntryType.ofMode(mode);
        b.set(i, StatFields.MODE, mode);
        b.set(i, StatFields.FLAGS, WindowsAbi.flags(attributes));
        b.set(i, StatFields.SIZE, b.type[i] == EntryType.FILE ? r.size(position) : 0);
        long written = r.lastWriteTime(position);
        b.set(i, StatFields.MTIME_SEC, WindowsAbi.unixSeconds(written));
        b.set(i, StatFields.MTIME_NSEC, WindowsAbi.unixNanos(written));
    }

    @Override
    Concurrency.Filesystem filesystem() {
        return filesystem;
    }

    @Override
    Worker newWorker() {
        return new WindowsWorker(new WindowsDirectoryReader(bufferSize));
    }

    @Override
    public void close() {
        // nothing stays open between directories
    }

    private final class WindowsWorker extends Worker {
        private final WindowsDirectoryReader reader;

        WindowsWorker(WindowsDirectoryReader reader) {
            this.reader = reader;
        }

        @Override
        Directory open(byte[] path, Object reference, boolean followLink) {
            long handle = reader.findFirst(WindowsPaths.below(longRoot, path, path.length, true));
            if (handle == WindowsDirectoryReader.FAILED) {
                failure = failureOf(reader);
                return null;
            }
            return new Search(reader, handle);
        }

        @Override
        NameChunk read(Directory directory) {
            Search search = (Search) directory;
            if (search.handle == WindowsDirectoryReader.EMPTY) {
                return null;
            }
            int n = reader.read(search.handle, !search.started);
            search.started = true;
            if (n <= 0) {
                failure = n < 0 ? failureOf(reader) : null;
                return null;
            }
            return new Records(reader, n);
        }

        @Override
        void stat(Directory directory, NameChunk chunk, EntryBatch b, boolean followLinks, Names which) {
            Records records = (Records) chunk;
            records.loadInto(reader);
            for (int pos = 0; pos < records.length && !b.abandoned; pos = reader.next(pos)) {
                if (reader.isSelfOrParent(pos)) {
                    continue;
                }
                byte[] name = reader.name(pos);
                int i = b.add(name, 0, name.length);
                if (b.lost(i)) {
                    continue;
                }
                fill(reader, pos, b, i);
                b.statted(this, i);
            }
        }

        @Override
        public void close() {
            reader.close();
        }
    }

    /** An open search: its handle is closed when the last chunk of the directory is done. */
    private static final class Search extends Directory {
        private final WindowsDirectoryReader opener;
        final long handle;
        boolean started;

        Search(WindowsDirectoryReader opener, long handle) {
            this.opener = opener;
            this.handle = handle;
        }

        @Override
        void closeNow() {
            opener.findClose(handle);
        }
    }
}
