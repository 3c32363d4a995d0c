package dev.fsnap.bindings;

import jnr.constants.platform.OpenFlags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every constant and struct offset of {@link LinuxAbi}, checked against the running kernel. */
class LinuxAbiTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void nativeCallsAreAvailable() {
        assumeTrue(LinuxLibc.library().isAvailable(), () -> "native calls unavailable: " + LinuxLibc.library().unavailabilityCause());
    }

    @Test
    void platformNamesMapToTheirLayouts() {
        assertEquals(LinuxAbi.X86_64, LinuxAbi.forPlatform("Linux", "amd64").orElseThrow());
        assertEquals(LinuxAbi.X86_64, LinuxAbi.forPlatform("Linux", "x86_64").orElseThrow());
        assertEquals(LinuxAbi.AARCH64, LinuxAbi.forPlatform("Linux", "aarch64").orElseThrow());
        assertTrue(LinuxAbi.forPlatform("Mac OS X", "aarch64").isEmpty());
        assertTrue(LinuxAbi.forPlatform("Linux", "riscv64").isEmpty());
        assertEquals(0x10000, LinuxAbi.X86_64.oDirectory);
        assertEquals(0x4000, LinuxAbi.AARCH64.oDirectory);
        assertEquals(144, LinuxAbi.X86_64.statSize);
        assertEquals(128, LinuxAbi.AARCH64.statSize);
    }

    @Test
    void openFlagsAgreeWithJnrConstantsForThisPlatform() {
        LinuxAbi abi = LinuxLibc.abi();
        assertEquals(OpenFlags.O_DIRECTORY.intValue(), abi.oDirectory);
        assertEquals(OpenFlags.O_NOFOLLOW.intValue(), abi.oNofollow);
        assertEquals(OpenFlags.O_CLOEXEC.intValue(), LinuxAbi.O_CLOEXEC);
        assertEquals(OpenFlags.O_RDONLY.intValue(), LinuxAbi.O_RDONLY);
    }

    /** The kernel reports an open file's flags in /proc/self/fdinfo: ours must be there, as we meant them. */
    @Test
    void kernelSeesTheFlagsDirectoriesAreOpenedWith() throws IOException {
        LinuxAbi abi = LinuxLibc.abi();
        Path sub = Files.createDirectories(dir.resolve("flags"));
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int root = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            assertTrue(root >= 0, () -> "openRoot: " + reader.lastError());
            int fd = reader.openDirectory(root, "flags".getBytes(StandardCharsets.UTF_8), 5, false);
            assertTrue(fd >= 0, () -> "openDirectory: " + reader.lastError());
            try {
                int flags = fdinfoFlags(fd);
                assertEquals(abi.oDirectory, flags & abi.oDirectory, "O_DIRECTORY");
                assertEquals(abi.oNofollow, flags & abi.oNofollow, "O_NOFOLLOW");
                assertEquals(LinuxAbi.O_CLOEXEC, flags & LinuxAbi.O_CLOEXEC, "O_CLOEXEC");
                boolean owner = Files.getOwner(sub).getName().equals(System.getProperty("user.name"))
                        || "root".equals(System.getProperty("user.name"));
                if (owner) {
                    assertEquals(LinuxAbi.O_NOATIME, flags & LinuxAbi.O_NOATIME, "O_NOATIME");
                }
            } finally {
                reader.close(fd);
                reader.close(root);
            }
        }
    }

    @Test
    void noFollowRefusesALinkAndDirectoryRefusesAFile() throws IOException {
        Files.createDirectories(dir.resolve("real"));
        Files.write(dir.resolve("plain"), new byte[1]);
        Path link = dir.resolve("link");
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, Path.of("real"));
        }
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int root = reader.openRoot(dir.toString().getBytes(StandardCharsets.UTF_8));
            assertEquals(-1, reader.openDirectory(root, "link".getBytes(StandardCharsets.UTF_8), 4, false));
            // O_NOFOLLOW with O_DIRECTORY: Linux refuses a final symlink with ENOTDIR (ELOOP without O_DIRECTORY).
            assertTrue(reader.lastError() == jnr.constants.platform.Errno.ENOTDIR
                    || reader.lastError() == jnr.constants.platform.Errno.ELOOP, () -> "got " + reader.lastError());
            assertEquals(-1, reader.openDirectory(root, "plain".getBytes(StandardCharsets.UTF_8), 5, false));
            assertSame(jnr.constants.platform.Errno.ENOTDIR, reader.lastError());
            int followed = reader.openDirectory(root, "link".getBytes(StandardCharsets.UTF_8), 4, true);
            assertTrue(followed >= 0, "a link is followed when asked");
            reader.close(followed);
            reader.close(root);
        }
    }

    /** Every field the layout names, for a file, a directory, a symlink and a FIFO, equals NIO's unix:* view. */
    @Test
    void statOffsetsMatchNioOnRealFiles() throws Exception {
        Path file = dir.resolve("data.bin");
        Files.write(file, new byte[12345]);
        Files.setLastModifiedTime(file, FileTime.from(1_234_567_890_123_456_789L, TimeUnit.NANOSECONDS));
        Path hard = dir.resolve("hard.bin");
        if (!Files.exists(hard)) {
            Files.createLink(hard, file);
        }
        Path symlink = dir.resolve("sym");
        if (!Files.exists(symlink, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(symlink, Path.of("data.bin"));
        }
        Path fifo = dir.resolve("pipe");
        if (!Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
            assertEquals(0, p.waitFor());
        }
        for (boolean statx : new boolean[] {false, true}) {
            if (statx && !LinuxLibc.hasStatx()) {
                continue;
            }
            String call = statx ? "statx " : "fstatat ";
            try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE, statx)) {
                statFieldsMatchNio(reader, call, List.of(file, hard, dir, symlink, fifo, Path.of("/"),
                        Path.of("/dev/null"), Path.of("/proc/self")));
                assertTrue(reader.statPath(LinuxAbi.AT_FDCWD, file.toString().getBytes(StandardCharsets.UTF_8),
                        false));
                assertEquals(2, reader.linkCount(), call + "a file with one hard link has st_nlink 2");
            }
        }
    }

    private static void statFieldsMatchNio(LinuxDirectoryReader reader, String call, List<Path> paths)
            throws IOException {
        for (Path p : paths) {
            assertTrue(reader.statPath(LinuxAbi.AT_FDCWD, p.toString().getBytes(StandardCharsets.UTF_8), false),
                    () -> call + p + ": " + reader.lastError());
            Map<String, Object> nio = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            assertEquals(((Number) nio.get("dev")).longValue(), reader.device(), call + p + " st_dev");
            assertEquals(((Number) nio.get("ino")).longValue(), reader.inode(), call + p + " st_ino");
            assertEquals(((Number) nio.get("nlink")).longValue(), reader.linkCount(), call + p + " st_nlink");
            assertEquals(((Number) nio.get("mode")).intValue(), reader.mode(), call + p + " st_mode");
            assertEquals(((Number) nio.get("uid")).longValue(), reader.uid(), call + p + " st_uid");
            assertEquals(((Number) nio.get("gid")).longValue(), reader.gid(), call + p + " st_gid");
            assertEquals(((Number) nio.get("size")).longValue(), reader.size(), call + p + " st_size");
            FileTime mtime = (FileTime) nio.get("lastModifiedTime");
            FileTime ctime = (FileTime) nio.get("ctime");
            assertEquals(mtime.to(TimeUnit.NANOSECONDS), reader.mtimeSec() * 1_000_000_000L + reader.mtimeNsec(),
                    call + p + " st_mtim");
            assertEquals(ctime.to(TimeUnit.NANOSECONDS), reader.ctimeSec() * 1_000_000_000L + reader.ctimeNsec(),
                    call + p + " st_ctim");
        }
    }

    @Test
    void listingReturnsEveryNameExactlyAsTheKernelHasIt() throws IOException {
        Path listing = Files.createDirectories(dir.resolve("listing"));
        for (int i = 0; i < 3000; i++) { // more than one 64 KiB buffer holds
            Files.write(listing.resolve("entry-with-a-longish-name-" + i), new byte[0]);
        }
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = reader.openRoot(listing.toString().getBytes(StandardCharsets.UTF_8));
            java.util.Set<String> names = new java.util.HashSet<>();
            int reads = 0;
            for (int n; (n = reader.read(fd)) > 0; ) {
                reads++;
                for (int pos = 0; pos < n; pos = reader.next(pos)) {
                    if (reader.isSelfOrParent(pos)) {
                        continue;
                    }
                    int len = reader.nameLength(pos);
                    byte[] name = new byte[len];
                    reader.copyName(pos, len, name, 0);
                    assertTrue(names.add(new String(name, StandardCharsets.UTF_8)), "listed twice");
                    assertTrue(reader.stat(fd, pos, false), () -> "fstatat: " + reader.lastError());
                    assertEquals(0, reader.size());
                }
            }
            reader.close(fd);
            assertEquals(3000, names.size());
            assertTrue(reads > 1, "3000 long names take more than one buffer");
            assertTrue(names.contains("entry-with-a-longish-name-2999"));
        }
    }

    @Test
    void savedRecordsStatTheSameEntriesOnAnotherReader() throws IOException {
        Path listing = Files.createDirectories(dir.resolve("handoff"));
        Files.write(listing.resolve("only"), new byte[77]);
        try (LinuxDirectoryReader owner = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE);
             LinuxDirectoryReader thief = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            int fd = owner.openRoot(listing.toString().getBytes(StandardCharsets.UTF_8));
            int n = owner.read(fd);
            byte[] saved = owner.save(n);
            thief.restore(saved);
            boolean found = false;
            for (int pos = 0; pos < n; pos = thief.next(pos)) {
                if (!thief.isSelfOrParent(pos)) {
                    assertTrue(thief.stat(fd, pos, false));
                    assertEquals(77, thief.size());
                    found = true;
                }
            }
            owner.close(fd);
            assertTrue(found);
        }
    }

    @Test
    void failuresAreTypedErrno() {
        try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
            assertFalse(reader.statPath(LinuxAbi.AT_FDCWD, dir.resolve("missing").toString()
                    .getBytes(StandardCharsets.UTF_8), false));
            assertSame(jnr.constants.platform.Errno.ENOENT, reader.lastError());
            assertNotNull(reader.lastError().description());
            assertEquals(-1, reader.openRoot("bad\0path".getBytes(StandardCharsets.UTF_8)));
            assertSame(jnr.constants.platform.Errno.EINVAL, reader.lastError());
        }
    }

    @Test
    void pathsLongerThanPathMaxAreOpenedPieceByPiece() throws Exception {
        // Outside @TempDir: JUnit cannot delete paths longer than PATH_MAX, rm -rf can.
        Path deep = Files.createTempDirectory("fsnap-deep");
        String component = "d".repeat(200);
        String rel = String.join("/", java.util.Collections.nCopies(30, component)); // 6029 bytes
        try {
            Process mk = new ProcessBuilder("bash", "-c", "cd \"$1\" && for i in $(seq 30); do mkdir \"$2\" && cd \"$2\"; done",
                    "_", deep.toString(), component).inheritIO().start();
            assertEquals(0, mk.waitFor());
            byte[] bytes = rel.getBytes(StandardCharsets.UTF_8);
            assertTrue(bytes.length > 4096);
            try (LinuxDirectoryReader reader = new LinuxDirectoryReader(LinuxDirectoryReader.MIN_BUFFER_SIZE)) {
                int root = reader.openRoot(deep.toString().getBytes(StandardCharsets.UTF_8));
                int fd = reader.openDirectory(root, bytes, bytes.length, false);
                assertTrue(fd >= 0, () -> "deep open: " + reader.lastError());
                assertTrue(reader.read(fd) > 0, "the deepest directory lists (. and ..)");
                reader.close(fd);
                reader.close(root);
            }
        } finally {
            new ProcessBuilder("rm", "-rf", deep.toString()).start().waitFor();
        }
    }

    private static int fdinfoFlags(int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new IOException("no flags line in /proc/self/fdinfo/" + fd);
    }
}
