package dev.fsnap.repository;

import dev.fsnap.internal.PathText;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A directory of snapshots, as restic and borg keep them: every run's snapshot under a sortable
 * name, per root, with a small summary of the run beside it, and a lock that keeps two runs on one
 * root from overlapping.
 *
 * <pre>
 * DIR/fsnap-repository                  marks the directory as a repository
 * DIR/KEY/root                          the root, one line (KEY: its last name and a hash of its real path)
 * DIR/KEY/lock                          while a run holds the root: its PID, host and start (see RootLock)
 * DIR/KEY/20261129T021503.123Z.snap     a run's snapshot, named by its start (UTC)
 * DIR/KEY/20261129T021503.123Z.json     the run's summary: its verdict and counts (see RunSummary)
 * </pre>
 *
 * <p>A repository may be shared (mode 1777, as /tmp): each user's roots then live side by side, and
 * a key is easy to guess. So a run uses a root's directory only once it has opened it without
 * following a link and found it owned by the running user (or root) and writable by no one else;
 * then nobody else can put anything in it, nor, the repository being sticky or closed to others,
 * rename it away. Whatever is refused is a {@link RefusedException} naming the directory and its owner.
 *
 * <p>A root is named by its text: its path's bytes as UTF-8, each byte that is not UTF-8 as the
 * lone surrogate U+DC80 + byte, so that a name which is no text in the locale stays that name.
 */
public final class Repository {
    static final String MARKER = "fsnap-repository";
    /** How far after now a run may be dated (clocks of NAS hosts disagree) before it is not the latest. */
    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(10);
    /** How long finding a root's real path may take: a dead server's mount point does not answer. */
    private static final Duration REAL_PATH_DEADLINE = Duration.ofSeconds(30);

    private final Path dir;

    Repository(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens a repository, creating it when the directory is missing or empty.
     *
     * @param dir the directory
     * @return the repository
     * @throws RefusedException when it exists and is something else (not empty, no marker), or is not
     *         safe to use (another user's; writable by others and not sticky)
     * @throws IOException when it cannot be made or read
     */
    public static Repository open(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new RefusedException(dir, dir + " is not an fsnap repository (no " + MARKER + ") and not empty");
                }
            }
            try {
                Files.writeString(marker, "fsnap repository 1\n", StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException made) {
                // another run made it meanwhile
            }
        }
        SafeFiles.checkRepositoryDirectory(dir);
        return new Repository(dir);
    }

    /**
     * Opens a repository that must exist, to read it (its runs, their summaries); nothing is made.
     *
     * @param dir the directory
     * @return the repository
     * @throws RefusedException when the directory is not one
     */
    public static Repository existing(Path dir) throws RefusedException {
        if (!isRepository(dir)) {
            throw new RefusedException(dir, dir + " is not an fsnap repository");
        }
        return new Repository(dir);
    }

