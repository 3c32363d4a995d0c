package dev.fsnap.example.backup;

import dev.fsnap.scan.ContentSink;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Content by its SHA-256: {@code objects/ab/cdef...}. As a {@link ContentSink}, it receives each
 * file the scan reads, in the same pass as the scan digests it: the bytes go to a temporary file,
 * which the digest names once the file was read whole and unchanged.
 */
final class ObjectStore implements ContentSink {
    private final Path objects;
    /** Bytes the scan read and handed over, this run. */
    final LongAdder bytesRead = new LongAdder();
    final LongAdder filesRead = new LongAdder();

    ObjectStore(Path objects) throws IOException {
        this.objects = Files.createDirectories(objects);
        for (int i = 0; i < 256; i++) { // made once, not looked for at every file stored
            Files.createDirectories(objects.resolve(String.format("%02x", i)));
        }
    }

    Path object(byte[] digest) {
        String hex = HexFormat.of().formatHex(digest);
        return objects.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    }

    @Override
    public FileContent open(byte[] path, long size) throws IOException {
        Path temp = Files.createTempFile(objects, "incoming-", "");
        OutputStream out = Files.newOutputStream(temp);
        return new FileContent() {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                bytesRead.add(length);
            }

            @Override
            public void commit(byte[] digest) throws IOException {
                out.close();
                filesRead.increment();
                Path target = object(digest);
                if (Files.exists(target)) {
                    Files.delete(temp); // the same content is stored already
                    return;
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }

            @Override
            public void abort() {
                try {
                    out.close();
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // an incoming file left behind is removed by the next verify
                }
            }
        };
    }

    /**
     * Copies an object to a file, checking its digest on the way.
     *
     * @throws IOException when the object is missing, or its content is not what its name says
     *         (the partial file is removed)
     */
    void restore(byte[] digest, Path to) throws IOException {
        Path object = object(digest);
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(object); OutputStream out = Files.newOutputStream(to)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            Files.deleteIfExists(to);
            throw new IOException("object " + object + " is missing from the store");
        }
        if (!MessageDigest.isEqual(sha.digest(), digest)) {
            Files.deleteIfExists(to);
            throw new IOException("object " + object + " is damaged: its content does not match its name");
        }
    }

    /**
     * Reads every object again and checks its content against its name.
     *
     * @param damaged told each damaged object's path
     * @return the objects checked
     */
    long verify(Consumer<Path> damaged) throws IOException {
        long checked = 0;
        try (Stream<Path> all = Files.walk(objects)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (!Files.isRegularFile(p)) {
                    continue;
                }
                if (p.getFileName().toString().startsWith("incoming-")) {
                    Files.delete(p); // left by a run that was stopped
                    continue;
                }
                MessageDigest sha = sha256();
                try (InputStream in = Files.newInputStream(p)) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
                String name = p.getParent().getFileName().toString() + p.getFileName();
                if (!HexFormat.of().formatHex(sha.digest()).equals(name)) {
                    damaged.accept(p);
                }
                checked++;
            }
        }
        return checked;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
