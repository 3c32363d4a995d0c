package dev.fsnap.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A fixture's helper program in C, shipped as source beside the class that runs it and compiled on
 * first use with the machine's {@code cc}: kept, named by a hash of its source, in a directory of
 * this user's own, so later runs and other JVMs reuse it.
 */
public final class CProgram {
    private CProgram() {
    }

    /**
     * The program compiled from a source resource.
     *
     * @param beside the class the resource lies beside
     * @param resource the source's resource name
     * @param name the program's name, for its file
     * @param flags what follows the source on the compiler's line (libraries)
     * @return the executable
     * @throws IOException when it cannot be compiled (the compiler's messages are in it)
     */
    public static synchronized Path compile(Class<?> beside, String resource, String name, List<String> flags)
            throws IOException {
        byte[] source;
        try (InputStream in = beside.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the classpath beside " + beside.getName());
            }
            source = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Path dir = privateDirectory();
        Path binary = dir.resolve(name + "-" + hash);
        if (!Files.isRegularFile(binary, LinkOption.NOFOLLOW_LINKS)) {
            Path c = dir.resolve(name + "-" + hash + ".c");
            Files.write(c, source);
            Path partial = Files.createTempFile(dir, name + "-", ".partial");
            try {
                List<String> command = new ArrayList<>(List.of("cc", "-O2", "-Wall", "-o", partial.toString(),
                        c.toString()));
                command.addAll(flags);
                output(command); // compiling, or an exception with the compiler's messages
                Files.move(partial, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        return binary;
    }

    /**
     * @param command a command's name
     * @return where it is on the PATH, or null
     */
    public static Path onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static int uid() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    }

    /** @return whether this process runs as root */
    public static boolean isRoot() {
        try {
            return uid() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A directory of this user's own under {@code java.io.tmpdir} for compiled programs: created
     * {@code 0700}, and refused when another user got there first (a binary planted in a shared
     * {@code /tmp} would be run by the tests).
     */
    private static Path privateDirectory() throws IOException {
        int uid = uid();
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "fsnap-test-programs-" + uid);
        try {
            Files.createDirectory(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // checked below, as a directory found is
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
        if (!a.isDirectory() || owner != uid || a.permissions().stream().anyMatch(others::contains)) {
            throw new AccessDeniedException(dir.toString(), null, "not a directory of this user's own (uid " + uid
                    + ") that only it can write: owner " + owner + ", " + PosixFilePermissions.toString(a.permissions())
                    + (a.isSymbolicLink() ? ", a symbolic link" : "") + "; remove it");
        }
        return dir;
    }

    /**
     * Runs a command to its end.
     *
     * @param command the command and its arguments
     * @return its output
     * @throws IOException with the output, when it fails
     */
    public static String output(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        return out;
    }
}