    /**
     * @param dir a directory
     * @return whether it is a repository (holds the marker file, not through a link)
     */
    public static boolean isRepository(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    /** @return the repository's directory */
    public Path dir() {
        return dir;
    }

    // ---- roots -------------------------------------------------------------------------------

    /**
     * A root as a repository keys it: its real path (links and {@code .}, {@code ..} resolved), so
     * that {@code ./tree}, {@code tree/.} and {@code /abs/tree} are one series; a root that does not
     * exist, or whose server does not answer within 30 s (the scan then says what is wrong), as its
     * absolute, normalised path, which is the same key unless a link is on the way.
     *
     * @param root the root, as text (see the class's description)
     * @return its canonical text
     * @throws java.nio.file.InvalidPathException when the text is no path
     */
    public static String canonical(String root) {
        Path p = PathText.path(root);
        String lexical = PathText.of(p.toAbsolutePath().normalize());
        CompletableFuture<String> real = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                real.complete(PathText.of(p.toRealPath()));
            } catch (IOException | RuntimeException e) {
                real.complete(lexical);
            }
        }, "fsnap-realpath");
        t.setDaemon(true); // a call stuck on a dead server must not keep the JVM
        t.start();
        try {
            return real.get(REAL_PATH_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return lexical;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lexical;
        }
    }

    /**
     * @param root a root's path
     * @return its canonical text, as {@link #canonical(String)} gives it for the path's bytes
     */
    public static String canonical(Path root) {
        return canonical(PathText.of(root));
    }

    /**
     * @param root a root, canonical ({@link #canonical(String)})
     * @return the name of its directory in a repository: its last name, readable, and a hash of its
     *         whole path's bytes
     */
    public static String key(String root) {
        // by string operations: the root's text may hold what the locale cannot encode as a path
        String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        String name = trimmed.isEmpty() ? "root" : trimmed.substring(trimmed.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(PathText.bytes(root)); // UTF-8 for text
            return name + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The root's series in the repository, its directory made when it is new, and found safe to
     * write into.
     *
     * @param root the root, canonical ({@link #canonical(String)})
     * @return its series
     * @throws RefusedException when its directory is not safe to use (a link, not a directory,
     *         writable by others) or holds the runs of another root with the same key
     * @throws OtherUsersException when another user made its directory
     * @throws IOException when it cannot be made or read
     */
    public RunSeries root(String root) throws IOException {
        Objects.requireNonNull(root, "root");
        Path d = dir.resolve(key(root));
        boolean made = false;
        try {
            Files.createDirectory(d); // mkdir: never through a link
            made = true;
        } catch (FileAlreadyExistsException exists) {
            // judged below, whatever it is
        }
        if (made && SafeFiles.posix()) {
            // Not the umask's: a directory others may write into would be refused on the next run.
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        SafeFiles.checkRootDirectory(d, () -> root);
        RunSeries r = new RunSeries(d);
        Path file = d.resolve(RunSeries.ROOT_FILE);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                byte[] name = PathText.bytes(root); // the root's bytes, whatever the locale
                byte[] line = Arrays.copyOf(name, name.length + 1);
                line[name.length] = '\n';
                Files.write(file, line, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException madeMeanwhile) {
                // another run wrote it meanwhile
            }
        }
        String recorded = r.root();
        if (!recorded.equals(root)) {
            throw new RefusedException(d, d + " holds the runs of " + recorded + ", not of " + root
                    + " (their keys are the same): move it aside to keep the runs of both");
        }
        return r;
    }

    /**
     * An entry of the repository that is no root's directory.
     *
     * @param path the entry
     * @param why what it is, said for a person
     */
    public record Stray(Path path, String why) {
    }

    /**
     * Every root's series, by key; each is judged ({@link RunSeries#check()}) only when it is used.
     *
     * @return them (never through a link)
     * @throws IOException when the repository cannot be listed
     */
    public List<RunSeries> roots() throws IOException {
        List<RunSeries> roots = new ArrayList<>();
        for (Path p : entries()) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    && Files.exists(p.resolve(RunSeries.ROOT_FILE), LinkOption.NOFOLLOW_LINKS)) {
                roots.add(new RunSeries(p));
            }
        }
        return roots;
    }

    /**
     * @param only a root's path as text, as given (canonical or not), or null for all
     * @return that root's series (none when the repository holds no runs of it), or every root's
     * @throws IOException when the repository cannot be listed
     */
    public List<RunSeries> roots(String only) throws IOException {
        if (only == null) {
            return roots();
        }
        String wanted = canonical(only);
        String asGiven = PathText.of(PathText.path(only).toAbsolutePath().normalize());
        List<RunSeries> found = new ArrayList<>();
        for (RunSeries r : roots()) {
            String p;
            try {
                p = r.root();
            } catch (IOException unreadable) {
                continue;
            }
            if (p.equals(wanted) || p.equals(asGiven)) {
                found.add(r);
            }
        }
        return found;
    }

    /**
     * @return the entries that look like a root's directory and are not one (a link where a
     *         directory should be), never followed
     * @throws IOException when the repository cannot be listed
     */
    public List<Stray> strays() throws IOException {
        List<Stray> strays = new ArrayList<>();
        for (Path p : entries()) {
            if (Files.isSymbolicLink(p)) {
                strays.add(new Stray(p, "a symbolic link, not a root's directory: never followed"));
            }
        }
        return strays;
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().equals(MARKER)).sorted().toList();
        }
    }
}
