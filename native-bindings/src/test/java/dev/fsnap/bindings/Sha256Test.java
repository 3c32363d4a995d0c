package dev.fsnap.bindings;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class Sha256Test {
    @Test
    void agreesWithTheJdkOnEveryLengthAndOffset() throws Exception {
        MessageDigest jdk = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        byte[] data = new byte[40_000];
        random.nextBytes(data);
        byte[] got = new byte[Sha256.LENGTH];
        try (Sha256 sha = Sha256.create()) {
            for (int length : new int[] {0, 1, 55, 56, 63, 64, 65, 1000, 16 * 1024, 16 * 1024 + 1, 39_000}) {
                int offset = random.nextInt(data.length - length + 1);
                sha.digest(data, offset, length, got);
                jdk.update(data, offset, length);
                assertArrayEquals(jdk.digest(), got, "length " + length + " (" + Sha256.implementation() + ")");
            }
        }
    }

    @Test
    void theSystemLibraryIsUsedWhereInstalled() {
        boolean installed = Arrays.stream(new String[] {"/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
            "/usr/lib/aarch64-linux-gnu/libcrypto.so.3"}).anyMatch(p -> new java.io.File(p).exists());
        if (installed) {
            assertNotEquals("JDK", Sha256.implementation());
        }
    }
}
