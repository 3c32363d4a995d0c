package dev.fsnap.cli;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.report.ChangeTally;
import dev.fsnap.cli.args.CommandLine;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.command.ScanJob;

import dev.fsnap.cli.console.Reasons;
import dev.fsnap.bindings.GuardedOpen;
import dev.fsnap.bindings.PathBytes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * DIR/KEY/20261129T021503.123Z.json     the run's summary: exit status and counts
 * </pre>
 *
 * <p>A repository may be shared (mode 1777, as /tmp): each user's roots then live side by side, and
 * a key is easy to guess. So a run uses a root's directory only once it has opened it without
 * following a link and found it owned by the running user (or root) and writable by no one else;
 * then nobody else can put anything in it, nor, the repository being sticky or closed to others,
 * rename it away. Whatever is refused is an {@link Refused} naming the directory and its owner.
 */
public final class Repository {
    static final String MARKER = "fsnap-repository";
    /** How far after now a run may be dated (clocks of NAS hosts disagree) before it is not the latest. */
    public static final Duration FUTURE_TOLERANCE = Duration.ofMinutes(10);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT).withZone(ZoneOffset.UTC);
    private static final java.util.regex.Pattern RUN_NAME =
            java.util.regex.Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z");
    private static final int MAX_ROOT_FILE = 8192;

    private final Path dir;

    private Repository(Path dir) {
        this.dir = dir;
    }

    /** What the repository will not do, and why: a message for the user naming the path. */
    public static class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    /** A root's directory that another user owns: refused for this user's runs, theirs to keep. */
    public static final class OtherUsers extends Refused {
        OtherUsers(String message) {
            super(message);
        }
    }

    /**
     * Opens a repository, creating it when the directory is missing or empty.
     *
     * @param dir the directory
     * @return the repository
     * @throws IOException when it exists and is something else, cannot be made, or is not safe to use
     */
    static Repository open(Path dir) throws IOException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir);
            try (Stream<Path> s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new Refused(dir + " is not an fsnap repository (no " + MARKER + ") and not empty");
                }
            }
            try {
                Files.writeString(marker, "fsnap repository 1\n", StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException made) {
                // another run made it meanwhile
            }
        }
        checkRepositoryDirectory(dir);
        return new Repository(dir);
    }

    /**
     * @param dir a repository that must exist
     * @return it
     * @throws Refused when the directory is not one
     */
    public static Repository existing(Path dir) throws IOException {
        if (!is(dir)) {
            throw new Refused(dir + " is not an fsnap repository");
        }
        return new Repository(dir);
    }

    /** @return whether a directory is a repository */
    static boolean is(Path dir) {
        return Files.isRegularFile(dir.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    Path dir() {
        return dir;
    }

    // ---- whom a run trusts -------------------------------------------------------------------

    private static final class Owners {
        static final UserPrincipal ME = lookup(System.getProperty("user.name"));
        static final UserPrincipal ROOT = lookup("root");

        private static UserPrincipal lookup(String name) {
            try {
                return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** @return the owners a run trusts, as said in a message */
    static String trustedOwners() {
        String me = System.getProperty("user.name");
        return "root".equals(me) ? "root" : me + " (who runs fsnap) or root";
    }

    private static String untrusted(UserPrincipal owner) {
        if (owner == null || owner.equals(Owners.ME) || owner.equals(Owners.ROOT)
                || owner.getName().equals(System.getProperty("user.name"))) {
            return null;
        }
        return owner.getName();
    }

    /** @return the owner of a file (not a link's target) when it is not one a run trusts, else null */
    static String untrustedOwner(Path file) throws IOException {
        return posix() ? untrusted(Files.getOwner(file, LinkOption.NOFOLLOW_LINKS)) : null;
    }

    /**
     * The repository directory, as the user named it (a link to it is followed: the user chose it),
     * must be theirs or root's, and, when others may write in it, sticky, so that no one else can
     * rename a root's directory in it away.
     */
    private static void checkRepositoryDirectory(Path dir) throws IOException {
        if (!posix()) {
            return;
        }
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
        String owner = untrusted(a.owner());
        if (owner != null) {
            throw new Refused(dir + " is owned by " + owner + ", not by " + trustedOwners()
                    + ": a run keeps nothing in another user's repository");
        }
        Set<PosixFilePermission> p = a.permissions();
        boolean othersWrite = p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE);
        if (othersWrite && ((Integer) Files.getAttribute(dir, "unix:mode") & 01000) == 0) {
            throw new Refused(dir + " may be written by others (" + PosixFilePermissions.toString(p) + ") and is not "
                    + "sticky: anyone could replace a root's runs; make it sticky (chmod +t, as /tmp is) or chmod go-w");
        }
    }

    /**
     * Judges a root's directory by the directory itself: what its name leads to without following
     * a link must be a directory, or it is refused naming what it is and who made it, before it is
     * ever opened (a FIFO, opened, would stop the run until someone writes to it); then it is opened
     * relative to the repository without following a link and without waiting, so that a FIFO
     * swapped in meanwhile is refused by the kernel, and the opened descriptor's owner and mode are
     * judged; and its name must still lead to it.
     *
     * @param place the root's directory in the repository
     * @param what the root, for messages
     * @throws Refused naming what is wrong: a link, not a directory, another owner, writable by others
     */
    static void checkRootDirectory(Path place, String what) throws IOException {
        checkRootDirectory(place, () -> what);
    }

    /**
     * As {@link #checkRootDirectory(Path, String)}, the root asked for only when a message needs it:
     * a directory is judged before anything in it is read.
     */
    static void checkRootDirectory(Path place, java.util.function.Supplier<String> what) throws IOException {
        if (!posix()) {
            return;
        }
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(place, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw notADirectory(place, what.get(), e);
        }
        if (!a.isDirectory()) {
            throw notADirectory(place, what.get(), null);
        }
        Set<PosixFilePermission> p = a.permissions();
        if (GuardedOpen.available()) {
            GuardedOpen.Found opened;
            try {
                opened = GuardedOpen.directory(place.getParent(), place.getFileName());
            } catch (IOException e) {
                throw notADirectory(place, what.get(), e);
            }
            if (opened.device() != ((Number) Files.getAttribute(place, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue()
                    || opened.inode() != ((Number) Files.getAttribute(place, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()
                    || opened.uid() != ((Number) Files.getAttribute(place, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue()) {
                throw new Refused(place + " was replaced while it was looked at");
            }
            p = permissions(opened.permissions()); // the opened directory's, not whatever the name led to before
        }
        String owner = untrusted(a.owner());
        if (owner != null) {
            throw new OtherUsers(place + " (the runs of " + what.get() + ") is owned by " + owner + ", not by "
                    + trustedOwners() + ": a run neither writes into nor compares against another user's directory; "
                    + "if it is not " + owner + "'s to keep, remove it");
        }
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new Refused(place + " (the runs of " + what.get() + ") may be written by others than its owner ("
                    + PosixFilePermissions.toString(p) + "): anyone could replace its runs; chmod go-w " + place);
        }
        Object now = Files.readAttributes(place, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        if (!Objects.equals(now, a.fileKey())) {
            throw new Refused(place + " was replaced while it was looked at");
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE: 0400 ... 0001
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                p.add(bits[i]);
            }
        }
        return p;
    }

    /** What a root's place is when it is no directory fsnap made: its kind and who made it. */
    private static Refused notADirectory(Path place, String what, IOException e) {
        String is;
        int mode;
        String owner;
        try {
            mode = ((Number) Files.getAttribute(place, "unix:mode", LinkOption.NOFOLLOW_LINKS)).intValue();
            try {
                owner = Files.getOwner(place, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException | RuntimeException unknown) {
                owner = "an unknown user";
            }
        } catch (IOException | RuntimeException gone) {
            mode = -1;
            owner = null;
        }
        if (mode != -1 && Files.isSymbolicLink(place)) {
            is = "is a symbolic link (made by " + owner + "), not a directory fsnap made: a run does not follow it; "
                    + "remove it";
        } else if (mode != -1 && !Files.isDirectory(place, LinkOption.NOFOLLOW_LINKS)) {
            is = "is " + GuardedOpen.kind(mode) + " (made by " + owner + "), not a directory fsnap made: a run does "
                    + "not open it; remove it";
        } else {
            is = "cannot be opened: " + (e == null ? "unknown" : Reasons.describe(e));
        }
        return new Refused(place + " (the runs of " + what + ") " + is);
    }

    // ---- roots -------------------------------------------------------------------------------

    /** How long finding a root's real path may take: a dead server's mount point does not answer. */
    private static final Duration REAL_PATH_DEADLINE = Duration.ofSeconds(30);

    /**
     * A root as a repository keys it: its real path (links and {@code .}, {@code ..} resolved), so
     * that {@code ./tree}, {@code tree/.} and {@code /abs/tree} are one series; a root that does not
     * exist, or whose server does not answer within 30 s (the scan then says what is wrong), as its
     * absolute, normalised path, which is the same key unless a link is on the way. Either is the
     * path's exact bytes, decoded as {@link CommandLine#decode} decodes arguments: a name that is no
     * text in the locale (the bytes {@code \xff\xfe}) stays the name, not U+FFFD.
     */
    public static String canonical(String root) {
        Path p = CommandLine.path(root);
        String lexical = text(p.toAbsolutePath().normalize());
        java.util.concurrent.CompletableFuture<String> real = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                real.complete(text(p.toRealPath()));
            } catch (IOException | RuntimeException e) {
                real.complete(lexical);
            }
        }, "fsnap-realpath");
        t.setDaemon(true); // a call stuck on a dead server must not keep the JVM
        t.start();
        try {
            return real.get(REAL_PATH_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return lexical;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lexical;
        }
    }

    /**
     * @param p a root's path
     * @return the text a repository keeps it as: its bytes, decoded as arguments are (never the
     *         path's own String, which holds U+FFFD for a name that is no text in the locale)
     */
    public static String text(Path p) {
        return CommandLine.decode(PathBytes.of(p));
    }

    /**
     * The root's place in the repository, made when it is new, and found safe to write into.
     *
     * @param root the root, canonical ({@link #canonical})
     */
    Root root(String root) throws IOException {
        Path d = dir.resolve(key(root));
        boolean made = false;
        try {
            Files.createDirectory(d); // mkdir: never through a link
            made = true;
        } catch (FileAlreadyExistsException exists) {
            // judged below, whatever it is
        }
        if (made && posix()) {
            // Not the umask's: a directory others may write into would be refused on the next run.
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        checkRootDirectory(d, root);
        Root r = new Root(d);
        Path file = d.resolve("root");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            try {
                byte[] name = CommandLine.bytes(root); // the root's bytes, whatever the locale
                byte[] line = java.util.Arrays.copyOf(name, name.length + 1);
                line[name.length] = '\n';
                Files.write(file, line, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException made2) {
                // another run wrote it meanwhile
            }
        }
        String recorded = r.path();
        if (!recorded.equals(root)) {
            throw new Refused(d + " holds the runs of " + recorded + ", not of " + root
                    + " (their keys are the same): move it aside to keep the runs of both");
        }
        return r;
    }

    /** An entry of the repository that is no root's directory: a link, a directory without its root file. */
    public record Stray(Path path, String why) {
    }

    /** @return every root in the repository (never through a link) */
    public List<Root> roots() throws IOException {
        List<Root> roots = new ArrayList<>();
        for (Path p : entries()) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && Files.exists(p.resolve("root"), LinkOption.NOFOLLOW_LINKS)) {
                roots.add(new Root(p));
            }
        }
        return roots;
    }

    /** @return the entries that look like a root's place and are not one (a link where a directory should be) */
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

    /**
     * @param only a root's path as given on the command line, or null for all
     * @return that root's place (none when the repository holds no runs of it), or every root
     */
    public List<Root> roots(String only) throws IOException {
        if (only == null) {
            return roots();
        }
        String wanted = canonical(only);
        String asGiven = text(CommandLine.path(only).toAbsolutePath().normalize());
        List<Root> found = new ArrayList<>();
        for (Root r : roots()) {
            String p;
            try {
                p = r.path();
            } catch (IOException unreadable) {
                continue;
            }
            if (p.equals(wanted) || p.equals(asGiven)) {
                found.add(r);
            }
        }
        return found;
    }

    /** A root's directory name: its last name, readable, and a hash of its whole path. */
    static String key(String root) {
        // by string operations: the root's text may hold what the locale cannot encode as a path
        String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        String name = trimmed.isEmpty() ? "root" : trimmed.substring(trimmed.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(CommandLine.bytes(root)); // UTF-8 for text
            return name + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A small file of the repository, read without following a link, and only when it is a regular
     * file; in a directory of another user's, only when it has no other name (a hard link made
     * there to a file of root's is not read through it). What the name leads to is looked at first,
     * and what was opened is judged again by its descriptor: the file is opened without waiting, so
     * that a FIFO swapped in between cannot stop the run (nor {@code forget}, and with it retention).
     */
    static byte[] readSmall(Path file, int max) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new Refused(file + " is not a regular file");
        }
        byte[] bytes;
        long links;
        if (GuardedOpen.available()) {
            GuardedOpen.Found[] found = new GuardedOpen.Found[1];
            try {
                bytes = GuardedOpen.regularFile(file, max, found);
            } catch (NoSuchFileException gone) {
                throw gone;
            } catch (IOException e) {
                if (found[0] != null && !found[0].isRegularFile()) {
                    throw new Refused(file + " is not a regular file (" + GuardedOpen.kind(found[0].mode())
                            + " when it was opened)");
                }
                if (e.getMessage() != null && e.getMessage().endsWith("is a symbolic link")) {
                    throw new Refused(file + " is not a regular file (a symbolic link when it was opened)");
                }
                throw e;
            }
            links = found[0].links();
        } else {
            links = posix() ? ((Integer) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)) : 1;
            try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer b = ByteBuffer.allocate(max + 1);
                while (b.hasRemaining() && ch.read(b) > 0) {
                    // read on
                }
                bytes = java.util.Arrays.copyOf(b.array(), b.position());
            }
        }
        if (posix() && links > 1 && untrustedOwner(file.toAbsolutePath().getParent()) != null) {
            throw new Refused(file + " has other names (hard links): not read");
        }
        if (bytes.length > max) {
            throw new Refused(file + " is larger than " + max + " bytes");
        }
        return bytes;
    }

    // ---- references to runs ------------------------------------------------------------------

    /**
     * Resolves a reference to a run: {@code DIR@latest}, {@code DIR@-1} (the one before the
     * latest), {@code DIR@-N}, or {@code DIR@2026-11-28} (the last run of that day, local time).
     * {@code DIR} is the repository when it holds one root, else that root's directory in it. Runs
     * dated after now are not counted by latest and -N.
     *
     * @param ref the argument
     * @return the run's snapshot; null when the argument is no reference (a file's path)
     * @throws IOException naming what is wrong with a reference
     */
    public static Path resolve(String ref) throws IOException {
        int at = ref.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        Path where;
        try {
            where = CommandLine.path(ref.substring(0, at));
        } catch (InvalidPathException e) {
            return null;
        }
        String which = ref.substring(at + 1);
        boolean runLike = which.equals("latest") || which.matches("-[0-9]+") || which.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}");
        Root root;
        if (is(where)) {
            List<Root> roots = new Repository(where).roots();
            if (roots.size() != 1) {
                throw new Refused(where + " holds " + roots.size() + " roots: name one, as " + where
                        + "/KEY@" + which + " (fsnap history " + where + " lists them)");
            }
            root = roots.get(0);
        } else if (where.getParent() != null && is(where.getParent()) && Files.isDirectory(where, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(where.resolve("root"), LinkOption.NOFOLLOW_LINKS)) {
            root = new Repository(where.getParent()).new Root(where);
        } else if (runLike && !Files.exists(CommandLine.path(ref)) && Files.isDirectory(where)) {
            throw new Refused(where + " is not an fsnap repository (no " + MARKER + " in it), so " + ref
                    + " names no run");
        } else {
            return null;
        }
        Listing listing = root.listing(Instant.now());
        List<Run> runs = listing.runs();
        Run found = null;
        if (which.equals("latest") || which.matches("-[0-9]{1,9}")) {
            int back = which.equals("latest") ? 0 : Integer.parseInt(which.substring(1));
            found = back < runs.size() ? runs.get(runs.size() - 1 - back) : null;
        } else if (which.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            LocalDate day;
            try {
                day = LocalDate.parse(which, DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
                        .withResolverStyle(ResolverStyle.STRICT));
            } catch (DateTimeException e) {
                throw new Refused(ref + ": " + which + " is no date (YYYY-MM-DD)");
            }
            for (Run r : runs) {
                if (LocalDate.ofInstant(r.started(), ZoneId.systemDefault()).equals(day)) {
                    found = r;
                }
            }
        } else {
            throw new Refused(ref + ": a run is named latest, -N or a date (YYYY-MM-DD)");
        }
        if (found == null) {
            throw new Refused(ref + ": no such run (" + runs.size() + " in " + root.dir
                    + (listing.future().isEmpty() ? "" : ", besides " + listing.future().size() + " dated after now")
                    + ")");
        }
        return found.snapshot();
    }

    // ---- a run with the root's lock held -------------------------------------------------------

    /** A run on a root of a repository, its lock held: given where its snapshot goes. */
    public interface Job {
        ScanJob.Result run(Root place, Path output) throws IOException, InterruptedException;
    }

    /**
     * Runs a job on a root with its lock held, then records the run beside its snapshot.
     *
     * @param dir the repository (made when missing)
     * @param rootPath the root, canonical ({@link #canonical})
     * @param kind what runs: check, scan or merge (recorded in the summary)
     * @param err where to say what went wrong
     * @param job the run
     * @param tally what its comparison found, asked once it is done (null: none)
     * @return how the run ended; {@link ExitStatus#LOCKED} when another run of this host holds the
     *         lock, {@link ExitStatus#TROUBLE} when the repository or the lock cannot be used safely
     */
    public static ScanJob.Result locked(Path dir, String rootPath, String kind, java.io.PrintStream err, Job job,
                                 java.util.function.Supplier<ChangeTally> tally) throws IOException, InterruptedException {
        Root place;
        try {
            place = open(dir).root(rootPath);
        } catch (IOException e) {
            err.println("fsnap: " + Reasons.describe(e));
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        RootLock.Outcome outcome = place.lock();
        if (outcome instanceof RootLock.Busy busy) {
            err.println("fsnap: " + rootPath + " is being scanned into " + dir + " by " + busy.holder()
                    + "; this run did nothing");
            return new ScanJob.Result(ExitStatus.LOCKED, null);
        }
        if (outcome instanceof RootLock.Refused refused) {
            err.println("fsnap: " + rootPath + " cannot be locked in " + dir + ": " + refused.reason()
                    + "; this run did nothing");
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        RootLock.Taken taken = (RootLock.Taken) outcome;
        if (taken.tookOver() != null) {
            err.println("fsnap: " + taken.tookOver());
        }
        try (RootLock lock = taken.lock()) {
            Path output = place.snapshotFor(Instant.now());
            ScanJob.Result r = job.run(place, output);
            if (Files.exists(output)) {
                place.recordRun(output, kind, r, tally == null ? null : tally.get());
            }
            return r;
        }
    }

    // ---- one root's runs -----------------------------------------------------------------------

    /** A root's runs as its directory holds them. */
    public record Listing(List<Run> runs, List<Run> future, List<String> stray) {
        /** @return the newest run not dated after now, if any */
        public Optional<Run> latest() {
            return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
        }
    }

    /** One root's runs in the repository. */
    public final class Root {
        public final Path dir;

        private Root(Path dir) {
            this.dir = dir;
        }

        /** @return the root's path, as recorded */
        public String path() throws IOException {
            byte[] b = readSmall(dir.resolve("root"), MAX_ROOT_FILE);
            int end = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
            // The root's exact bytes, as an argument naming it is decoded: a name that is no UTF-8 stays itself.
            String p = CommandLine.decode(java.util.Arrays.copyOf(b, end));
            if (p.isBlank() || p.contains("\n") || p.indexOf('\0') >= 0) {
                throw new Refused(dir.resolve("root") + " names no root");
            }
            return p;
        }

        /** @throws Refused when a run may not use this directory (see {@link #checkRootDirectory}) */
        public void check() throws IOException {
            // The directory first: nothing in it is read (its root file, for the message) before it is judged.
            checkRootDirectory(dir, () -> {
                try {
                    return path();
                } catch (IOException unreadable) {
                    return "an unknown root";
                }
            });
        }

        /**
         * The runs: those named as fsnap names them, oldest first; those dated after {@code now} and
         * the tolerance apart (a clock that ran ahead, a file put there) so that they never become
         * the latest; and names of {@code .snap} files that are no run's (no such date).
         */
        public Listing listing(Instant now) throws IOException {
            List<Run> runs = new ArrayList<>();
            List<Run> future = new ArrayList<>();
            List<String> stray = new ArrayList<>();
            Instant limit = now.plus(FUTURE_TOLERANCE);
            List<String> names;
            try (Stream<Path> s = Files.list(dir)) {
                names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".snap")).sorted().toList();
            }
            for (String n : names) {
                String name = n.substring(0, n.length() - ".snap".length());
                Instant started = started(name);
                if (started == null) {
                    stray.add(n);
                } else if (started.isAfter(limit)) {
                    future.add(new Run(this, name, started));
                } else {
                    runs.add(new Run(this, name, started));
                }
            }
            return new Listing(runs, future, stray);
        }

        /** @return the runs, oldest first, as {@link #listing} counts them */
        List<Run> runs() throws IOException {
            return listing(Instant.now()).runs();
        }

        /**
         * Writes a run's summary beside its snapshot: what ran, its exit status, what it read, what changed.
         *
         * @param snapshot the run's snapshot, in place
         * @param kind check, scan or merge
         * @param result how the run ended
         * @param tally what its comparison found, or null (nothing was compared)
         */
        void recordRun(Path snapshot, String kind, ScanJob.Result result, ChangeTally tally) throws IOException {
            StringBuilder b = new StringBuilder("{\"exit\":").append(result.exit()).append(",\"run\":\"")
                    .append(kind).append('"');
            dev.fsnap.scan.ScanSummary s = result.summary();
            if (s != null) {
                b.append(",\"entries\":").append(s.entries()).append(",\"bytes\":").append(s.bytes())
                        .append(",\"unreadable\":").append(s.errors()).append(",\"seconds\":")
                        .append(String.format(Locale.ROOT, "%.3f", s.elapsed().toNanos() / 1e9));
            }
            if (tally != null) {
                b.append(",\"changes\":{");
                String sep = "";
                for (dev.fsnap.snapshot.Change.Kind k : dev.fsnap.snapshot.Change.Kind.values()) {
                    b.append(sep).append('"').append(k.label()).append("\":").append(tally.total(k));
                    sep = ",";
                }
                b.append('}');
            }
            String name = snapshot.getFileName().toString();
            Path summary = dir.resolve(name.substring(0, name.length() - ".snap".length()) + ".json");
            AtomicFile.write(summary, b.append("}\n"));
        }

        /**
         * @param started when the run starts
         * @return where its snapshot goes
         */
        Path snapshotFor(Instant started) {
            return dir.resolve(NAME.format(started) + ".snap");
        }

        /** Takes the root's lock (see {@link RootLock}). */
        public RootLock.Outcome lock() {
            String what;
            try {
                what = path();
            } catch (IOException unreadable) {
                what = dir.toString();
            }
            return RootLock.take(dir.resolve("lock"), what);
        }
    }

    /** @return when a run of this name started; null when the name is no run's (or no date) */
    static Instant started(String name) {
        if (!RUN_NAME.matcher(name).matches()) {
            return null;
        }
        try {
            return Instant.from(NAME.parse(name));
        } catch (DateTimeException noSuchDate) {
            return null;
        }
    }

    /** A run: its snapshot and its summary, named by its start. */
    public record Run(Root root, String name, Instant started) {
        public Path snapshot() {
            return root.dir.resolve(name + ".snap");
        }

        public Path summary() {
            return root.dir.resolve(name + ".json");
        }

        /**
         * @return the run's summary; null when it left none
         * @throws RunSummary.Damaged when it left one that cannot be read as one
         */
        public RunSummary read() throws RunSummary.Damaged {
            try {
                return RunSummary.parse(readSmall(summary(), RunSummary.MAX_BYTES));
            } catch (NoSuchFileException none) {
                return null;
            } catch (IOException e) {
                throw new RunSummary.Damaged("unreadable: " + Reasons.describe(e));
            }
        }

        /** @return the run's exit status from its summary, or -1 when it left none or a damaged one */
        public int exit() {
            try {
                RunSummary s = read();
                return s == null ? -1 : s.exit();
            } catch (RunSummary.Damaged damaged) {
                return -1;
            }
        }
    }

    // ---- retention ---------------------------------------------------------------------------

    /**
     * The runs restic's {@code forget} keeps: the newest {@code last}; the newest of each of the
     * last {@code daily} days, {@code weekly} ISO weeks and {@code monthly} months that have runs;
     * and, whatever the policy, the newest run that found nothing corrupt or damaged, so that a
     * run which did never leaves retention to delete the last good baseline. A run whose summary
     * is missing or damaged counts as a run, never as a good one.
     *
     * @param runs a root's runs, oldest first (those dated after now left out)
     * @return the runs kept
     */
    public static Set<Run> keep(List<Run> runs, int last, int daily, int weekly, int monthly, ZoneId zone) {
        List<Run> newest = new ArrayList<>(runs);
        java.util.Collections.reverse(newest);
        Set<Run> kept = new LinkedHashSet<>();
        for (int i = 0; i < Math.min(last, newest.size()); i++) {
            kept.add(newest.get(i));
        }
        bucket(newest, daily, r -> LocalDate.ofInstant(r.started(), zone).toString(), kept);
        bucket(newest, weekly, r -> {
            LocalDate d = LocalDate.ofInstant(r.started(), zone);
            return d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        }, kept);
        bucket(newest, monthly, r -> LocalDate.ofInstant(r.started(), zone).withDayOfMonth(1).toString(), kept);
        for (Run r : newest) {
            int exit = r.exit();
            if (exit == ExitStatus.OK || exit == ExitStatus.CHANGED || exit == ExitStatus.VANISHED) {
                kept.add(r); // the last good baseline
                break;
            }
        }
        return kept;
    }

    private static void bucket(List<Run> newest, int n, java.util.function.Function<Run, String> period, Set<Run> kept) {
        Set<String> seen = new LinkedHashSet<>();
        for (Run r : newest) {
            if (seen.size() >= n) {
                return;
            }
            if (seen.add(period.apply(r))) {
                kept.add(r);
            }
        }
    }
}
