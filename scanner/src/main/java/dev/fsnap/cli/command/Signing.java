package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.signature.SignatureRefusedException;
import dev.fsnap.signature.SigningKey;
import dev.fsnap.signature.TrustedKey;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * The signature options of the commands that write or read snapshots: {@code --sign-key} signs
 * what a command writes, {@code --trust-key} refuses what a trusted key did not sign, and
 * {@code --passphrase-fd} is where a secret key's passphrase is read when no person types it.
 */
final class Signing {
    /** A passphrase is one line; minisign's are at most 1023 bytes. */
    private static final int MAX_PASSPHRASE = 1023;

    Path signKey;
    Path trustKey;
    Integer passphraseFd;

    void declareSign(Arguments a) {
        a.option("SECRET", "Sign the snapshot written with the secret key SECRET (minisign's format: fsnap key new, "
                + "or minisign -G), beside it as FILE.minisig, which minisign -V verifies. An encrypted key's "
                + "passphrase is asked on the terminal, or read from --passphrase-fd.",
                v -> signKey = ScanArguments.path(v), "--sign-key");
        declarePassphrase(a);
    }

    void declarePassphrase(Arguments a) {
        a.option("N", "Read the secret key's passphrase, one line, from descriptor N: 0, standard input (the"
                + " launcher and the JVM hold the others), never from an argument.", v -> {
                    int fd = Arguments.integer(v, 0, 1023);
                    if (fd != 0) {
                        throw new IllegalArgumentException("the passphrase is read from descriptor 0, standard input"
                                + " (the launcher and the JVM hold the others): give it there, as --passphrase-fd 0");
                    }
                    passphraseFd = fd;
                }, "--passphrase-fd");
    }

    void declareTrust(Arguments a, String what) {
        a.option("PUBLIC", "Refuse " + what + " unless it is signed by the public key PUBLIC (FILE.minisig beside it,"
                + " as fsnap --sign-key and minisign -S write it): a missing, invalid or other key's signature exits 5"
                + " and compares nothing.", v -> trustKey = ScanArguments.path(v), "--trust-key");
    }

    /**
     * Reads the signing key, asking for its passphrase: before a run, so that a wrong one costs no scan.
     *
     * @return the key, or null when none was asked for
     * @throws IOException with the message to print (exit 2)
     */
    SigningKey signingKey() throws IOException {
        if (signKey == null) {
            return null;
        }
        return SigningKey.read(signKey, () -> passphrase(signKey, passphraseFd, false));
    }

    /**
     * @return the trusted key, or null when none was asked for
     * @throws IOException with the message to print (exit 2)
     */
    TrustedKey trustedKey() throws IOException {
        return trustKey == null ? null : TrustedKey.read(trustKey);
    }

