package dev.fsnap.signature;

import dev.fsnap.bindings.GuardedOpen;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * minisign's file format (its documentation, and its source for what the documentation leaves
 * out): every file is lines of an untrusted comment and base64; a signature of kind {@code ED} is
 * Ed25519 over the BLAKE2b-512 of the file, and a second Ed25519 signature covers the first and the
 * trusted comment. Ed25519 and BLAKE2b are libcrypto's where it is here; elsewhere Ed25519 is the
 * JDK's and BLAKE2b Bouncy Castle's.
 */
final class Minisign {
    static final byte[] ALGORITHM = {'E', 'd'};
    static final byte[] HASHED = {'E', 'D'};
    static final int KEY_ID = 8;
    static final int PUBLIC = 32;
    static final int SEED = 32;
    static final int SIGNATURE = 64;
    static final String UNTRUSTED = "untrusted comment: ";
    static final String TRUSTED = "trusted comment: ";
    /** What minisign itself can sign (its message buffer), though it reads longer ones. */
    static final int MAX_TRUSTED_COMMENT = 4077;
    /** Key and signature files are a few hundred bytes; minisign reads lines of at most 8 KiB. */
    static final int MAX_FILE = 16 * 1024;

    private static final byte[] PKCS8_ED25519 = HexFormat.of().parseHex("302e020100300506032b657004220420");
    private static final byte[] X509_ED25519 = HexFormat.of().parseHex("302a300506032b6570032100");

    private Minisign() {
    }

    /**
     * A key or signature file, read without following a link and without waiting on a FIFO put in
     * its place.
     *
     * @throws java.nio.file.NoSuchFileException when there is none
     */
    static byte[] readSmall(Path file) throws IOException {
        if (GuardedOpen.available()) {
            GuardedOpen.Found[] found = new GuardedOpen.Found[1];
            // A key a user names may be a link (/etc/alternatives, a mounted secret): what it leads to is read.
            byte[] b = GuardedOpen.regularFile(file.toRealPath(), MAX_FILE, found);
            if (b.length > MAX_FILE) {
                throw new IOException(file + ": larger than " + MAX_FILE + " bytes: not a key or a signature");
            }
            return b;
        }
        if (!Files.isRegularFile(file)) { // followed, as the native read follows it
            throw new IOException(file + ": not a regular file");
        }
        if (Files.size(file) > MAX_FILE) {
            throw new IOException(file + ": larger than " + MAX_FILE + " bytes: not a key or a signature");
        }
        return Files.readAllBytes(file);
    }

    /** A file held open for reading, and a path that reaches it (its descriptor's, on Linux). */
    interface Pin extends java.io.Closeable {
        Path path();

        @Override
        void close();
    }

