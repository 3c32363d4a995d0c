package dev.fsnap.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code fsnap history DIR [ROOT]}: the runs a repository holds, with what each found. */
final class HistoryCommand extends Command {
    Path dir;
    String root;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    HistoryCommand() {
        super("history", new String[] {
                "Lists the runs a repository holds, oldest first, with what each found.",
                "For each root (or ROOT alone): the start of each run, its exit status, the entries it read, its",
                "changes by kind, what it could not read and how long it took; a run that left no summary (a",
                "snapshot copied in) shows its snapshot only. Refer to a run in diff as DIR@latest, DIR@-1",
                "(the one before), or DIR@2026-11-28 (the last of that day)."
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
        if (!Repository.is(dir)) {
            err.println("fsnap: " + dir + " is not an fsnap repository");
            return ExitStatus.TROUBLE;
        }
        Repository repo = Repository.open(dir);
        List<Repository.Root> roots = repo.roots(root);
        if (roots.isEmpty() && root != null) {
            err.println("fsnap: " + dir + " holds no runs of " + CommandLine.path(root).toAbsolutePath());
            return ExitStatus.TROUBLE;
        }
        for (Repository.Root r : roots) {
            List<Repository.Run> runs = r.runs();
            out.println(r.path() + " (" + r.dir.getFileName() + "): " + runs.size() + (runs.size() == 1 ? " run" : " runs"));
            for (Repository.Run run : runs) {
                out.println("  " + Units.TIME.format(run.started()) + "  " + describe(run));
            }
        }
        return ExitStatus.OK;
    }

    /** What a run's summary says, in a line. */
    private static String describe(Repository.Run run) throws IOException {
        if (!Files.exists(run.summary())) {
            return "(no summary)  " + Units.bytes(Files.size(run.snapshot())) + " snapshot";
        }
        String json = Files.readString(run.summary());
        StringBuilder b = new StringBuilder("exit " + Repository.field(json, "exit"));
        String entries = Repository.field(json, "entries");
        if (!entries.isEmpty()) {
            b.append("  ").append(entries).append(" entries");
        }
        Matcher changes = Pattern.compile("\"changes\":\\{([^}]*)}").matcher(json);
        if (changes.find()) {
            for (String kind : List.of("added", "removed", "modified", "moved", "corrupt", "tampered")) {
                String n = Repository.field(changes.group(1), kind);
                if (!n.isEmpty() && (!n.equals("0") || List.of("added", "removed", "modified", "moved").contains(kind))) {
                    b.append("  ").append(n).append(' ').append(kind);
                }
            }
        } else {
            b.append("  first run");
        }
        String unreadable = Repository.field(json, "unreadable");
        if (!unreadable.isEmpty()) {
            b.append("  ").append(unreadable).append(" unreadable");
        }
        String seconds = Repository.field(json, "seconds");
        if (!seconds.isEmpty()) {
            b.append("  ").append(seconds).append(" s");
        }
        return b.toString();
    }
}
