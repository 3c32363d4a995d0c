package dev.fsnap.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** BLAKE2b-512 of a file through libcrypto: RFC 7693's vector, the empty file, and what openssl says of a large one. */
class Blake2b512Test {
    @TempDir
    Path dir;

    @Test
    void itHashesAsRfc7693AndOpensslDo() throws Exception {
        Assumptions.assumeTrue(Blake2b512.available(), "no libcrypto with BLAKE2b here");
        Path abc = Files.writeString(dir.resolve("abc"), "abc", StandardCharsets.US_ASCII);
        assertEquals("ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc95"
                + "18d38aa8dbf1925ab92386edd4009923", HexFormat.of().formatHex(Blake2b512.ofFile(abc)));
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertEquals("786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b"
                + "903a685b1448b755d56f701afe9be2ce", HexFormat.of().formatHex(Blake2b512.ofFile(empty)));

        byte[] big = new byte[3 * (1 << 20) + 12345]; // across chunk boundaries
        new Random(7).nextBytes(big);
        Path file = Files.write(dir.resolve("big"), big);
        Process p = new ProcessBuilder("openssl", "dgst", "-blake2b512", "-r", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        Assumptions.assumeTrue(p.waitFor() == 0, "no openssl command here");
        assertEquals(out.substring(0, 128), HexFormat.of().formatHex(Blake2b512.ofFile(file)));
    }
}
