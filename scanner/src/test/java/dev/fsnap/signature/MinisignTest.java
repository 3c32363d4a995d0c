package dev.fsnap.signature;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where libcrypto signs, the Java path a system without it takes signs the same: Ed25519 is
 * deterministic, so both make the very same signatures, and each verifies the other's.
 */
class MinisignTest {
    @Test
    void theJavaPathSignsAsLibcryptoDoes() {
        Assumptions.assumeTrue(dev.fsnap.bindings.Ed25519.available(), "no libcrypto here: the Java path is the one taken");
        Random r = new Random(8032);
        for (int i = 0; i < 10; i++) {
            byte[] seed = new byte[32];
            r.nextBytes(seed);
            byte[] message = new byte[64];
            r.nextBytes(message);
            byte[] pub = Minisign.javaPublicKeyOf(seed);
            assertArrayEquals(pub, Minisign.publicKeyOf(seed));
            byte[] sig = Minisign.jdkSign(seed, message);
            assertArrayEquals(sig, Minisign.sign(seed, message));
            assertTrue(Minisign.jdkVerify(pub, message, sig));
            assertTrue(Minisign.verify(pub, message, sig));
            message[0] ^= 1;
            assertFalse(Minisign.jdkVerify(pub, message, sig));
            assertFalse(Minisign.verify(pub, message, sig));
        }
    }
}
