package dev.fsnap.signature;

import org.bouncycastle.crypto.generators.SCrypt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The secret half of a key pair, in minisign's format ({@code minisign.key}): what approves a
 * baseline. It belongs where the nightly job cannot read it (another machine, a removable key, or
 * behind a passphrase a person types). Its file is encrypted with scrypt when it has a passphrase,
 * as minisign's are; one made by {@code minisign -G} (with {@code -W} or a passphrase) is read as
 * well.
 */
public final class SigningKey {
    private static final byte[] SCRYPT = {'S', 'c'};
    private static final byte[] BLAKE2B = {'B', '2'};
    private static final int SALT = 32;
    private static final int CHECKSUM = 32;
    /** The part of the file a passphrase encrypts: key id, secret key (seed and public key), checksum. */
    private static final int SECRET = Minisign.KEY_ID + Minisign.SEED + Minisign.PUBLIC + CHECKSUM;
    private static final int FILE = 2 + 2 + 2 + SALT + 8 + 8 + SECRET;
    /**
     * The scrypt limits fsnap writes: N = 2^17, r = 8, p = 1 (128 MiB, under a second here), which
     * minisign reads as it reads its own (2^20, 1 GiB, which a small JVM heap cannot hold).
     */
    private static final long OPS_LIMIT = 1L << 22;
    private static final long MEM_LIMIT = 1L << 28;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] keyId;
    private final byte[] seed;
    private final byte[] publicKey;

    private SigningKey(byte[] keyId, byte[] seed, byte[] publicKey) {
        this.keyId = keyId;
        this.seed = seed;
        this.publicKey = publicKey;
    }

    /** A passphrase, asked only when the key file is encrypted. */
    @FunctionalInterface
    public interface Passphrase {
        /**
         * @return the passphrase's bytes (cleared after use)
         * @throws IOException when it cannot be had
         */
        byte[] read() throws IOException;
    }

    /** @return a new key pair, its key id random as minisign's are */
    public static SigningKey generate() {
        byte[] id = new byte[Minisign.KEY_ID];
        byte[] seed = new byte[Minisign.SEED];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(seed);
        return new SigningKey(id, seed, Minisign.publicKeyOf(seed));
    }

    /**
     * Reads a secret key file.
     *
     * @param file the file ({@code untrusted comment: ...}, then the key in base64)
     * @param passphrase asked when the file is encrypted
     * @return the key
     * @throws KeyFileException when the file is not a secret key of this format, or the passphrase is wrong
     * @throws IOException when it cannot be read
     */
    public static SigningKey read(Path file, Passphrase passphrase) throws IOException {
        List<String> lines = Minisign.lines(Minisign.readSmall(file));
        byte[] b = lines.size() < 2 ? null : Minisign.base64(lines.get(1), FILE);
        if (b == null) {
            throw new KeyFileException(file, "not a secret key as minisign writes it (a public key, or signify's"
                    + " secret key, is not one)");
        }
        ByteBuffer in = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] algorithm = take(in, 2);
        byte[] kdf = take(in, 2);
        byte[] checksumAlgorithm = take(in, 2);
        byte[] salt = take(in, SALT);
        long ops = in.getLong();
        long mem = in.getLong();
        byte[] secret = take(in, SECRET);
        if (!Arrays.equals(algorithm, Minisign.ALGORITHM) || !Arrays.equals(checksumAlgorithm, BLAKE2B)) {
            throw new KeyFileException(file, "a secret key of another algorithm than Ed25519 with a BLAKE2b checksum");
        }
        boolean encrypted = Arrays.equals(kdf, SCRYPT);
        if (!encrypted && (kdf[0] != 0 || kdf[1] != 0)) {
            throw new KeyFileException(file, "a secret key encrypted in a way minisign does not (not scrypt)");
        }
        if (encrypted) {
            byte[] pass = passphrase.read();
            try {
                xor(secret, scrypt(file, pass, salt, ops, mem));
            } finally {
                Arrays.fill(pass, (byte) 0);
            }
        }
        byte[] id = Arrays.copyOfRange(secret, 0, Minisign.KEY_ID);
        byte[] seed = Arrays.copyOfRange(secret, Minisign.KEY_ID, Minisign.KEY_ID + Minisign.SEED);
        byte[] pub = Arrays.copyOfRange(secret, Minisign.KEY_ID + Minisign.SEED, Minisign.KEY_ID + Minisign.SEED
                + Minisign.PUBLIC);
        byte[] checksum = Arrays.copyOfRange(secret, SECRET - CHECKSUM, SECRET);
        // minisign -W leaves the checksum of an unencrypted key zero: there is nothing to check then.
        boolean unchecked = !encrypted && Arrays.equals(checksum, new byte[CHECKSUM]);
        if (!unchecked && !Arrays.equals(checksum, checksum(id, seed, pub))) {
            Arrays.fill(secret, (byte) 0);
            throw new KeyFileException(file, encrypted ? "wrong passphrase for this key" : "a damaged secret key"
                    + " (its checksum does not match)");
        }
        Arrays.fill(secret, (byte) 0);
        // The two halves belong together when what the secret half signs, the public half verifies
        // (with the Ed25519 that signs anyway: Bouncy Castle's is not loaded for this).
        byte[] probe = Minisign.blake2b(512, id, pub);
        if (!Minisign.verify(pub, probe, Minisign.sign(seed, probe))) {
            throw new KeyFileException(file, "a damaged secret key (its two halves do not belong together)");
        }
        return new SigningKey(id, seed, pub);
    }

    /**
     * Writes the key as minisign does, to a file that must not exist yet, readable by its owner alone.
     *
     * @param file where
     * @param passphrase its passphrase (scrypt), or null to write it unencrypted ({@code minisign -W})
     * @throws java.nio.file.FileAlreadyExistsException when the file exists: a key is never overwritten
     * @throws IOException when it cannot be written
     */
    public void write(Path file, byte[] passphrase) throws IOException {
        byte[] secret = new byte[SECRET];
        System.arraycopy(keyId, 0, secret, 0, Minisign.KEY_ID);
        System.arraycopy(seed, 0, secret, Minisign.KEY_ID, Minisign.SEED);
        System.arraycopy(publicKey, 0, secret, Minisign.KEY_ID + Minisign.SEED, Minisign.PUBLIC);
        System.arraycopy(checksum(keyId, seed, publicKey), 0, secret, SECRET - CHECKSUM, CHECKSUM);
        byte[] salt = new byte[SALT];
        if (passphrase != null) {
            RANDOM.nextBytes(salt);
            xor(secret, scrypt(file, passphrase, salt, OPS_LIMIT, MEM_LIMIT));
        }
        ByteBuffer out = ByteBuffer.allocate(FILE).order(ByteOrder.LITTLE_ENDIAN);
        out.put(Minisign.ALGORITHM).put(passphrase != null ? SCRYPT : new byte[2]).put(BLAKE2B).put(salt)
                .putLong(passphrase != null ? OPS_LIMIT : 0).putLong(passphrase != null ? MEM_LIMIT : 0).put(secret);
        Arrays.fill(secret, (byte) 0);
        String text = Minisign.UNTRUSTED + "minisign encrypted secret key\n" + Minisign.base64(out.array()) + "\n";
        Arrays.fill(out.array(), (byte) 0);
        Minisign.write(file, text.getBytes(StandardCharsets.UTF_8), true);
    }

    /** @return the public half */
    public TrustedKey trustedKey() {
        return new TrustedKey(keyId, publicKey);
    }

    /**
     * Signs a file as {@code minisign -S} does: its BLAKE2b-512, and a trusted comment that the
     * signature covers too, written beside it as {@code FILE.minisig}.
     *
     * @param file the file
     * @param trustedComment one line, at most 4077 bytes in UTF-8 (what minisign can sign)
     * @return the signature: its file, its trusted comment and its identity
     * @throws IllegalArgumentException when the comment has a line break or is too long
     * @throws IOException when the file cannot be read or its signature written
     */
    public Signed sign(Path file, String trustedComment) throws IOException {
        byte[] comment = trustedComment.getBytes(StandardCharsets.UTF_8);
        if (trustedComment.indexOf('\n') >= 0 || trustedComment.indexOf('\r') >= 0
                || comment.length > Minisign.MAX_TRUSTED_COMMENT) {
            throw new IllegalArgumentException("a trusted comment is one line of at most "
                    + Minisign.MAX_TRUSTED_COMMENT + " bytes");
        }
        byte[] signature = Minisign.sign(seed, Minisign.blake2b512(file));
        byte[] commentSignature = Minisign.sign(seed, SignatureFile.signed(signature, comment));
        Path out = SignatureFile.of(file);
        SignatureFile.write(out, keyId, signature, comment, commentSignature);
        return new Signed(out, trustedComment, Minisign.id(signature));
    }

    private static byte[] take(ByteBuffer in, int n) {
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private static void xor(byte[] data, byte[] stream) {
        for (int i = 0; i < data.length; i++) {
            data[i] ^= stream[i];
        }
        Arrays.fill(stream, (byte) 0);
    }

    /** The checksum minisign keeps of a secret key: BLAKE2b-256 of the algorithm, key id and secret key. */
    private static byte[] checksum(byte[] id, byte[] seed, byte[] pub) {
        return Minisign.blake2b(256, Minisign.ALGORITHM, id, seed, pub);
    }

    /**
     * scrypt with the parameters libsodium derives from minisign's limits (its {@code pickparams}),
     * as long as the part of the file it encrypts.
     */
    private static byte[] scrypt(Path file, byte[] passphrase, byte[] salt, long ops, long mem) throws KeyFileException {
        if (ops < 32768) {
            ops = 32768;
        }
        int r = 8;
        int p;
        int nLog2;
        if (Long.compareUnsigned(ops, Long.divideUnsigned(mem, 32)) < 0) {
            p = 1;
            nLog2 = log2Above(ops / (r * 4L));
        } else {
            nLog2 = log2Above(Long.divideUnsigned(mem, r * 128L));
            long maxrp = Math.min((ops / 4) >>> nLog2, 0x3fffffffL);
            p = (int) (maxrp / r);
        }
        if (nLog2 > 24 || p < 1 || p > 16) {
            throw new KeyFileException(file, "a secret key whose scrypt limits are out of range (N = 2^" + nLog2
                    + ", p = " + p + ")");
        }
        try {
            return SCrypt.generate(passphrase, salt, 1 << nLog2, r, p, SECRET);
        } catch (OutOfMemoryError e) {
            throw new KeyFileException(file, "its passphrase needs " + ((128L * r << nLog2) >> 20) + " MiB to"
                    + " decrypt, more than this JVM may use: run with FSNAP_JAVA_OPTS=-Xmx" + (((256L * r << nLog2) >> 20) + 256) + "m");
        }
    }

    /** The least n from 1 with 2^n above half of {@code max}. */
    private static int log2Above(long max) {
        int n = 1;
        while (n < 63 && (1L << n) <= max / 2) {
            n++;
        }
        return n;
    }
}
