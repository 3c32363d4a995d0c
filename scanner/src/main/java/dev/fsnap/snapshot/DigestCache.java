package dev.fsnap.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A file's SHA-256, one path at a time, without a snapshot: for a tool that asks "has this file
 * changed?" of the files it is handed (a build's inputs, a sync's candidates). The digest of each
 * path is kept with the file's device, inode, size, modification and status change times; asked
 * again, the cache answers from what it kept while those are unchanged, and reads the file
 * otherwise. A file whose times fell inside the racy window of the moment it was read (its content
 * could change again within the timestamps' resolution without them showing it) is read again the
 * next time, as a snapshot's racy entries are. A file that changes while it is read is read once
 * more, then refused.
 *
 * <p>The cache is a file of its own, loaded by {@link #open} and written whole, atomically, by
 * {@link #save}; a cache file that cannot be read is an {@link IOException} naming it (a tool
 * starts over by deleting it): a damaged cache is never trusted. Not thread-safe: one caller at a
 * time.
 */
public final class DigestCache {
    private static final int MAGIC = 0x46534443; // "FSDC"
    private static final int VERSION = 1;
    private static final int CHUNK = 1 << 16;
    private static final int PATH_MAX = 4096;
    /** The fewest bytes an entry takes in the file: a length, six numbers, a digest, a name of one byte. */
    private static final int ENTRY_BYTES = 4 + 6 * 8 + 32 + 1;

    /** What a digest is kept with: the file as it was when it was read. */
    private record Kept(long device, long inode, long size, long mtimeNanos, long ctimeNanos, long readNanos,
                        byte[] digest) {
    }

    private final Path file;
    private final Duration racyWindow;
    private final Map<String, Kept> kept = new HashMap<>();
    private final byte[] buffer = new byte[CHUNK];
    private long reads;

    private DigestCache(Path file, Duration racyWindow) {
        this.file = file;
        this.racyWindow = racyWindow;
    }

    /**
     * Opens a cache kept in a file, empty where the file does not exist yet.
     *
     * @param file where the cache is kept
     * @param racyWindow how close to its reading a file's times make them untrustworthy (the
     *                   filesystem's timestamp resolution; 2 s as snapshots take it by default)
     * @return the cache
     * @throws IOException when the file exists and cannot be read, or is not a cache (naming it)
     */
    public static DigestCache open(Path file, Duration racyWindow) throws IOException {
        Objects.requireNonNull(racyWindow, "racyWindow");
        DigestCache c = new DigestCache(file, racyWindow);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return c;
        }
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + ": not a digest cache of this version");
            }
            int n = in.readInt();
            long most = Files.size(file) / ENTRY_BYTES;
            if (n < 0 || n > most) {
                throw new EOFException();
            }
            for (int i = 0; i < n; i++) {
                int length = in.readInt();
                if (length <= 0 || length > PATH_MAX) {
                    throw new EOFException();
                }
                byte[] path = new byte[length];
                in.readFully(path);
                long device = in.readLong();
                long inode = in.readLong();
                long size = in.readLong();
                long mtime = in.readLong();
                long ctime = in.readLong();
                long read = in.readLong();
                byte[] digest = new byte[32];
                in.readFully(digest);
                c.kept.put(new String(path, java.nio.charset.StandardCharsets.ISO_8859_1),
                        new Kept(device, inode, size, mtime, ctime, read, digest));
            }
        } catch (EOFException e) {
            throw new IOException(file + ": a damaged digest cache (delete it to start over)");
        }
        return c;
    }

    /**
     * The SHA-256 of a regular file's content, from the cache while its device, inode, size and
     * times are those it had when it was read and they were not racy then; else read now.
     *
     * @param path a regular file (a link is not followed: it is refused)
     * @return the digest, 32 bytes
     * @throws IOException naming the path when it is not a regular file, cannot be read, or keeps
     *         changing while it is read
     */
    public byte[] digest(Path path) throws IOException {
        String key = new String(dev.fsnap.bindings.PathBytes.of(path.toAbsolutePath()),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        long[] now = identity(path);
        Kept k = kept.get(key);
        if (k != null && k.device == now[0] && k.inode == now[1] && k.size == now[2] && k.mtimeNanos == now[3]
                && k.ctimeNanos == now[4] && !racy(k)) {
            return k.digest.clone();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            long readAt = nanos(FileTime.from(Instant.now()));
            byte[] digest = read(path);
            long[] after = identity(path);
            if (Arrays.equals(now, after)) {
                kept.put(key, new Kept(now[0], now[1], now[2], now[3], now[4], readAt, digest));
                return digest.clone();
            }
            now = after;
        }
        kept.remove(key);
        throw new java.nio.file.FileSystemException(path.toString(), null, "changed while it was read (twice)");
    }

    /** Whether a kept file's times were within the racy window of its reading. */
    private boolean racy(Kept k) {
        long window = racyWindow.toNanos();
        return k.readNanos - k.mtimeNanos < window || k.readNanos - k.ctimeNanos < window;
    }

    /** @return reads of content since the cache was opened: what the cache did not spare */
    public long reads() {
        return reads;
    }

    /**
     * Forgets the paths no longer asked about, below a directory or everywhere.
     *
     * @param keep whether a kept path stays (given its absolute path's bytes)
     */
    public void retain(java.util.function.Predicate<byte[]> keep) {
        kept.keySet().removeIf(p -> !keep.test(p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    /**
     * Writes the cache to its file, whole: a temporary file beside it, forced, then renamed over it.
     *
     * @throws IOException naming the file when it cannot be written
     */
    public void save() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(kept.size());
            for (Map.Entry<String, Kept> e : kept.entrySet()) {
                byte[] path = e.getKey().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                Kept k = e.getValue();
                out.writeInt(path.length);
                out.write(path);
                out.writeLong(k.device);
                out.writeLong(k.inode);
                out.writeLong(k.size);
                out.writeLong(k.mtimeNanos);
                out.writeLong(k.ctimeNanos);
                out.writeLong(k.readNanos);
                out.write(k.digest);
            }
        }
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".digest-cache-", ".part");
        try {
            try (FileChannel c = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
                while (b.hasRemaining()) {
                    c.write(b);
                }
                c.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Device, inode, size, mtime and ctime (nanoseconds) of the file itself, which must be a regular file. */
    private static long[] identity(Path path) throws IOException {
        Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,size,lastModifiedTime,ctime,isRegularFile",
                LinkOption.NOFOLLOW_LINKS);
        if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
            throw new java.nio.file.FileSystemException(path.toString(), null, "not a regular file");
        }
        return new long[] {(Long) a.get("dev"), (Long) a.get("ino"), (Long) a.get("size"),
                nanos((FileTime) a.get("lastModifiedTime")), nanos((FileTime) a.get("ctime"))};
    }

    private static long nanos(FileTime t) {
        Instant i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private byte[] read(Path path) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        reads++;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }
}
