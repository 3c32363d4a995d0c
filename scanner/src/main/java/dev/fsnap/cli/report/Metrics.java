package dev.fsnap.cli.report;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.console.ExitStatus;

import dev.fsnap.bindings.GuardedOpen;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.snapshot.Change;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's metrics in Prometheus' text format ({@code --metrics FILE.prom}), for node_exporter's
 * textfile collector, the way cron jobs report to Prometheus: what the run read, what changed, how
 * long it took, its exit status, and when a run of this root last did its work. Each root's
 * metrics carry its label; the lines of other roots already in the file are kept, so one file may
 * serve several jobs, and so are other programs' families, with their HELP and TYPE lines, byte for
 * byte. Written atomically (a temporary file in the same directory, renamed), as the collector
 * requires, keeping the file's mode and owner (a new file: 0644, for a collector running as its own
 * user); the read, update and rename happen under a lock on {@code FILE.lock} beside it, so that
 * jobs of several roots ending at once never lose each other's lines. A run that fails still writes
 * its exit status, and keeps the last success's time: an alert on that time going stale catches a
 * job that stopped doing its work, or running. A file that cannot be written fails the run (exit 2).
 */
public final class Metrics {
    private static final String SUCCESS = "fsnap_last_success_timestamp_seconds";

    /** What each family is, for its HELP line; a family fsnap does not know (an older version's) is untyped. */
    private static final Map<String, String> HELP = Map.ofEntries(
        Map.entry("fsnap_exit_status", "The exit status of the last run (0 nothing changed, 1 changes, 2 trouble, 3 unreadable, 4 corrupt, 5 untrusted baseline, 6 mass change, 24 vanished)."),
        Map.entry("fsnap_entries", "Entries the last run read."),
        Map.entry("fsnap_directories", "Directories among them."),
        Map.entry("fsnap_bytes", "The sizes of the regular files the last run read, in bytes."),
        Map.entry("fsnap_unreadable", "Entries the last run could not read."),
        Map.entry("fsnap_duration_seconds", "How long the last run's scan took."),
        Map.entry("fsnap_threads", "The threads the last run's scan used."),
        Map.entry("fsnap_entries_per_second", "The last run's throughput."),
        Map.entry("fsnap_still_unreadable", "Entries unreadable as the time before, with the same error."),
        Map.entry("fsnap_last_success_timestamp_seconds", "When a run last did its work (exit 0, 1, 3, 4 or 24), seconds since the epoch."),
        Map.entry("fsnap_changes", "Entries the last run reported changed, by kind, as its report's totals count them."),
        Map.entry("fsnap_mass_change_directories", "Directories where the last run found more than the --mass-change share of the files rewritten (0 without --mass-change)."),
        Map.entry("fsnap_vanished", "Entries that vanished while the last run's scan read them (ENOENT)."),
        Map.entry("fsnap_changing", "Files that kept changing while the last run read their content (ECHANGING): no verdict."),
        Map.entry("fsnap_changed_bytes", "The sizes of the files added and removed, in bytes."),
        Map.entry("fsnap_approved_sequence", "The number of the approved baseline the last check compared against (or, refused, the last it trusted): a watcher off the host alerts when it goes down."),
        Map.entry("fsnap_approved_info", "1, labelled with the identity of that approved baseline: a watcher alerts when it changes without an approval."));

    /** The largest metrics file read back (many roots' lines are a few KiB each). */
    private static final int MOST_READ = 16 << 20;
    /** How long a run waits for another run's update of the same file before giving up. */
    private static final java.time.Duration LOCK_WAIT = java.time.Duration.ofSeconds(60);
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> NEW_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");

    private final String label;
    /** Other programs' HELP and TYPE lines, by family, kept as they were. */
    private final java.util.Map<String, List<String>> foreignHeads = new java.util.HashMap<>();
    /** Each family's samples, in the order they are first met; each is written once, all its samples together. */
    private final java.util.Map<String, List<String>> families = new java.util.LinkedHashMap<>();

    private Metrics(String root) {
        // in the file's byte-for-byte form (see render): a root's UTF-8 bytes, one char each
        this.label = new String(("root=\"" + escape(root) + "\"").getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1);
    }

    /**
     * Writes a run's metrics, telling on stderr when the file cannot be written.
     *
     * @param file where
     * @param root the scanned root, absolute
     * @param summary what the scan did; null when it did not run
     * @param tally what the comparison found; null when there was none
     * @param exit the run's exit status
     * @param err where to say that the file could not be written
     * @return the run's exit status, or 2 when the file could not be written
     */
    public static int write(Path file, String root, ScanSummary summary, ChangeTally tally, int exit, PrintStream err) {
        return write(file, root, summary, tally, exit, null, err);
    }

    /**
     * The approved baseline a check compared against, for a watcher off the host.
     *
     * @param sequence its number
     * @param identity its identity (the signature's, or the tree hash)
     */
    public record Witness(long sequence, String identity) {
    }