    /**
     * A snapshot to read: as named, or, where a trusted key must have signed it, opened once,
     * verified, and read through the descriptor verified (a file swapped in under its name after
     * the check is never the one read). Close it when done.
     *
     * @param status {@link ExitStatus#OK}, or why there is nothing to read: {@link ExitStatus#UNTRUSTED}
     *               (refused) or {@link ExitStatus#TROUBLE}, the message printed
     * @param path where to read it from while this is open; null when {@code status} is not OK
     */
    record Trusted(int status, Path path, dev.fsnap.signature.VerifiedFile verified) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (verified != null) {
                verified.close();
            }
        }
    }

    static Trusted open(TrustedKey key, Path snapshot, PrintStream err) {
        if (key == null) {
            return new Trusted(ExitStatus.OK, snapshot, null);
        }
        try {
            dev.fsnap.signature.VerifiedFile v = key.open(snapshot);
            return new Trusted(ExitStatus.OK, v.path(), v);
        } catch (SignatureRefusedException e) {
            err.println("fsnap: refused: " + e.getMessage());
            return new Trusted(ExitStatus.UNTRUSTED, null, null);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return new Trusted(ExitStatus.TROUBLE, null, null);
        }
    }

    /**
     * Signs the snapshot a run wrote and kept, where a key is given: a snapshot that cannot be
     * signed fails the run.
     *
     * @param key the signing key, or null (nothing is signed)
     * @param r how the run ended
     * @param written the snapshot it wrote
     * @param root what it is a snapshot of
     * @return {@code r}, or a failed run when the snapshot could not be signed (the message printed)
     */
    static ScanJob.Result signed(SigningKey key, ScanJob.Result r, Path written, String root, PrintStream err) {
        if (key == null || !ExitStatus.didItsWork(r.exit()) || !java.nio.file.Files.exists(written)) {
            return r;
        }
        return sign(key, written, root, err) ? r : new ScanJob.Result(ExitStatus.TROUBLE, r.summary());
    }

    /**
     * Signs a snapshot that was written, its trusted comment as minisign's own (time, file name,
     * hashed) with what it is a snapshot of.
     *
     * @return whether it was signed (else the message is printed)
     */
    private static boolean sign(SigningKey key, Path snapshot, String root, PrintStream err) {
        String comment = "timestamp:" + Instant.now().getEpochSecond() + "\tfile:" + snapshot.getFileName()
                + "\thashed\tfsnap snapshot of " + root.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
        byte[] bytes = comment.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length > 2000) { // a root's path may be longer than what minisign signs: cut it, whole characters
            java.nio.charset.CharsetDecoder d = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.IGNORE);
            try {
                comment = d.decode(java.nio.ByteBuffer.wrap(bytes, 0, 2000)).toString() + "...";
            } catch (java.nio.charset.CharacterCodingException impossible) {
                comment = "timestamp:" + Instant.now().getEpochSecond() + "\tfile:" + snapshot.getFileName() + "\thashed";
            }
        }
        try {
            key.sign(snapshot, comment);
            return true;
        } catch (IOException e) {
            err.println("fsnap: " + snapshot + " was written but could not be signed: " + IoMessages.describe(e));
            return false;
        }
    }

    /**
     * A passphrase: one line from standard input ({@code fd} 0), or typed on the terminal.
     *
     * @param twice whether a person types it twice (a new key)
     */
    static byte[] passphrase(Path key, Integer fd, boolean twice) throws IOException {
        if (fd != null) {
            // Standard input (the one descriptor --passphrase-fd takes) stays open: it is not this command's to close.
            InputStream in = new FileInputStream(java.io.FileDescriptor.in);
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            int b = in.read();
            if (b < 0) {
                throw new IOException(key + ": no passphrase on descriptor " + fd + ": it was empty, or closed");
            }
            for (; b >= 0 && b != '\n'; b = in.read()) {
                if (line.size() == MAX_PASSPHRASE) {
                    throw new IOException(key + ": a passphrase is at most " + MAX_PASSPHRASE + " bytes");
                }
                line.write(b);
            }
            byte[] p = line.toByteArray();
            if (p.length > 0 && p[p.length - 1] == '\r') {
                p = Arrays.copyOf(p, p.length - 1);
            }
            return p;
        }
        java.io.Console terminal = System.console();
        if (terminal == null) {
            throw new IOException(key + ": no terminal to ask its passphrase on: give it on standard input with "
                    + "--passphrase-fd 0");
        }
        char[] typed = terminal.readPassword("Passphrase for %s: ", key);
        if (typed == null) {
            throw new IOException(key + ": no passphrase typed");
        }
        if (twice) {
            char[] again = terminal.readPassword("The same passphrase again: ");
            boolean same = again != null && Arrays.equals(typed, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                Arrays.fill(typed, '\0');
                throw new IOException("the two passphrases differ: no key was written");
            }
        }
        byte[] p = new String(typed).getBytes(terminalCharset(terminal));
        Arrays.fill(typed, '\0');
        return p;
    }

    private static Charset terminalCharset(java.io.Console c) {
        return c.charset();
    }
}