    /**
     * Opens a signed file once, refusing what is no regular file (never waiting on a FIFO or a
     * device), and holds it open: what its signature is checked over is what is used.
     *
     * @throws SignatureRefusedException when it is missing, or no regular file
     */
    static Pin pin(Path file) throws IOException {
        try {
            if (GuardedOpen.available()) {
                GuardedOpen.Pinned p = GuardedOpen.pin(file.toRealPath());
                return new Pin() {
                    @Override
                    public Path path() {
                        return p.path();
                    }

                    @Override
                    public void close() {
                        p.close();
                    }
                };
            }
            if (!Files.isRegularFile(file)) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "not a regular file");
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.MISSING,
                    file + ": missing, though its signature is there");
        } catch (java.nio.file.FileSystemException e) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.INVALID,
                    file + ": not a regular file (" + (e.getReason() == null ? "" : e.getReason()) + "): nothing signed is read");
        }
        return new Pin() {
            @Override
            public Path path() {
                return file;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * The file's lines, each without its {@code \n} and one {@code \r} before it, one char per byte
     * (ISO 8859-1): a trusted comment is verified as the bytes it is, whatever their encoding.
     */
    static List<String> lines(byte[] content) {
        List<String> lines = new ArrayList<>(4);
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                int end = i > start && content[i - 1] == '\r' ? i - 1 : i;
                if (i < content.length || end > start) {
                    lines.add(new String(content, start, end - start, StandardCharsets.ISO_8859_1));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /**
     * @return the bytes of a base64 line of exactly {@code length} bytes, or null when it is none
     *         (minisign requires the padding: so does this)
     */
    static byte[] base64(String line, int length) {
        if (line.length() % 4 != 0) {
            return null;
        }
        try {
            byte[] b = Base64.getDecoder().decode(line);
            return b.length == length ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** @return a signature's identity: its first 16 bytes, in hex */
    static String id(byte[] signature) {
        return HexFormat.of().formatHex(signature, 0, 16);
    }

    /** A key id as minisign prints it: its eight bytes as a little-endian number, in hex. */
    static String keyIdText(byte[] id) {
        StringBuilder s = new StringBuilder(16);
        for (int i = KEY_ID - 1; i >= 0; i--) {
            s.append(String.format("%02X", id[i] & 0xFF));
        }
        return s.toString();
    }

    /** @return the unkeyed BLAKE2b of the parts, {@code bits} long */
    static byte[] blake2b(int bits, byte[]... parts) {
        Blake2bDigest d = new Blake2bDigest(bits);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[bits / 8];
        d.doFinal(out, 0);
        return out;
    }

    /**
     * @return the BLAKE2b-512 of a file's bytes: what a signature of kind {@code ED} signs; through
     *         libcrypto where it is here (a short-lived JVM's Java BLAKE2b is ten times slower)
     */
    static byte[] blake2b512(Path file) throws IOException {
        if (dev.fsnap.bindings.Blake2b512.available()) {
            return dev.fsnap.bindings.Blake2b512.ofFile(file);
        }
        Blake2bDigest d = new Blake2bDigest(512);
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                d.update(buf.array(), 0, buf.position());
            }
        }
        byte[] out = new byte[64];
        d.doFinal(out, 0);
        return out;
    }

    /** @return the public key of an Ed25519 seed; through libcrypto where it is here */
    static byte[] publicKeyOf(byte[] seed) {
        if (dev.fsnap.bindings.Ed25519.available()) {
            return dev.fsnap.bindings.Ed25519.publicKey(seed);
        }
        return javaPublicKeyOf(seed);
    }

    /** The public key of a seed, in Java: where there is no libcrypto. */
    static byte[] javaPublicKeyOf(byte[] seed) {
        return new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
    }

    /**
     * Signs with Ed25519: through libcrypto where it is here (the JDK's costs a short-lived JVM some
     * 100 ms the first time), else the JDK's.
     */
    static byte[] sign(byte[] seed, byte[] message) {
        if (dev.fsnap.bindings.Ed25519.available()) {
            return dev.fsnap.bindings.Ed25519.sign(seed, message);
        }
        return jdkSign(seed, message);
    }

    /** Signs with the JDK's Ed25519: where there is no libcrypto. */
    static byte[] jdkSign(byte[] seed, byte[] message) {
        try {
            byte[] der = Arrays.copyOf(PKCS8_ED25519, PKCS8_ED25519.length + SEED);
            System.arraycopy(seed, 0, der, PKCS8_ED25519.length, SEED);
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            Arrays.fill(der, (byte) 0);
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime since 15 signs with Ed25519", e);
        }
    }

    /** Verifies an Ed25519 signature, through libcrypto where it is here, else the JDK's. */
    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (dev.fsnap.bindings.Ed25519.available()) {
            return dev.fsnap.bindings.Ed25519.verify(publicKey, message, signature);
        }
        return jdkVerify(publicKey, message, signature);
    }

    /** Verifies with the JDK's Ed25519: where there is no libcrypto. */
    static boolean jdkVerify(byte[] publicKey, byte[] message, byte[] signature) {
        try {
            byte[] der = Arrays.copyOf(X509_ED25519, X509_ED25519.length + PUBLIC);
            System.arraycopy(publicKey, 0, der, X509_ED25519.length, PUBLIC);
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (java.security.SignatureException | java.security.spec.InvalidKeySpecException e) {
            return false; // a signature or key of the wrong shape verifies nothing
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime since 15 verifies Ed25519", e);
        }
    }

    /**
     * Writes a small file whole or not at all: a temporary file beside it, renamed over it.
     *
     * @param secret whether only its owner may read it (a secret key: and then an existing file is
     *               never replaced)
     */
    static void write(Path file, byte[] bytes, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".fsnap-", ".tmp"); // mode 0600
        try {
            Files.write(tmp, bytes);
            if (!secret && Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            if (secret) {
                Files.createLink(file, tmp); // fails when the file exists: a key is never overwritten
            } else {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
