package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.Units;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.repository.OtherUsersException;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.Retention;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunListing;
import dev.fsnap.repository.RunSeries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code fsnap forget DIR --keep-last N ...}: retention in a repository, with restic's policy. */
public final class ForgetCommand extends Command {
    Path dir;
    String root;
    int last;
    int daily;
    int weekly;
    int monthly;
    boolean dryRun;
    /** Whether a --keep option was given: --keep-last 0 alone is a policy (keep the last good run only). */
    boolean policy;


    public ForgetCommand() {
        super("forget", new String[] {
                "Removes the runs of a repository that a retention policy does not keep.",
                "As restic forget: the newest N runs (--keep-last), and the newest run of each of the last N days,",
                "ISO weeks and months that have runs (--keep-daily, --keep-weekly, --keep-monthly); a run kept by",
                "several rules counts once. Whatever the policy, the newest run that found nothing corrupt and",
                "nothing newly unreadable stays: a night that found damage never lets retention delete the last",
                "good baseline. Each root's lock is held while its runs are removed. With --dry-run, says what",
                "would go. Runs dated after now and .snap files that are no run's are left, and said; in a shared",
                "repository, the roots of other users are left to them."
            }, new String[] {
                " 0:done (or, with --dry-run, said)",
                " 2:bad usage, DIR is no repository, a run cannot be removed, or a root's directory or lock",
                "   cannot be used safely (a link, another user's ROOT, another host's lock)",
                " 75:a root's lock is held by a running check of this host: its runs were left as they are"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("DIR", "The repository.", v -> dir = ScanArguments.path(v));
        a.optionalParameter("ROOT", "Only this root's runs.", v -> root = v);
        a.option("N", "Keep the newest N runs.", v -> last = policy(v), "--keep-last");
        a.option("N", "Keep the newest run of each of the last N days that have runs.",
                v -> daily = policy(v), "--keep-daily");
        a.option("N", "Keep the newest run of each of the last N ISO weeks that have runs.",
                v -> weekly = policy(v), "--keep-weekly");
        a.option("N", "Keep the newest run of each of the last N months that have runs.",
                v -> monthly = policy(v), "--keep-monthly");
        a.flag("Say what would be removed, and remove nothing.", () -> dryRun = true, "-n", "--dry-run");
    }

    private int policy(String v) {
        int n = count(v);
        policy = true;
        return n;
    }

    private static int count(String v) {
        return Arguments.integer(v, 0, Integer.MAX_VALUE);
    }

    @Override
    int call() throws IOException {
        if (!policy) {
            err.println("fsnap: forget needs a policy: --keep-last, --keep-daily, --keep-weekly or --keep-monthly "
                    + "(it would keep only the last good run)");
            return ExitStatus.TROUBLE;
        }
        Repository repo;
        try {
            repo = Repository.existing(dir);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        int status = ExitStatus.OK;
        for (RunSeries r : repo.roots(root)) {
            status = worst(status, forget(r));
        }
        return status;
    }

    private static int worst(int a, int b) {
        return a == ExitStatus.TROUBLE || b == ExitStatus.TROUBLE ? ExitStatus.TROUBLE : Math.max(a, b);
    }

    /** Applies the policy to one root's runs, its lock held (unless a dry run); the exit status for it. */
    private int forget(RunSeries r) throws IOException {
        String name;
        try {
            r.check();
            name = r.root();
        } catch (OtherUsersException e) {
            if (root == null) {
                // A shared repository: another user's runs are theirs to forget.
                err.println("fsnap: note: " + e.getMessage() + "; its runs were left as they are");
                return ExitStatus.OK;
            }
            err.println("fsnap: " + e.getMessage() + "; its runs were left as they are");
            return ExitStatus.TROUBLE;
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e) + "; its runs were left as they are");
            return ExitStatus.TROUBLE;
        }
        RootLock.Outcome outcome = dryRun ? null : r.lock();
        if (outcome instanceof RootLock.Busy busy) {
            err.println("fsnap: " + name + " is being checked by " + busy.holder() + "; its runs were left as they are");
            return ExitStatus.LOCKED;
        }
        if (outcome instanceof RootLock.Refused refused) {
            err.println("fsnap: " + name + " cannot be locked: " + refused.reason() + "; its runs were left as they are");
            return ExitStatus.TROUBLE;
        }
        RootLock.Taken taken = (RootLock.Taken) outcome;
        if (taken != null && taken.tookOver() != null) {
            err.println("fsnap: " + taken.tookOver());
        }
        try (RootLock lock = taken == null ? null : taken.lock()) {
            RunListing listing = r.listing(Instant.now());
            List<Retention.Candidate> runs = listing.runs().stream().map(Retention.Candidate::of).toList();
            Retention.Decision decision = Retention.apply(runs, new Retention.Policy(last, daily, weekly, monthly),
                    ZoneId.systemDefault());
            Map<Run, List<String>> kept = new HashMap<>();
            decision.kept().forEach(k -> kept.put(k.run(), k.reasons()));
            out.println(name + ": " + kept.size() + " of " + runs.size() + " runs kept");
            for (Retention.Candidate c : runs) {
                Run run = c.run();
                List<String> why = kept.get(run);
                out.println("  " + (why != null ? "keep    " : dryRun ? "would remove" : "remove  ") + "  "
                        + Units.TIME.format(run.started()) + (c.verdict().isEmpty() && Files.exists(run.summaryFile(),
                        LinkOption.NOFOLLOW_LINKS) ? "  (damaged summary)" : "")
                        + (why != null ? "  " + String.join(", ", why) : ""));
                if (why == null && !dryRun) {
                    Files.deleteIfExists(run.summaryFile());
                    Files.deleteIfExists(run.snapshot());
                }
            }
            for (Run run : listing.future()) {
                out.println("  left      " + Units.TIME.format(run.started()) + "  dated after now: not counted by "
                        + "the policy, never removed by it");
            }
            for (String stray : listing.stray()) {
                out.println("  left      " + stray + "  not a run's name (no such date)");
            }
            return ExitStatus.OK;
        } catch (IOException e) {
            err.println("fsnap: " + name + ": " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
    }
}
