package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;
import dev.fsnap.bindings.StatFields;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The pure-Java backend: {@code java.nio.file} directory streams and {@code unix:*} attributes.
 * Names come from {@code Path.toString()} in the platform encoding, so a name that is not valid in
 * it is reported with replacement characters (the file itself is still stat'ed correctly).
 */
final class NioAccess extends FileSystemAccess {
    private static final int CHUNK = 512;
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final LinkOption[] FOLLOW = {};
    /**
     * The numeric attributes only: {@code unix:*} would add {@code owner} and {@code group}, which
     * NIO resolves with {@code getpwuid}/{@code getgrgid} per entry (reading /etc/passwd each time:
     * eight times slower over a whole scan).
     */
    private static final String ATTRIBUTES = "unix:mode,ino,dev,nlink,uid,gid,size,lastModifiedTime,ctime";

    private final Path root;
    private final Charset charset = NativeAccess.jnuCharset();

    NioAccess(Path root) {
        this(root, root);
    }

    /** @param beneath the directory followed links must stay below (see {@link FileSystemAccess#linksBeneath}) */
    NioAccess(Path root, Path beneath) {
        this.root = root;
        this.beneath = beneath;
    }

    @Override
    Backend backend() {
        return Backend.NIO;
    }

    @Override
    void openRoot(EntryBatch batch) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(root, ATTRIBUTES);
        int i = batch.begin(0);
        fill(attributes, batch, i);
        if (batch.type[i] != EntryType.DIRECTORY) {
            throw new NotDirectoryException(root.toString());
        }
        // Opening now makes an unreadable root an error of the scan, as with the native backend.
        try (DirectoryStream<Path> ignored = Files.newDirectoryStream(root)) {
            batch.reference[i] = root;
        }
        try {
            filesystem = Concurrency.Filesystem.ofName(Files.getFileStore(root).type());
        } catch (IOException e) {
            filesystem = Concurrency.Filesystem.UNKNOWN;
        }
    }

    private volatile Concurrency.Filesystem filesystem = Concurrency.Filesystem.UNKNOWN;

    /** The JDK reads no extended attributes but {@code user.*} ones: none are recorded; nor is content read. */
    @Override
    Set<Field> absentFields() {
        return NativeBackends.LINUX_ONLY;
    }

    @Override
    Concurrency.Filesystem filesystem() {
        return filesystem;
    }

    static void fill(Map<String, Object> a, EntryBatch b, int i) {
        int mode = (Integer) a.get("mode");
        b.type[i] = EntryType.ofMode(mode);
        b.set(i, StatFields.MODE, mode);
        b.set(i, StatFields.SIZE, (Long) a.get("size"));
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        FileTime ctime = (FileTime) a.get("ctime");
        long mtimeNanos = mtime.to(TimeUnit.NANOSECONDS);
        long ctimeNanos = ctime.to(TimeUnit.NANOSECONDS);
        b.set(i, StatFields.MTIME_SEC, Math.floorDiv(mtimeNanos, 1_000_000_000L));
        b.set(i, StatFields.MTIME_NSEC, Math.floorMod(mtimeNanos, 1_000_000_000L));
        b.set(i, StatFields.CTIME_SEC, Math.floorDiv(ctimeNanos, 1_000_000_000L));
        b.set(i, StatFields.CTIME_NSEC, Math.floorMod(ctimeNanos, 1_000_000_000L));
        b.set(i, StatFields.INODE, (Long) a.get("ino"));
        b.set(i, StatFields.DEVICE, (Long) a.get("dev"));
        b.set(i, StatFields.UID, ((Integer) a.get("uid")) & 0xffffffffL);
        b.set(i, StatFields.GID, ((Integer) a.get("gid")) & 0xffffffffL);
        b.set(i, StatFields.NLINK, ((Integer) a.get("nlink")) & 0xffffffffL);
    }

    private volatile Path realRoot;
    private final Path beneath;

    private Path realRoot() throws IOException {
        Path r = realRoot;
        if (r == null) {
            r = beneath.toRealPath();
            realRoot = r;
        }
        return r;
    }

    @Override
    Worker newWorker() {
        return new NioWorker();
    }

    @Override
    public void close() {
    }

    private final class NioWorker extends Worker {
        @Override
        Directory open(byte[] path, Object reference, boolean followLink) {
            Path dir = reference != null ? (Path) reference : root.resolve(new String(path, charset));
            try {
                if (!followLink && Files.isSymbolicLink(dir)) {
                    throw new NotDirectoryException(dir.toString());
                }
                if (followLink && Files.isSymbolicLink(dir) && !dir.toRealPath().startsWith(realRoot())) {
                    failure = Failure.OUTSIDE_ROOT;
                    return null;
                }
                return new NioDirectory(Files.newDirectoryStream(dir));
            } catch (IOException e) {
                failure = Failure.of(e);
                return null;
            }
        }

        @Override
        NameChunk read(Directory directory) {
            Iterator<Path> it = ((NioDirectory) directory).iterator;
            List<Path> names = new ArrayList<>(CHUNK);
            try {
                while (names.size() < CHUNK && it.hasNext()) {
                    names.add(it.next());
                }
            } catch (DirectoryIteratorException e) {
                failure = Failure.of(e.getCause());
                return null;
            }
            failure = null;
            return names.isEmpty() ? null : new PathChunk(names);
        }

        @Override
        void stat(Directory directory, NameChunk chunk, EntryBatch b, boolean followLinks, Names which) {
            if (which == Names.REST) {
                return; // a listing of paths does not tell directories apart: ALL is the only pass
            }
            for (Path p : ((PathChunk) chunk).paths) {
                if (b.abandoned) {
                    break;
                }
                byte[] name = p.getFileName().toString().getBytes(charset);
                int i = b.add(name, 0, name.length);
                if (b.lost(i)) {
                    continue;
                }
                try {
                    Map<String, Object> a;
                    try {
                        a = Files.readAttributes(p, ATTRIBUTES, followLinks ? FOLLOW : NOFOLLOW);
                    } catch (NoSuchFileException e) {
                        if (!followLinks) {
                            throw e;
                        }
                        a = Files.readAttributes(p, ATTRIBUTES, NOFOLLOW); // a dangling link, reported as such
                    }
                    fill(a, b, i);
                } catch (IOException e) {
                    b.errors.add(Failure.of(e).at(b.path(i), Operation.STAT));
                    b.dropLast();
                    continue;
                }
                if (b.type[i] == EntryType.SYMLINK) {
                    try {
                        b.setTarget(i, Files.readSymbolicLink(p).toString().getBytes(charset));
                    } catch (IOException e) {
                        b.errors.add(Failure.of(e).at(b.path(i), Operation.READLINK));
                    }
                } else if (b.type[i] == EntryType.DIRECTORY) {
                    b.reference[i] = p;
                }
                b.statted(this, i);
            }
        }

        @Override
        public void close() {
        }
    }

    private static final class NioDirectory extends Directory {
        final DirectoryStream<Path> stream;
        final Iterator<Path> iterator;

        NioDirectory(DirectoryStream<Path> stream) {
            this.stream = stream;
            this.iterator = stream.iterator();
        }

        @Override
        void closeNow() {
            try {
                stream.close();
            } catch (IOException ignored) {
                // Closing a directory stream releases a descriptor; its error is not actionable.
            }
        }
    }

    private static final class PathChunk extends NameChunk {
        final List<Path> paths;

        PathChunk(List<Path> paths) {
            this.paths = paths;
        }

        @Override
        NameChunk detach() {
            return this;
        }
    }
}
