package dev.fsnap.cli.command;

import dev.fsnap.cli.console.Reasons;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.Repository;
import dev.fsnap.cli.RunSummary;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.Units;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;

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
                "snapshot whose name is no run's are listed as such. Refer to a run in diff as DIR@latest,",
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
            err.println("fsnap: " + Reasons.describe(e));
            return ExitStatus.TROUBLE;
        }
        List<Repository.Root> roots = repo.roots(root);
        if (roots.isEmpty() && root != null) {
            err.println("fsnap: " + dir + " holds no runs of " + Repository.canonical(root));
            return ExitStatus.TROUBLE;
        }
        Instant now = Instant.now();
        for (Repository.Root r : roots) {
            Repository.Listing listing = r.listing(now);
            int count = listing.runs().size() + listing.future().size();
            out.println(recorded(r) + " (" + r.dir.getFileName() + "): " + count + (count == 1 ? " run" : " runs"));
            for (Repository.Run run : listing.runs()) {
                out.println("  " + Units.TIME.format(run.started()) + "  " + describe(run));
            }
            for (Repository.Run run : listing.future()) {
                out.println("  " + Units.TIME.format(run.started()) + "  " + describe(run) + "  dated after now (more "
                        + "than " + Repository.FUTURE_TOLERANCE.toMinutes() + " minutes ahead): never the latest");
            }
            for (String stray : listing.stray()) {
                out.println("  " + stray + "  damaged: not a run's name (no such date); ignored, and left by forget");
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
    private static String recorded(Repository.Root r) {
        try {
            return r.path();
        } catch (IOException e) {
            return "(damaged: " + Reasons.describe(e) + ")";
        }
    }

    /** What a run's summary says, in a line. */
    private static String describe(Repository.Run run) {
        RunSummary s;
        try {
            s = run.read();
        } catch (RunSummary.Damaged d) {
            return "damaged summary (" + run.summary().getFileName() + ": " + d.getMessage() + ")  " + size(run);
        }
        if (s == null) {
            return "(no summary)  " + size(run);
        }
        StringBuilder b = new StringBuilder("exit " + s.field("exit"));
        String entries = s.field("entries");
        if (!entries.isEmpty()) {
            b.append("  ").append(entries).append(" entries");
        }
        if (!s.changes().isEmpty()) {
            for (String kind : List.of("added", "removed", "modified", "moved", "corrupt", "tampered")) {
                String n = s.changes().getOrDefault(kind, "");
                if (!n.isEmpty() && (!n.equals("0") || List.of("added", "removed", "modified", "moved").contains(kind))) {
                    b.append("  ").append(n).append(' ').append(kind);
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
        String unreadable = s.field("unreadable");
        if (!unreadable.isEmpty()) {
            b.append("  ").append(unreadable).append(" unreadable");
        }
        String seconds = s.field("seconds");
        if (!seconds.isEmpty()) {
            b.append("  ").append(seconds).append(" s");
        }
        return b.toString();
    }

    private static String size(Repository.Run run) {
        try {
            return Units.bytes(Files.readAttributes(run.snapshot(), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).size()) + " snapshot";
        } catch (IOException e) {
            return "snapshot unreadable: " + Reasons.describe(e);
        }
    }
}
