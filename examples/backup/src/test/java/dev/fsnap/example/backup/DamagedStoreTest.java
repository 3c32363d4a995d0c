package dev.fsnap.example.backup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store whose object rotted: {@code verify} finds it and names it; a restore that needs it fails
 * with exit 2 naming the file, and leaves no wrong file behind; bad usage is exit 2 with a message.
 */
class DamagedStoreTest {
    @TempDir
    Path dir;


    @Test
    void aRottenObjectIsFoundByVerifyAndARestoreThatNeedsItFailsNamingTheFile() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("keep.txt"), "this one is fine\n");
        Files.writeString(src.resolve("report.txt"), "quarterly figures\n");
        Path store = dir.resolve("store");
        assertEquals(0, Ran.backup("backup", src.toString(), store.toString()).status());
        assertEquals(0, Ran.backup("verify", store.toString()).status());

        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("quarterly figures\n".getBytes(StandardCharsets.UTF_8)));
        Path object = store.resolve("objects").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
        byte[] b = Files.readAllBytes(object);
        b[0] ^= 0x20; // one bit flipped on the store's disk
        Files.write(object, b);

        Ran verify = Ran.backup("verify", store.toString());
        assertEquals(2, verify.status(), verify.out());
        assertTrue(verify.err().contains(object.toString()), verify.err());
        assertTrue(verify.out().contains("1 damaged"), verify.out());

        Path out = dir.resolve("out");
        Ran restore = Ran.backup("restore", store.toString(), out.toString());
        assertEquals(2, restore.status());
        assertTrue(restore.err().contains("report.txt") && restore.err().contains("damaged"), restore.err());
        assertFalse(Files.exists(out.resolve("report.txt")), "no wrong file is left behind");
    }

    @Test
    void badUsageIsExitTwoWithAMessage() throws Exception {
        Ran none = Ran.backup();
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("usage:"), none.err());
        Ran notAStore = Ran.backup("restore", dir.resolve("nothing").toString(), dir.resolve("out").toString());
        assertEquals(2, notAStore.status());
        assertTrue(notAStore.err().contains("nothing"), notAStore.err());
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full/x"), "x");
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a"), "a");
        assertEquals(0, Ran.backup("backup", src.toString(), dir.resolve("store").toString()).status());
        Ran notEmpty = Ran.backup("restore", dir.resolve("store").toString(), dir.resolve("full").toString());
        assertEquals(2, notEmpty.status());
        assertTrue(notEmpty.err().contains("not an empty directory"), notEmpty.err());
    }
}
