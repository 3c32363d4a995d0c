package dev.fsnap.signature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The public half of a key pair, in minisign's format ({@code minisign.pub}; signify's public keys
 * are the same): all a nightly check needs to tell a signed baseline from a forged one.
 */
public final class TrustedKey {
    private final byte[] keyId;
    private final byte[] publicKey;

    TrustedKey(byte[] keyId, byte[] publicKey) {
        this.keyId = keyId.clone();
        this.publicKey = publicKey.clone();
    }

    /**
     * @param file a public key file ({@code untrusted comment: ...}, then the key in base64)
     * @return the key
     * @throws KeyFileException when the file is not a public key of this format
     * @throws IOException when it cannot be read
     */
    public static TrustedKey read(Path file) throws IOException {
        List<String> lines = Minisign.lines(Minisign.readSmall(file));
        if (lines.size() < 2) {
            throw new KeyFileException(file, "not a public key: two lines expected, a comment and the key");
        }
        TrustedKey k = parse(lines.get(1));
        if (k == null) {
            throw new KeyFileException(file, "not a public key: its second line is not an Ed25519 key in base64"
                    + " as minisign writes it");
        }
        return k;
    }

    /**
     * @param base64 a public key as minisign prints it ({@code minisign -P})
     * @return the key, or null when the text is none
     */
    public static TrustedKey parse(String base64) {
        byte[] b = Minisign.base64(base64.strip(), 2 + Minisign.KEY_ID + Minisign.PUBLIC);
        if (b == null || b[0] != Minisign.ALGORITHM[0] || b[1] != Minisign.ALGORITHM[1]) {
            return null;
        }
        return new TrustedKey(Arrays.copyOfRange(b, 2, 2 + Minisign.KEY_ID), Arrays.copyOfRange(b, 2 + Minisign.KEY_ID, b.length));
    }

    /**
     * Writes the key as minisign does, replacing the file whole.
     *
     * @param file where
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        String text = Minisign.UNTRUSTED + "minisign public key " + id() + "\n" + base64() + "\n";
        Minisign.write(file, text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** @return the key as one line of base64, as {@code minisign -P} takes it */
    public String base64() {
        byte[] b = new byte[2 + Minisign.KEY_ID + Minisign.PUBLIC];
        System.arraycopy(Minisign.ALGORITHM, 0, b, 0, 2);
        System.arraycopy(keyId, 0, b, 2, Minisign.KEY_ID);
        System.arraycopy(publicKey, 0, b, 2 + Minisign.KEY_ID, Minisign.PUBLIC);
        return Minisign.base64(b);
    }

    /** @return the key id as minisign prints it: 16 hexadecimal digits */
    public String id() {
        return Minisign.keyIdText(keyId);
    }

    /**
     * Verifies a file against its signature file beside it ({@code FILE.minisig}).
     *
     * @param file the signed file
     * @return the signature, its trusted comment and identity
     * @throws SignatureRefusedException when the signature is missing, of another key, or does not match
     * @throws IOException when the file cannot be read
     */
    public Signed verify(Path file) throws IOException {
        return verify(file, SignatureFile.of(file));
    }

    /**
     * Verifies a file against a signature file: its bytes, and the signature's trusted comment.
     *
     * @param file the signed file
     * @param signatureFile its signature
     * @return the signature, its trusted comment and identity
     * @throws SignatureRefusedException when the signature is missing, of another key, or does not match
     * @throws IOException when the file cannot be read
     */
    public Signed verify(Path file, Path signatureFile) throws IOException {
        try (VerifiedFile v = open(file, signatureFile)) {
            return v.signed();
        }
    }

    /**
     * Opens a signed file once and verifies its signature ({@code FILE.minisig}) over what was
     * opened; the file is used through {@link VerifiedFile#path()} afterwards, never by its name again.
     *
     * @param file the signed file: a regular file (a FIFO or device in its place is refused, never waited on)
     * @return the file, verified and held open
     * @throws SignatureRefusedException when the signature is missing, of another key, or does not match
     * @throws IOException when the file cannot be read
     */
    public VerifiedFile open(Path file) throws IOException {
        return open(file, SignatureFile.of(file));
    }

    private VerifiedFile open(Path file, Path signatureFile) throws IOException {
        SignatureFile s;
        try {
            s = SignatureFile.read(file, signatureFile);
        } catch (NoSuchFileException e) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.MISSING,
                    file + ": not signed: its signature " + signatureFile + " is missing");
        }
        if (!Arrays.equals(s.keyId(), keyId)) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.OTHER_KEY,
                    file + ": signed by key " + Minisign.keyIdText(s.keyId()) + ", not by the trusted key " + id());
        }
        Minisign.Pin pin = Minisign.pin(file);
        try {
            if (!Minisign.verify(publicKey, Minisign.blake2b512(pin.path()), s.signature())) {
                throw new SignatureRefusedException(file, SignatureRefusedException.Reason.INVALID,
                        file + ": its signature " + signatureFile + " does not match its bytes: the file was changed"
                                + " after it was signed");
            }
            if (!Minisign.verify(publicKey, s.signed(), s.commentSignature())) {
                throw new SignatureRefusedException(file, SignatureRefusedException.Reason.INVALID,
                        file + ": the trusted comment of its signature " + signatureFile + " was changed after it was signed");
            }
            VerifiedFile v = new VerifiedFile(file, pin.path(), new Signed(signatureFile, s.trustedComment(),
                    Minisign.id(s.signature())), pin);
            pin = null;
            return v;
        } finally {
            if (pin != null) {
                pin.close();
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedKey k && Arrays.equals(keyId, k.keyId) && Arrays.equals(publicKey, k.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "minisign public key " + id();
    }
}
