package dev.fsnap.example.backup;

import dev.fsnap.repository.Run;
import dev.fsnap.scan.Content;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recreates a run's tree: names as the bytes they were, directories, files from the store (each
 * checked against its digest as it is copied), symbolic links, hard links, modes, owners (when
 * run as root) and modification times; directories get theirs last, once their contents are in.
 */
final class Restore {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final ObjectStore objects;
    private final Path dest;
    /** The first path restored of each file with more links than one, by device and inode. */
    private final Map<String, Path> linked = new HashMap<>();
    /** Directories, parents first: their modes and times are set last, children first. */
    private final Deque<Entry> directories = new ArrayDeque<>();
    private final PrintStream out;

    private Restore(ObjectStore objects, Path dest, PrintStream out) {
        this.objects = objects;
        this.dest = dest;
        this.out = out;
    }

    static int run(Path store, String name, Path dest, PrintStream out) throws IOException {
        List<Run> runs = Backup.series(store).runs();
        Run run = name == null ? (runs.isEmpty() ? null : runs.get(runs.size() - 1))
                : runs.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        if (run == null) {
            throw new IOException(store + ": no run " + (name == null ? "yet" : name));
        }
        if (Files.exists(dest, NOFOLLOW)) {
            try (var listed = Files.isDirectory(dest, NOFOLLOW) ? Files.list(dest) : null) {
                if (listed == null || listed.findAny().isPresent()) {
                    throw new IOException(dest + ": not an empty directory");
                }
            }
        }
        Files.createDirectories(dest);
        Restore r = new Restore(new ObjectStore(store.resolve("objects")), dest, out);
        try (Snapshot snapshot = Snapshot.open(run.snapshot())) {
            snapshot.walk(e -> {
                try {
                    r.entry(e);
                } catch (IOException x) {
                    throw new UncheckedIOException(e.displayPath() + ": " + x.getMessage(), x);
                }
            });
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
        while (!r.directories.isEmpty()) {
            r.attributes(r.directories.removeLast());
        }
        out.printf("restored run %s into %s%n", run.name(), dest);
        return 0;
    }

    private void entry(Entry e) throws IOException {
        Path to = e.resolveIn(dest);
        switch (e.type()) {
            case DIRECTORY -> {
                if (e.path().length > 0) {
                    Files.createDirectory(to);
                }
                directories.addLast(e);
                return;
            }
            case FILE -> {
                Path first = e.linkCount() > 1 ? linked.putIfAbsent(e.device() + ":" + e.inode(), to) : null;
                if (first != null) {
                    Files.createLink(to, first); // its attributes are the first name's
                    return;
                }
                Content content = e.content();
                if (content == null || content.corrupt()) {
                    throw new IOException("the run holds no intact content for this file");
                }
                objects.restore(content.digest(), to);
            }
            case SYMLINK -> Files.createSymbolicLink(to, e.targetPath());
            default -> {
                out.println("skipped " + e.displayPath() + ": a " + e.type().name().toLowerCase() + " is not restored");
                return;
            }
        }
        attributes(e);
    }

    /** Owner (as root), mode (not a link's: it has none) and modification time, of the entry itself. */
    private void attributes(Entry e) throws IOException {
        Path p = e.resolveIn(dest);
        if (ROOT) {
            Files.setAttribute(p, "unix:uid", (int) e.uid(), NOFOLLOW);
            Files.setAttribute(p, "unix:gid", (int) e.gid(), NOFOLLOW);
        }
        if (e.type() != EntryType.SYMLINK) {
            Files.setAttribute(p, "unix:mode", e.mode() & 07777, NOFOLLOW);
        }
        e.setModifiedTimeOf(p); // to the nanosecond, a link's own too
    }
}