    /**
     * Writes a run's metrics with the approved baseline it compared against.
     *
     * @param witness the approved baseline, or null when there is none
     * @see #write(Path, String, ScanSummary, ChangeTally, int, PrintStream)
     */
    public static int write(Path file, String root, ScanSummary summary, ChangeTally tally, int exit, Witness witness,
                            PrintStream err) {
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        if (Files.exists(lockFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(lockFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            err.println("fsnap: " + file + ": the metrics were not written: " + lockFile + " is not a regular file");
            return ExitStatus.TROUBLE;
        }
        // Read and write: opening a FIFO swapped in meanwhile for writing alone would wait for a reader.
        try (java.nio.channels.FileChannel lock = java.nio.channels.FileChannel.open(lockFile,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            if (!await(lock)) {
                err.println("fsnap: " + file + ": the metrics were not written: " + lockFile
                        + " stayed locked by another process for " + LOCK_WAIT.toSeconds() + " s");
                return ExitStatus.TROUBLE;
            }
            new Metrics(root).render(file, summary, tally, exit, witness);
            return exit;
        } catch (IOException e) {
            err.println("fsnap: " + file + ": the metrics were not written: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("fsnap: " + file + ": the metrics were not written: interrupted while waiting for " + lockFile);
            return ExitStatus.TROUBLE;
        }
    }

    /** Takes the lock, waiting at most {@link #LOCK_WAIT} for another run to release it; the channel's close releases it. */
    private static boolean await(java.nio.channels.FileChannel lock) throws IOException, InterruptedException {
        long end = System.nanoTime() + LOCK_WAIT.toNanos();
        while (lock.tryLock() == null) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void render(Path file, ScanSummary summary, ChangeTally tally, int exit, Witness witness) throws IOException {
        List<String> kept = new ArrayList<>();
        String lastSuccess = null;
        try {
            // Lines are kept as the bytes they were (ISO-8859-1 maps each byte to one char and back):
            // another program's line is neither refused nor changed for not being UTF-8.
            for (String line : new String(existing(file), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                    String[] words = line.split(" ", 4);
                    if (words.length > 2 && !HELP.containsKey(words[2])) {
                        List<String> head = foreignHeads.computeIfAbsent(words[2], n -> new ArrayList<>());
                        if (!head.contains(line)) {
                            head.add(line);
                        }
                    }
                    continue;
                }
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.contains("{" + label + "}") || line.contains("{" + label + ",")) {
                    if (line.startsWith(SUCCESS + "{")) {
                        lastSuccess = line.substring(line.lastIndexOf(' ') + 1);
                    }
                } else if (!line.isBlank()) {
                    kept.add(line);
                }
            }
        } catch (NoSuchFileException first) {
            // the first run
        }
        if (ExitStatus.didItsWork(exit)) {
            lastSuccess = String.format(Locale.ROOT, "%.3f", System.currentTimeMillis() / 1000.0);
        }
        sample("fsnap_exit_status", "", exit);
        if (lastSuccess != null) {
            family(SUCCESS).add(SUCCESS + "{" + label + "} " + lastSuccess);
        }
        if (summary != null) {
            double seconds = summary.elapsed().toNanos() / 1e9;
            sample("fsnap_entries", "", summary.entries());
            sample("fsnap_directories", "", summary.directories());
            sample("fsnap_bytes", "", summary.bytes());
            sample("fsnap_unreadable", "", summary.errors());
            sample("fsnap_duration_seconds", "", seconds);
            sample("fsnap_threads", "", summary.threads());
            sample("fsnap_entries_per_second", "", summary.entriesPerSecond());
        }
        if (tally != null) {
            for (Change.Kind k : Change.Kind.values()) {
                sample("fsnap_changes", ",kind=\"" + k.label() + "\"", tally.total(k));
            }
            sample("fsnap_still_unreadable", "", tally.stillUnreadable());
            sample("fsnap_mass_change_directories", "", tally.massChanges().size());
            sample("fsnap_vanished", "", tally.vanished());
            sample("fsnap_changing", "", tally.changing());
            sample("fsnap_changed_bytes", ",kind=\"added\"", tally.bytes(Change.Kind.ADDED));
            sample("fsnap_changed_bytes", ",kind=\"removed\"", tally.bytes(Change.Kind.REMOVED));
        }
        if (witness != null) {
            sample("fsnap_approved_sequence", "", witness.sequence());
            family("fsnap_approved_info").add("fsnap_approved_info{" + label + ",identity=\"" + escape(witness.identity())
                    + "\"} 1");
        }
        for (String line : kept) {
            int end = line.indexOf('{') < 0 ? line.indexOf(' ') : line.indexOf('{');
            family(end < 0 ? line : line.substring(0, end)).add(line);
        }
        StringBuilder out = new StringBuilder(4096);
        for (java.util.Map.Entry<String, List<String>> f : families.entrySet()) {
            String help = HELP.get(f.getKey());
            List<String> foreign = foreignHeads.get(f.getKey());
            if (help != null) {
                out.append("# HELP ").append(f.getKey()).append(' ').append(help).append('\n');
                out.append("# TYPE ").append(f.getKey()).append(" gauge\n");
            } else if (foreign != null) {
                foreign.forEach(line -> out.append(line).append('\n'));
            } else {
                out.append("# TYPE ").append(f.getKey()).append(" untyped\n");
            }
            for (String sample : f.getValue()) {
                out.append(sample).append('\n');
            }
        }
        AtomicFile.write(file, out.toString().getBytes(StandardCharsets.ISO_8859_1), NEW_MODE);
    }

    /**
     * The file as it is, read as the repository reads its files: without following a link, and
     * opened without waiting, so that a FIFO put there (or swapped in after a look) never blocks
     * the run; a device is not ours to read.
     */
    private static byte[] existing(Path file) throws IOException {
        if (!Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "not a regular file: not replaced");
        }
        if (!GuardedOpen.available()) {
            return Files.readAllBytes(file);
        }
        byte[] bytes = GuardedOpen.regularFile(file, MOST_READ, new GuardedOpen.Found[1]);
        if (bytes.length > MOST_READ) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "larger than " + MOST_READ
                    + " bytes: not a metrics file fsnap updates");
        }
        return bytes;
    }

    private List<String> family(String name) {
        return families.computeIfAbsent(name, n -> new ArrayList<>());
    }

    private void sample(String name, String labels, double value) {
        String v = value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.6g", value);
        family(name).add(name + "{" + label + labels + "} " + v);
    }

    /** A label value as the text format wants it: backslash, quote and newline escaped. */
    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
