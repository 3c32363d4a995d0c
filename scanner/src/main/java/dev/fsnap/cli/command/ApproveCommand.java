package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.console.Units;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.repository.Approval;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.RootLock;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.signature.SignatureRefusedException;
import dev.fsnap.signature.SigningKey;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** {@code fsnap approve DIR ROOT --all}: the latest run of ROOT becomes its approved baseline. */
public final class ApproveCommand extends Command {
    Path dir;
    String root;
    boolean all;
    String approver = System.getProperty("user.name", "unknown");
    final Signing signing = new Signing();
    Path previousKey;
    String runName;

    public ApproveCommand() {
        super("approve", new String[] {
                "Approves what the latest run of ROOT found: its snapshot becomes ROOT's approved baseline.",
                "check --repo compares against the approved baseline, when there is one, and reports every",
                "difference from it on every run until a person approves it. Each approval has the next number",
                "and, with --sign-key, is signed: its number, ROOT, who approved it, when, which run, and the",
                "approval before it (a chain), so that check --trust-key refuses a forged baseline or an older",
                "one put back. approve needs the repository's files alone: run it where the secret key is (a copy",
                "of the repository, copied back, will do)."
            }, new String[] {
                " 0:approved",
                " 2:bad usage, DIR is no repository, ROOT has no runs there, or a file cannot be read or written",
                " 5:--sign-key: the approved baseline there now is not signed by that key as it is (another key's,",
                "   or changed): it is not chained to",
                " 75:a run of this host holds ROOT's lock; nothing was approved"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("DIR", "The repository.", v -> dir = ScanArguments.path(v));
        a.parameter("ROOT", "The root whose latest run is approved.", v -> root = v);
        a.flag("Approve every change of the run (the only way yet; approving some paths alone is to come).",
                () -> all = true, "--all");
        a.option("NAME", "Approve the run NAME (as history lists it: 20261206T021503.123Z), the one whose report was"
                + " read, rather than the latest: a run made after the report is not approved unseen.",
                v -> runName = v, "--run");
        a.option("NAME", "Who approves, as the approval records it (default: the user running fsnap).",
                v -> {
                    if (v.isBlank() || v.indexOf('\t') >= 0 || v.indexOf('\n') >= 0) {
                        throw new IllegalArgumentException("a name on one line, without tabs");
                    }
                    approver = v;
                }, "--as");
        signing.declareSign(a);
        a.option("PUBLIC", "With --sign-key: the approved baseline there now is signed with the key PUBLIC, not with"
                + " the one signing (a key rotated: the checks then trust the new public key).",
                v -> previousKey = ScanArguments.path(v), "--previous-key");
    }

    @Override
    int call() throws IOException {
        if (!all) {
            err.println("fsnap: approve needs --all (every change of the latest run)");
            return ExitStatus.TROUBLE;
        }
        SigningKey key;
        dev.fsnap.signature.TrustedKey previous;
        RunSeries series;
        try {
            key = signing.signingKey();
            if (previousKey != null && key == null) {
                err.println("fsnap: --previous-key goes with --sign-key (the new key)");
                return ExitStatus.TROUBLE;
            }
            previous = previousKey == null ? (key == null ? null : key.trustedKey())
                    : dev.fsnap.signature.TrustedKey.read(previousKey);
            List<RunSeries> roots = Repository.existing(dir).roots(root);
            if (roots.isEmpty()) {
                err.println("fsnap: " + dir + " holds no runs of " + Repository.canonical(root));
                return ExitStatus.TROUBLE;
            }
            series = roots.get(0);
            series.check();
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        RepositoryRun.Lock taken = RepositoryRun.take(series, dir, root, "nothing was approved", err);
        if (taken.lock() == null) {
            return taken.status();
        }
        try (RootLock lock = taken.lock()) {
            List<Run> runs = series.listing(Instant.now()).runs();
            Optional<Run> chosen = runName == null ? (runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1)))
                    : runs.stream().filter(r -> r.name().equals(runName)).findFirst();
            if (chosen.isEmpty()) {
                err.println("fsnap: " + dir + " holds no run" + (runName == null ? "s" : " " + runName) + " of "
                        + series.root() + " to approve" + (runName == null ? "" : " (fsnap history " + dir + " lists them)"));
                return ExitStatus.TROUBLE;
            }
            // What is approved, said before it is: the differences from the approved baseline there now.
            if (java.nio.file.Files.exists(series.approvedSnapshot())) {
                try (dev.fsnap.snapshot.Snapshot was = SnapshotFiles.open(series.approvedSnapshot(), err);
                     dev.fsnap.snapshot.Snapshot run = SnapshotFiles.open(chosen.get().snapshot(), err)) {
                    if (was == null || run == null) {
                        return ExitStatus.TROUBLE;
                    }
                    out.println("approving run " + chosen.get().name() + ": what it holds against the approved baseline:");
                    SnapshotFiles.diff(was, run, new dev.fsnap.cli.report.ReportOptions(), console);
                }
            }
            Approval a = series.approve(chosen.get(), approver, Instant.now(), key, previous);
            out.println("approval " + a.sequence() + " of " + a.root() + ": run " + a.run() + ", by " + a.approver() + " at "
                    + Units.TIME.format(a.time()) + (key == null ? ", not signed" : ", signed by key "
                    + key.trustedKey().id()) + "; identity " + a.identity());
            return ExitStatus.OK;
        } catch (SignatureRefusedException e) {
            err.println("fsnap: refused: " + e.getMessage() + "; nothing was approved");
            return ExitStatus.UNTRUSTED;
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e) + "; nothing was approved");
            return ExitStatus.TROUBLE;
        }
    }
}
