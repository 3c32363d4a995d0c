package dev.fsnap.cli.command;
import dev.fsnap.cli.report.ChangeTally;
import dev.fsnap.cli.console.ExitStatus;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.repository.RunSummary;
import dev.fsnap.snapshot.Change;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A command's run in a repository ({@code --repo DIR}): the root's lock held, its snapshot written
 * as the root's next run, and the run recorded beside it with its verdict. What goes wrong is said
 * on {@code err} and ends the run with its exit status; the repository itself is
 * {@link dev.fsnap.repository}'s.
 */
final class RepositoryRun {
    private RepositoryRun() {
    }

    /** A run on a root of a repository, its lock held: given where its snapshot goes. */
    interface Job {
        ScanJob.Result run(RunSeries place, Path output) throws IOException, InterruptedException;
    }

    /**
     * Runs a job on a root with its lock held, then records the run beside its snapshot.
     *
     * @param dir the repository (made when missing)
     * @param rootPath the root, canonical ({@link Repository#canonical(String)})
     * @param kind what runs: check, scan or merge (recorded in the summary)
     * @param err where to say what went wrong
     * @param job the run
     * @param tally what its comparison found, asked once it is done (null: none)
     * @return how the run ended; {@link ExitStatus#LOCKED} when another run of this host holds the
     *         lock, {@link ExitStatus#TROUBLE} when the repository or the lock cannot be used safely
     */
    static ScanJob.Result locked(Path dir, String rootPath, String kind, PrintStream err, Job job,
                                 Supplier<ChangeTally> tally) throws IOException, InterruptedException {
        RunSeries place;
        try {
            place = Repository.open(dir).root(rootPath);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        Lock taken = take(place, dir, rootPath, "this run did nothing", err);
        if (taken.lock() == null) {
            return new ScanJob.Result(taken.status(), null);
        }
        try (RootLock lock = taken.lock()) {
            Run run = place.runAt(Instant.now());
            ScanJob.Result r = job.run(place, run.snapshot());
            if (Files.exists(run.snapshot())) {
                place.record(run, summary(kind, r, tally == null ? null : tally.get()));
            }
            return r;
        }
    }

    /**
     * A root's lock, taken, or why not.
     *
     * @param lock the lock, held; null when not taken
     * @param status {@link ExitStatus#OK}, or {@link ExitStatus#LOCKED} (another run of this host holds
     *               it) or {@link ExitStatus#TROUBLE} (it cannot be judged), said on stderr
     */
    record Lock(RootLock lock, int status) {
    }

    /**
     * Takes a root's lock, never waiting; says why not, and a stale lock taken over.
     *
     * @param nothingDone what is said of the command when the lock is not taken ("this run did nothing")
     */
    static Lock take(RunSeries place, Path dir, String rootPath, String nothingDone, PrintStream err) {
        RootLock.Outcome outcome = place.lock();
        if (outcome instanceof RootLock.Busy busy) {
            err.println("fsnap: " + rootPath + " is being scanned into " + dir + " by " + busy.holder() + "; "
                    + nothingDone);
            return new Lock(null, ExitStatus.LOCKED);
        }
        if (outcome instanceof RootLock.Refused refused) {
            err.println("fsnap: " + rootPath + " cannot be locked in " + dir + ": " + refused.reason() + "; "
                    + nothingDone);
            return new Lock(null, ExitStatus.TROUBLE);
        }
        RootLock.Taken taken = (RootLock.Taken) outcome;
        if (taken.tookOver() != null) {
            err.println("fsnap: " + taken.tookOver());
        }
        return new Lock(taken.lock(), ExitStatus.OK);
    }

    /** What a run found, as the repository records it: its exit status as a verdict, and the report's totals. */
    private static RunSummary summary(String kind, ScanJob.Result result, ChangeTally tally) {
        Map<Change.Kind, Long> changes = new EnumMap<>(Change.Kind.class);
        if (tally != null) {
            for (Change.Kind k : Change.Kind.values()) {
                changes.put(k, tally.total(k));
            }
        }
        return new RunSummary(kind, ExitStatus.verdict(result.exit()),
                Optional.ofNullable(result.summary()).map(RunSummary.Counts::of), changes);
    }
}
