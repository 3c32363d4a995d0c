package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.SnapshotWriter;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** One scan from the command line: errors to stderr, entries as JSON, a snapshot file, a summary. */
final class ScanJob {
    private ScanJob() {
    }

    /** The exit status, and the summary when the scan ran. */
    record Result(int exit, ScanSummary summary) {
    }

    static Result run(ScanOptions options, boolean json, Path output, PrintStream err) throws InterruptedException {
        Scanner scanner = Scanner.of(options);
        JsonLines out = json ? new JsonLines(new FileOutputStream(FileDescriptor.out), scanner.absentFields()) : null;
        Path rootPath = options.root();
        String prefix = rootPath.toString().endsWith("/") ? rootPath.toString() : rootPath + "/";
        ScanListener errors = error -> {
            byte[] p = error.path();
            err.println("fsnap: " + (p.length == 0 ? rootPath.toString() : prefix + Display.path(p)) + ": "
                    + error.message());
        };
        SnapshotWriter writer = null;
        if (output != null) {
            try {
                writer = SnapshotWriter.create(output, options);
            } catch (IOException e) {
                err.println("fsnap: " + output + ": cannot write a snapshot there: " + ScanArguments.describe(e));
                return new Result(Main.USAGE, null);
            }
        }
        ScanListener shown = out == null ? errors : new JsonListener(out, errors);
        ScanListener listener = writer == null ? shown : writer.listenerWith(shown);
        SnapshotWriter w = writer;
        Thread cleanup = new Thread(() -> closeQuietly(w), "fsnap-cleanup");
        if (w != null) {
            Runtime.getRuntime().addShutdownHook(cleanup);
        }
        try {
            Scan scan;
            try {
                scan = scanner.start(listener);
            } catch (IOException e) {
                err.println("fsnap: " + ScanArguments.describe(e));
                return new Result(Main.USAGE, null);
            } catch (UnsupportedOperationException e) {
                err.println("fsnap: " + e.getMessage());
                return new Result(Main.USAGE, null);
            }
            ProgressLine progress = ProgressLine.startIfTerminal(scan, err);
            ScanSummary summary;
            try {
                summary = scan.await();
            } catch (UncheckedIOException e) {
                err.println("fsnap: " + e.getCause().getMessage());
                return new Result(Main.USAGE, null);
            } finally {
                if (progress != null) {
                    progress.stop();
                }
            }
            if (out != null) {
                out.flush();
            }
            if (writer != null) {
                try {
                    writer.commit(summary);
                } catch (IOException e) {
                    err.println("fsnap: " + output + ": the snapshot was not written: " + e.getMessage());
                    return new Result(Main.USAGE, summary);
                }
            }
            err.println(ScanCommand.summaryLine(summary));
            return new Result(summary.errors() == 0 ? Main.OK : Main.INCOMPLETE, summary);
        } finally {
            closeQuietly(writer);
            if (w != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException exiting) {
                    // the hook is running or has run: it closes the writer
                }
            }
        }
    }

    private static void closeQuietly(SnapshotWriter w) {
        if (w != null) {
            try {
                w.close();
            } catch (IOException ignored) {
                // the temporary file is removed by the next writer of the same target
            }
        }
    }

    private static final class JsonListener implements EntryVisitor {
        private final JsonLines out;
        private final ScanListener errors;

        JsonListener(JsonLines out, ScanListener errors) {
            this.out = out;
            this.errors = errors;
        }

        @Override
        public void visit(Entry entry) {
            out.write(entry);
        }

        @Override
        public void error(ScanError error) {
            errors.error(error);
        }
    }
}
