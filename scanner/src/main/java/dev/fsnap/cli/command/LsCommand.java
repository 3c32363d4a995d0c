package dev.fsnap.cli.command;
import dev.fsnap.cli.console.Display;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.report.ChangeTally;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.Report;
import dev.fsnap.cli.report.ReportOptions;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanError;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;

/** {@code fsnap ls FILE}: a snapshot's entries, in path order. */
public final class LsCommand extends Command {
    Path file;
    final ReportOptions report = new ReportOptions();


    public LsCommand() {
        super("ls", new String[] {
                "Lists a snapshot's entries.",
                "In path order, one line each: type, mode, size, mtime, path.",
                "With --json, one JSON object per entry, as scan --json writes them.",
                "What the scan could not read goes to stderr, one line each."
            }, new String[] {
                " 0:the snapshot was read, and its scan read every entry",
                " 2:the snapshot is missing, damaged, truncated, or of another format version",
                " 3:the snapshot was read, but its scan could not read some entries (listed on stderr): what",
                "   they hold is unknown, as scan's own exit status said",
                " 24:the snapshot was read, but entries vanished while its scan read them, and nothing else was",
                "   unreadable"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("FILE", "The snapshot: a file, or a run in a repository (DIR@latest, DIR@-1).",
                v -> file = ScanArguments.snapshot(v));
        report.declare(a);
    }

    @Override
    int call() throws IOException {
        try (Snapshot s = SnapshotFiles.open(file, err)) {
            if (s == null) {
                return ExitStatus.TROUBLE;
            }
            Report out = report.open(console.stdout(), s.absentFields());
            String prefix = s.root().endsWith("/") ? s.root() : s.root() + "/";
            long[] counts = new long[3];
            try {
                s.walk(new Snapshot.Visitor() {
                    @Override
                    public void entry(Entry e) {
                        counts[0]++;
                        out.entry(e);
                    }

                    @Override
                    public void unreadable(ScanError e) {
                        counts[1]++;
                        if (ChangeTally.live(e.code())) {
                            counts[2]++; // listed, then gone; or a file that kept changing as it was read
                        }
                        err.println("fsnap: " + (e.path().length == 0 ? s.root() : prefix + Display.path(e.path()))
                                + ": " + e.message() + " (" + e.code() + ", "
                                + e.operation().name().toLowerCase(Locale.ROOT) + ")");
                    }
                });
                out.flush();
            } catch (IOException e) {
                err.println("fsnap: " + e.getMessage());
                return ExitStatus.TROUBLE;
            } catch (UncheckedIOException e) {
                if (ExitStatus.closedPipe(e)) {
                    return ExitStatus.CLOSED_PIPE; // the reader went away: quietly
                }
                err.println("fsnap: the listing was cut: " + e.getMessage());
                return ExitStatus.TROUBLE;
            }
            err.println("fsnap: snapshot of " + s.root() + " taken " + s.started() + ": " + counts[0] + " entries, "
                    + counts[1] + " unreadable, backend " + (s.backend() + " (" + s.backendReason() + ")").toLowerCase(Locale.ROOT)
                    + (s.rules().isEmpty() ? "" : ", excluded " + String.join(" ", s.rules().patterns())));
            // As the scan that wrote the snapshot exited: a script that lists it learns it is not whole.
            return counts[1] == 0 ? ExitStatus.OK
                    : counts[1] == counts[2] ? ExitStatus.VANISHED : ExitStatus.UNREADABLE;
        }
    }
}
