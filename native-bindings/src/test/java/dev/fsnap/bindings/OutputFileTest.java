package dev.fsnap.bindings;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A file written beside its target and put in place whole: unnamed, or under a random name. */
class OutputFileTest {
    @TempDir
    Path dir;

    @BeforeEach
    void linux() {
        Assumptions.assumeTrue(LinuxLibc.library().isAvailable(), "native Linux calls unavailable");
    }

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anUnnamedFileIsInvisibleUntilPublishedThenReplacesTheTarget() throws Exception {
        Path target = dir.resolve("t.snap");
        Files.write(target, bytes("old"));
        OutputFile f = OutputFile.create(target, true);
        try {
            f.write(bytes("new contents"), 0, 12);
            f.force();
            assertEquals(List.of("t.snap"), names(), "nothing named while it is written");
            assertArrayEquals(bytes("new contents"), Files.readAllBytes(f.contents()), "readable before publishing");
            f.publish();
        } finally {
            f.release();
        }
        assertEquals(List.of("t.snap"), names());
        assertArrayEquals(bytes("new contents"), Files.readAllBytes(target));
    }

    @Test
    void withoutUnnamedFilesARandomPrivateNameIsUsedAndRenamed() throws Exception {
        Path target = dir.resolve("t.snap");
        OutputFile f = OutputFile.create(target, false);
        try {
            f.write(bytes("abc"), 0, 3);
            List<String> during = names();
            assertEquals(1, during.size(), during.toString());
            assertTrue(during.get(0).matches("\\.t\\.snap\\.[0-9a-f]{16}\\.tmp"), during.get(0));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(during.get(0)))));
            f.publish();
        } finally {
            f.release();
        }
        assertEquals(List.of("t.snap"), names());
        assertArrayEquals(bytes("abc"), Files.readAllBytes(target));
    }

    @Test
    void twoWritersOfOneTargetGetDifferentNames() throws Exception {
        Path target = dir.resolve("t.snap");
        OutputFile a = OutputFile.create(target, false);
        OutputFile b = OutputFile.create(target, false);
        try {
            assertEquals(2, names().size(), names().toString());
        } finally {
            a.discard();
            b.discard();
            a.release();
            b.release();
        }
        assertEquals(List.of(), names(), "discarded: nothing left");
    }

    @Test
    void aLinkPlantedWhereTheTemporaryNameWillBeIsNeverFollowed() throws Exception {
        // Whatever name is picked, O_EXCL|O_NOFOLLOW never opens an existing file or a link's target.
        Path victim = Files.write(dir.resolve("victim"), bytes("keep"));
        for (int i = 0; i < 50; i++) {
            Files.createSymbolicLink(dir.resolve(".t.snap." + String.format("%016x", i) + ".tmp"), victim);
        }
        OutputFile f = OutputFile.create(dir.resolve("t.snap"), false);
        try {
            f.write(bytes("x"), 0, 1);
            f.publish();
        } finally {
            f.release();
        }
        assertArrayEquals(bytes("keep"), Files.readAllBytes(victim));
        assertArrayEquals(bytes("x"), Files.readAllBytes(dir.resolve("t.snap")));
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path missing = dir.resolve("missing");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> OutputFile.create(missing.resolve("t.snap")));
        assertEquals(missing.toString(), e.getFile());
    }

    @Test
    void aReadOnlyFilesystemIsRefusedWithTheReason() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        Assumptions.assumeTrue(mount.waitFor() == 0, "tmpfs cannot be mounted here");
        try {
            for (boolean unnamed : new boolean[] {true, false}) {
                // Said as what it is: not a refusal ("permission denied"), a read-only filesystem.
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> OutputFile.create(ro.resolve("t.snap"), unnamed));
                assertFalse(e instanceof AccessDeniedException, e.toString());
                assertEquals(ro.toString(), e.getFile());
                assertEquals("cannot create a file there: Read-only file system", e.getReason());
                assertEquals(jnr.constants.platform.Errno.EROFS, FileErrors.errnoOf(e));
            }
        } finally {
            new ProcessBuilder("umount", ro.toString()).start().waitFor();
        }
    }
}
