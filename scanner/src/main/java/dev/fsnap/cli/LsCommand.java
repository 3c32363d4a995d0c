package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fsnap ls FILE}: a snapshot's entries, in path order. */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Lists a snapshot's entries.",
            "In path order, one line each: type, mode, size, mtime, path.",
            "With --json, one JSON object per entry, as scan --json writes them.",
            "What the scan could not read goes to stderr, one line each."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:the snapshot was read",
            " 2:the snapshot is missing, damaged, truncated, or of another format version"})
final class LsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The snapshot.")
    Path file;

    @Option(names = "--json", description = "Write one JSON object per entry to stdout.")
    boolean json;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws IOException {
        try (Snapshot s = SnapshotFiles.open(file, err)) {
            if (s == null) {
                return Main.USAGE;
            }
            FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
            JsonLines jsonOut = json ? new JsonLines(stdout) : null;
            BufferedWriter text = json ? null
                    : new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
            String prefix = s.root().endsWith("/") ? s.root() : s.root() + "/";
            long[] counts = new long[2];
            try {
                s.walk(new Snapshot.Visitor() {
                    @Override
                    public void entry(Entry e) {
                        counts[0]++;
                        if (json) {
                            jsonOut.write(e);
                        } else {
                            line(text, e);
                        }
                    }

                    @Override
                    public void unreadable(ScanError e) {
                        counts[1]++;
                        err.println("fsnap: " + (e.path().length == 0 ? s.root() : prefix + Display.path(e.path()))
                                + ": " + e.message() + " (" + e.code() + ", "
                                + e.operation().name().toLowerCase(Locale.ROOT) + ")");
                    }
                });
            } catch (IOException e) {
                flush(jsonOut, text);
                err.println("fsnap: " + e.getMessage());
                return Main.USAGE;
            }
            flush(jsonOut, text);
            err.println("fsnap: snapshot of " + s.root() + " taken " + s.started() + ": " + counts[0] + " entries, "
                    + counts[1] + " unreadable, backend " + s.backend().toLowerCase(Locale.ROOT));
            return Main.OK;
        }
    }

    private static void flush(JsonLines json, BufferedWriter text) {
        try {
            if (json != null) {
                json.flush();
            } else {
                text.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }

    private static void line(BufferedWriter out, Entry e) {
        String target = e.target() == null ? "" : " -> " + Display.path(e.target());
        try {
            out.write(String.format(Locale.ROOT, "%-7s %07o %12d %s %s%s%n", e.type().label(), e.mode(), e.size(),
                    e.mtime(), Display.path(e.path()), target));
        } catch (IOException x) {
            throw new UncheckedIOException("cannot write the output: " + x.getMessage(), x);
        }
    }
}
