package dev.fsnap.cli;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fsnap scan ROOT}: reads every entry's metadata and reports a summary, or the entries as JSON. */
@Command(name = "scan", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Scans ROOT and prints a one-line summary to stderr.",
            "With --json, writes one JSON object per entry to stdout."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:everything was read",
            " 2:bad usage, or ROOT cannot be scanned",
            " 3:the scan finished, but some entries could not be read"})
final class ScanCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ROOT", description = "The directory to scan.")
    String root;

    @Option(names = "--json", description = "Write one JSON object per entry to stdout.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Worker threads (default: the number of processors).")
    Integer threads;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "native, nio or auto (default: native where available, else nio; the summary says which).")
    String backend;

    @Option(names = "--follow", description = "Follow symbolic links to directories (loops are detected).")
    boolean follow;

    @Option(names = {"-x", "--one-file-system"}, description = "Stay on the root's filesystem.")
    boolean oneFileSystem;

    private final PrintStream err = System.err;

    @Override
    public Integer call() throws InterruptedException {
        ScanOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return Main.USAGE;
        }
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        JsonLines out = json ? new JsonLines(stdout) : null;
        Path rootPath = options.root();
        String prefix = rootPath.toString().endsWith("/") ? rootPath.toString() : rootPath + "/";
        ScanListener errors = error -> {
            byte[] p = error.path();
            err.println("fsnap: " + (p.length == 0 ? rootPath.toString() : prefix + error.displayPath()) + ": "
                    + error.message());
        };
        ScanListener listener = out == null ? errors : new EntryVisitor() {
            @Override
            public void visit(Entry entry) {
                out.write(entry);
            }

            @Override
            public void error(ScanError error) {
                errors.error(error);
            }
        };
        Scan scan;
        try {
            scan = Scanner.of(options).start(listener);
        } catch (IOException e) {
            err.println("fsnap: " + describe(e));
            return Main.USAGE;
        } catch (UnsupportedOperationException e) {
            err.println("fsnap: " + e.getMessage());
            return Main.USAGE;
        }
        ProgressLine progress = ProgressLine.startIfTerminal(scan, err);
        ScanSummary summary;
        try {
            summary = scan.await();
        } finally {
            if (progress != null) {
                progress.stop();
            }
        }
        if (out != null) {
            out.flush();
        }
        err.println(summaryLine(summary));
        return summary.errors() == 0 ? Main.OK : Main.INCOMPLETE;
    }

    private ScanOptions options() {
        if (root.isEmpty()) {
            throw new IllegalArgumentException("ROOT is empty: name a directory to scan");
        }
        Path path;
        try {
            path = Path.of(root);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(root + ": not a valid path: " + e.getReason());
        }
        Backend b;
        try {
            b = Backend.valueOf(backend.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--backend must be native, nio or auto, not '" + backend + "'");
        }
        ScanOptions.Builder builder = ScanOptions.builder(path).backend(b).followSymlinks(follow)
                .oneFileSystem(oneFileSystem);
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, not " + threads);
            }
            builder.threads(threads);
        }
        return builder.build();
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return e.getMessage() + ": no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return e.getMessage() + ": not a directory";
        }
        if (e instanceof AccessDeniedException) {
            return e.getMessage() + ": permission denied";
        }
        if (e instanceof FileSystemException fse) {
            return fse.getFile() + ": " + fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    static String summaryLine(ScanSummary s) {
        return String.format(Locale.ROOT,
                "fsnap: %d entries, %d directories, %d errors, %.3f s, %.0f entries/s, backend %s (%s), %d threads%s",
                s.entries(), s.directories(), s.errors(), s.elapsed().toNanos() / 1e9, s.entriesPerSecond(),
                s.backend().name().toLowerCase(Locale.ROOT), s.backendReason(), s.threads(),
                s.cancelled() ? ", cancelled" : "");
    }
}
