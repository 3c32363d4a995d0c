package dev.fsnap.library;

import dev.fsnap.signature.KeyFileException;
import dev.fsnap.signature.SignatureRefusedException;
import dev.fsnap.signature.Signed;
import dev.fsnap.signature.SigningKey;
import dev.fsnap.signature.TrustedKey;
import dev.fsnap.signature.VerifiedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A program signs and verifies with the exported signature API alone: a key pair kept in files, a
 * passphrase asked only of an encrypted key, a signature verified, and each refusal told apart.
 */
class SignatureLibraryTest {
    @TempDir
    Path dir;

    @Test
    void aProgramKeepsAKeyPairSignsAndVerifies() throws Exception {
        SigningKey key = SigningKey.generate();
        Path secret = dir.resolve("backup.key");
        key.write(secret, "correct horse".getBytes(StandardCharsets.UTF_8));
        key.trustedKey().write(dir.resolve("backup.pub"));

        KeyFileException wrong = assertThrows(KeyFileException.class,
                () -> SigningKey.read(secret, () -> "battery staple".getBytes(StandardCharsets.UTF_8)));
        assertEquals(secret + ": wrong passphrase for this key", wrong.getMessage());
        assertEquals(secret, wrong.file());
        SigningKey again = SigningKey.read(secret, () -> "correct horse".getBytes(StandardCharsets.UTF_8));

        Path file = Files.writeString(dir.resolve("night-42.snap"), "a snapshot's bytes");
        Signed signed = again.sign(file, "backup of host1, night 42");
        Path signature = signed.signatureFile();
        assertEquals(dir.resolve("night-42.snap.minisig"), signature);
        assertEquals(32, signed.id().length());
        TrustedKey trusted = TrustedKey.read(dir.resolve("backup.pub"));
        assertEquals(key.trustedKey(), trusted);
        assertEquals(16, trusted.id().length());
        assertEquals(signed, trusted.verify(file));

        Files.writeString(file, "a snapshot's bytes, changed");
        SignatureRefusedException changed = assertThrows(SignatureRefusedException.class, () -> trusted.verify(file));
        assertEquals(SignatureRefusedException.Reason.INVALID, changed.reason());
        assertEquals(file, changed.file());

        TrustedKey other = SigningKey.generate().trustedKey();
        assertEquals(SignatureRefusedException.Reason.OTHER_KEY,
                assertThrows(SignatureRefusedException.class, () -> other.verify(file)).reason());
        Files.delete(signature);
        assertEquals(SignatureRefusedException.Reason.MISSING,
                assertThrows(SignatureRefusedException.class, () -> trusted.verify(file)).reason());
        Files.writeString(signature, "untrusted comment: x\n");
        assertEquals(SignatureRefusedException.Reason.MALFORMED,
                assertThrows(SignatureRefusedException.class, () -> trusted.verify(file)).reason());

        assertEquals(trusted, TrustedKey.parse(trusted.base64()));
        assertEquals(null, TrustedKey.parse("not a key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> again.sign(file, "two\nlines")).getMessage()
                .contains("one line"));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> key.write(secret, null));
    }

    /** What is verified is what is read: a file swapped in under the name afterwards is not. */
    @Test
    void aVerifiedFileIsReadAsItWasVerified() throws Exception {
        SigningKey key = SigningKey.generate();
        Path file = Files.writeString(dir.resolve("baseline.snap"), "the approved bytes");
        key.sign(file, "approved");
        try (VerifiedFile v = key.trustedKey().open(file)) {
            Path forged = Files.writeString(dir.resolve("forged"), "the intruder's bytes");
            Files.move(forged, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertEquals("the approved bytes", Files.readString(v.path()));
            assertEquals(file, v.file());
            assertEquals("approved", v.signed().trustedComment());
        }
        java.nio.file.Files.delete(file);
        Files.writeString(dir.resolve("baseline.snap.minisig"), Files.readString(dir.resolve("baseline.snap.minisig")));
        assertEquals(SignatureRefusedException.Reason.MISSING, assertThrows(SignatureRefusedException.class,
                () -> key.trustedKey().open(file)).reason(), "the file gone, its signature kept");
    }
}
