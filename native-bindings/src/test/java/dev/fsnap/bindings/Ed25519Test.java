package dev.fsnap.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ed25519 through libcrypto: RFC 8032's vectors, and agreement with the JDK's both ways. */
class Ed25519Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void itSignsAsRfc8032Says() {
        Assumptions.assumeTrue(Ed25519.available(), "no libcrypto with Ed25519 here");
        // RFC 8032, 7.1, TEST 2: a one-byte message
        byte[] seed = HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
        byte[] pub = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] sig = HEX.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        byte[] message = {0x72};
        assertArrayEquals(pub, Ed25519.publicKey(seed));
        assertArrayEquals(sig, Ed25519.sign(seed, message));
        assertTrue(Ed25519.verify(pub, message, sig));
        byte[] flipped = sig.clone();
        flipped[10] ^= 1;
        assertFalse(Ed25519.verify(pub, message, flipped));
        assertFalse(Ed25519.verify(pub, new byte[] {0x73}, sig));
        assertFalse(Ed25519.verify(pub, message, Arrays.copyOf(sig, 63)), "a signature of the wrong size");
    }

    @Test
    void whatItSignsTheJdkVerifies() throws Exception {
        Assumptions.assumeTrue(Ed25519.available(), "no libcrypto with Ed25519 here");
        Random r = new Random(25519);
        for (int i = 0; i < 20; i++) {
            byte[] seed = new byte[32];
            r.nextBytes(seed);
            byte[] message = new byte[r.nextInt(200)];
            r.nextBytes(message);
            byte[] pub = Ed25519.publicKey(seed);
            byte[] sig = Ed25519.sign(seed, message);
            Signature v = Signature.getInstance("Ed25519");
            v.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(jdkKey(pub)));
            v.update(message);
            assertTrue(v.verify(sig), "the JDK verifies libcrypto's signature " + i);
        }
    }

    /** A public key as the JDK takes it: little-endian y, the sign of x in the top bit. */
    private static EdECPublicKeySpec jdkKey(byte[] pub) {
        byte[] y = pub.clone();
        boolean odd = (y[31] & 0x80) != 0;
        y[31] &= 0x7f;
        for (int i = 0; i < 16; i++) {
            byte t = y[i];
            y[i] = y[31 - i];
            y[31 - i] = t;
        }
        return new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(odd, new java.math.BigInteger(1, y)));
    }
}
