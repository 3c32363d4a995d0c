package dev.fsnap.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code fsnap forget DIR --keep-last N ...}: retention in a repository, with restic's policy. */
final class ForgetCommand extends Command {
    Path dir;
    String root;
    int last;
    int daily;
    int weekly;
    int monthly;
    boolean dryRun;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    ForgetCommand() {
        super("forget", new String[] {
                "Removes the runs of a repository that a retention policy does not keep.",
                "As restic forget: the newest N runs (--keep-last), and the newest run of each of the last N days,",
                "ISO weeks and months that have runs (--keep-daily, --keep-weekly, --keep-monthly); a run kept by",
                "several rules counts once. Whatever the policy, the newest run that found nothing corrupt and",
                "nothing newly unreadable stays: a night that found damage never lets retention delete the last",
                "good baseline. Each root's lock is held while its runs are removed. With --dry-run, says what",
                "would go."
            }, new String[] {
                " 0:done (or, with --dry-run, said)",
                " 2:bad usage, DIR is no repository, or a run cannot be removed",
                " 75:a root's lock is held by a running check: its runs were left as they are"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("DIR", "The repository.", v -> dir = ScanArguments.path(v));
        a.optionalParameter("ROOT", "Only this root's runs.", v -> root = v);
        a.option("N", "Keep the newest N runs.", v -> last = count(v), "--keep-last");
        a.option("N", "Keep the newest run of each of the last N days that have runs.",
                v -> daily = count(v), "--keep-daily");
        a.option("N", "Keep the newest run of each of the last N ISO weeks that have runs.",
                v -> weekly = count(v), "--keep-weekly");
        a.option("N", "Keep the newest run of each of the last N months that have runs.",
                v -> monthly = count(v), "--keep-monthly");
        a.flag("Say what would be removed, and remove nothing.", () -> dryRun = true, "-n", "--dry-run");
    }

    private static int count(String v) {
        return Arguments.integer(v, 0, Integer.MAX_VALUE);
    }

    @Override
    int call() throws IOException {
        if ((last | daily | weekly | monthly) == 0) { // none negative: zero only when all are; a sum could wrap
            err.println("fsnap: forget needs a policy: --keep-last, --keep-daily, --keep-weekly or --keep-monthly "
                    + "(it would keep only the last good run)");
            return ExitStatus.TROUBLE;
        }
        if (!Repository.is(dir)) {
            err.println("fsnap: " + dir + " is not an fsnap repository");
            return ExitStatus.TROUBLE;
        }
        Repository repo = Repository.open(dir);
        int status = ExitStatus.OK;
        for (Repository.Root r : repo.roots(root)) {
            StringBuilder holder = new StringBuilder();
            Optional<Repository.Lock> held = dryRun ? Optional.empty() : r.lock(m -> err.println("fsnap: " + m), holder);
            if (!dryRun && held.isEmpty()) {
                err.println("fsnap: " + r.path() + " is being checked by " + holder + "; its runs were left as they are");
                status = ExitStatus.LOCKED;
                continue;
            }
            try (Repository.Lock lock = held.orElse(null)) {
                List<Repository.Run> runs = r.runs();
                Set<Repository.Run> keep = Repository.keep(runs, last, daily, weekly, monthly, ZoneId.systemDefault());
                out.println(r.path() + ": " + keep.size() + " of " + runs.size() + " runs kept");
                for (Repository.Run run : runs) {
                    boolean kept = keep.contains(run);
                    out.println("  " + (kept ? "keep    " : dryRun ? "would remove" : "remove  ") + "  "
                            + Units.TIME.format(run.started()));
                    if (!kept && !dryRun) {
                        Files.deleteIfExists(run.summary());
                        Files.deleteIfExists(run.snapshot());
                    }
                }
            } catch (IOException e) {
                err.println("fsnap: " + r.path() + ": " + ScanArguments.describe(e));
                status = ExitStatus.TROUBLE;
            }
        }
        return status;
    }
}
