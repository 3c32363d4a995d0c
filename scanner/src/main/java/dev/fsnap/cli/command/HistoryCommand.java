package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.Units;

import dev.fsnap.repository.DamagedSummaryException;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunListing;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.repository.RunSummary;
import dev.fsnap.snapshot.Change;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code fsnap history DIR [ROOT]}: the runs a repository holds, with what each found. */
public final class HistoryCommand extends Command {
    Path dir;
    String root;


    public HistoryCommand() {
        super("history", new String[] {
                "Lists the runs a repository holds, oldest first, with what each found.",
                "For each root (or ROOT alone): the start of each run, its exit status, the entries it read, its",
                "changes by kind, what it could not read and how long it took; a run that left no summary (a",
                "snapshot copied in) shows its snapshot only; a damaged summary, a run dated after now and a",
                "snapshot whose name is no run's are listed as such; then each approval (fsnap approve), with its",
                "number, who made it and which run it approved. Refer to a run in diff as DIR@latest,",
                "DIR@-1 (the one before), or DIR@2026-11-28 (the last of that day)."
            }, new String[] {
                " 0:listed",
                " 2:DIR is no repository, or ROOT has no runs there"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("DIR", "The repository.", v -> dir = ScanArguments.path(v));
        a.optionalParameter("ROOT", "Only this root's runs.", v -> root = v);
    }

    @Override
    int call() throws IOException {
        Repository repo;
        try {
            repo = Repository.existing(dir);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        List<RunSeries> roots = repo.roots(root);
        if (roots.isEmpty() && root != null) {
            err.println("fsnap: " + dir + " holds no runs of " + Repository.canonical(root));
            return ExitStatus.TROUBLE;
        }
        Instant now = Instant.now();
        for (RunSeries r : roots) {
            RunListing listing = r.listing(now);
            int count = listing.runs().size() + listing.future().size();
            out.println(recorded(r) + " (" + r.dir().getFileName() + "): " + count + (count == 1 ? " run" : " runs"));
            for (Run run : listing.runs()) {
                out.println("  " + Units.TIME.format(run.started()) + "  " + describe(run));
            }
            for (Run run : listing.future()) {
                out.println("  " + Units.TIME.format(run.started()) + "  " + describe(run) + "  dated after now (more "
                        + "than " + Repository.FUTURE_TOLERANCE.toMinutes() + " minutes ahead): never the latest");
            }
            for (String stray : listing.stray()) {
                out.println("  " + stray + "  damaged: not a run's name (no such date); ignored, and left by forget");
            }
            try {
                for (dev.fsnap.repository.Approval a : r.approvals()) {
                    out.println("  " + Units.TIME.format(a.time()) + "  approval " + a.sequence() + " by " + a.approver()
                            + " of run " + a.run() + "  identity " + a.identity());
                }
            } catch (IOException e) {
                out.println("  approvals: " + IoMessages.describe(e));
            }
        }
        if (root == null) {
            for (Repository.Stray s : repo.strays()) {
                out.println(s.path() + ": " + s.why());
            }
        }
        return ExitStatus.OK;
    }

    /** The root a directory records, or why it cannot be read (never the file's content). */
    private static String recorded(RunSeries r) {
        try {
            return r.root();
        } catch (IOException e) {
            return "(damaged: " + IoMessages.describe(e) + ")";
        }
    }

    /** What a run's summary says, in a line. */
    private static String describe(Run run) {
        Optional<RunSummary> recorded;
        try {
            recorded = run.readSummary();
        } catch (DamagedSummaryException d) {
            return "damaged summary (" + run.summaryFile().getFileName() + ": " + d.reason() + ")  " + size(run);
        }
        if (recorded.isEmpty()) {
            return "(no summary)  " + size(run);
        }
        RunSummary s = recorded.get();
        StringBuilder b = new StringBuilder("exit " + ExitStatus.of(s.verdict()));
        s.scanned().ifPresent(c -> b.append("  ").append(c.entries()).append(" entries"));
        if (s.compared()) {
            List<Change.Kind> always = List.of(Change.Kind.ADDED, Change.Kind.REMOVED, Change.Kind.MODIFIED,
                    Change.Kind.MOVED);
            for (Change.Kind kind : List.of(Change.Kind.ADDED, Change.Kind.REMOVED, Change.Kind.MODIFIED,
                    Change.Kind.MOVED, Change.Kind.CORRUPT, Change.Kind.TAMPERED)) {
                Long n = s.changes().get(kind);
                if (n != null && (n != 0 || always.contains(kind))) {
                    b.append("  ").append(n).append(' ').append(kind.label());
                }
            }
        } else {
            b.append(switch (s.run()) {
                case "check" -> "  first run";
                case "scan" -> "  scan, nothing compared";
                case "merge" -> "  merge of shards, nothing compared";
                default -> "  nothing compared";
            });
        }
        s.scanned().ifPresent(c -> b.append("  ").append(c.unreadable()).append(" unreadable  ")
                .append(String.format(Locale.ROOT, "%.3f", c.elapsed().toNanos() / 1e9)).append(" s"));
        return b.toString();
    }

    private static String size(Run run) {
        try {
            return Units.bytes(Files.readAttributes(run.snapshot(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size()) + " snapshot";
        } catch (IOException e) {
            return "snapshot unreadable: " + IoMessages.describe(e);
        }
    }
}
