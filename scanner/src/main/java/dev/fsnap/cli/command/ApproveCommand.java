package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.console.Units;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.repository.Approval;
import dev.fsnap.repository.ApprovalScope;
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

/**
 * {@code fsnap approve DIR ROOT (--all | PATH... | --changes-from FILE)}: the latest run's differences
 * from ROOT's approved baseline, all or some, become part of it.
 */
public final class ApproveCommand extends Command {
    Path dir;
    String root;
    boolean all;
    final List<String> paths = new java.util.ArrayList<>();
    Path changesFrom;
    String approver = System.getProperty("user.name", "unknown");
    final Signing signing = new Signing();
    Path previousKey;
    String runName;
    /** --policy: the rules the root's checks compare with, approved (and signed) with the run. */
    byte[] policyText;

    public ApproveCommand() {
        super("approve", new String[] {
                "Approves what the latest run of ROOT found: with --all its snapshot becomes ROOT's approved",
                "baseline; with PATH... the differences at those paths and below them, and with --changes-from",
                "exactly the changes a report listed, are taken into the approved baseline, and every other",
                "difference stays reported. check --repo compares against the approved baseline, when there is one, and reports every",
                "difference from it on every run until a person approves it. Each approval has the next number",
                "and, with --sign-key, is signed: its number, ROOT, who approved it, when, which run, and the",
                "approval before it (a chain), so that check --trust-key refuses a forged baseline or an older",
                "one put back. approve needs the repository's files alone: run it where the secret key is (a copy",
                "of the repository, copied back, will do)."
            }, new String[] {
                " 0:approved",
                " 2:bad usage, DIR is no repository, ROOT has no runs there, a PATH or a listed change is no",
                "   difference of the run, or a file cannot be read or written",
                " 5:--sign-key: the approved baseline there now is not signed by that key as it is (another key's,",
                "   or changed): it is not chained to",
                " 75:a run of this host holds ROOT's lock; nothing was approved"
            });
    }

    /** The PATHs given, as paths relative to the root: as reports give them, or absolute under it. */
    private List<byte[]> relative(String recordedRoot) {
        byte[] rootBytes = dev.fsnap.internal.PathText.bytes(recordedRoot);
        List<byte[]> out = new java.util.ArrayList<>();
        for (String p : paths) {
            byte[] b = dev.fsnap.internal.PathText.bytes(p);
            int end = b.length;
            while (end > 1 && b[end - 1] == '/') {
                end--;
            }
            b = java.util.Arrays.copyOf(b, end);
            if (b.length > 0 && b[0] == '/') {
                boolean under = b.length > rootBytes.length && b[rootBytes.length] == '/'
                        && java.util.Arrays.equals(b, 0, rootBytes.length, rootBytes, 0, rootBytes.length);
                if (java.util.Arrays.equals(b, rootBytes)) {
                    b = new byte[0];
                } else if (under || rootBytes.length == 1) {
                    b = java.util.Arrays.copyOfRange(b, rootBytes.length == 1 ? 1 : rootBytes.length + 1, b.length);
                } else {
                    throw new IllegalArgumentException(p + " is not under " + recordedRoot);
                }
            } else if (b.length == 1 && b[0] == '.') {
                b = new byte[0];
            } else if (b.length > 2 && b[0] == '.' && b[1] == '/') {
                b = java.util.Arrays.copyOfRange(b, 2, b.length);
            }
            out.add(b);
        }
        return out;
    }

    @Override
    void declare(Arguments a) {
        a.parameter("DIR", "The repository.", v -> dir = ScanArguments.path(v));
        a.parameter("ROOT", "The root whose latest run is approved.", v -> root = v);
        a.optionalRepeatedParameter("PATH", "Approve the differences at PATH and below it: a path as reports give it,"
                + " relative to ROOT ('.' is ROOT itself), or absolute under ROOT.", v -> paths.add(v));
        a.flag("Approve every difference of the run: its snapshot becomes the approved baseline.",
                () -> all = true, "--all");
        a.option("FILE", "Approve exactly the changes FILE lists, as check, diff and verify write them with --format json"
                + " (a move by its new path or its old; other lines are refused); '-' reads standard input.",
                v -> {
                    changesGiven = true;
                    changesFrom = v.equals("-") ? null : ScanArguments.path(v);
                }, "--changes-from");
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
        a.option("FILE", "Approve FILE as the policy of ROOT's checks (check --policy): kept in the repository and, with"
                + " --sign-key, signed, so that checks with --trust-key use it and refuse any other.", v -> {
                    try {
                        policyText = dev.fsnap.scan.Policy.read(ScanArguments.path(v)).text();
                    } catch (dev.fsnap.scan.Policy.PolicyException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    } catch (IOException e) {
                        throw new IllegalArgumentException(v + ": " + IoMessages.describe(e));
                    }
                }, "--policy");
        signing.declareSign(a);
        a.option("PUBLIC", "With --sign-key: the approved baseline there now is signed with the key PUBLIC, not with"
                + " the one signing (a key rotated: the checks then trust the new public key).",
                v -> previousKey = ScanArguments.path(v), "--previous-key");
    }

    /** Whether --changes-from was given ({@code changesFrom} is null for standard input). */
    private boolean changesGiven;

    @Override
    int call() throws IOException {
        changesGiven |= changesFrom != null;
        int ways = (all ? 1 : 0) + (paths.isEmpty() ? 0 : 1) + (changesGiven ? 1 : 0);
        if (ways != 1) {
            err.println("fsnap: approve needs one of --all (every difference of the run), PATH... (those at the paths"
                    + " and below them) or --changes-from FILE (the changes a report listed)");
            return ExitStatus.TROUBLE;
        }
        SigningKey key;
        dev.fsnap.signature.TrustedKey previous;
        RunSeries series;
        ApprovalScope scope;
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
            scope = all ? ApprovalScope.all() : changesGiven ? ApprovalScope.changes(ChangeList.read(changesFrom, signing.passphraseFd != null))
                    : ApprovalScope.under(relative(series.root()));
        } catch (ChangeList.NotAList | IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage() + "; nothing was approved");
            return ExitStatus.TROUBLE;
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
            // What is approved, said before it is written: all of the run against the approved baseline,
            // or each difference taken.
            if (scope.isAll() && java.nio.file.Files.exists(series.approvedSnapshot())) {
                try (dev.fsnap.snapshot.Snapshot was = SnapshotFiles.open(series.approvedSnapshot(), err);
                     dev.fsnap.snapshot.Snapshot run = SnapshotFiles.open(chosen.get().snapshot(), err)) {
                    if (was == null || run == null) {
                        return ExitStatus.TROUBLE;
                    }
                    out.println("approving all of run " + chosen.get().name() + ": what it holds against the approved"
                            + " baseline:");
                    SnapshotFiles.diff(was, run, new dev.fsnap.cli.report.ReportOptions(), console);
                }
            }
            int[] told = new int[1];
            Approval a = series.approve(chosen.get(), scope, approver, Instant.now(), key, previous, c -> {
                if (told[0]++ == 0) {
                    out.println("approving of run " + chosen.get().name() + ":");
                }
                out.println("  " + c.kind().marker() + " " + (c instanceof dev.fsnap.snapshot.Change.Moved m
                        ? dev.fsnap.cli.console.Display.path(m.from()) + " -> " : "")
                        + dev.fsnap.cli.console.Display.path(c.path()));
            });
            if (policyText != null) {
                series.approvePolicy(policyText, key, a);
                out.println("policy " + series.policyFile() + (key == null ? " kept, not signed" : " kept and signed"));
            } else if (key != null && java.nio.file.Files.exists(series.policyFile())) {
                out.println("note: " + series.policyFile() + " is not approved with this approval: checks with --trust-key"
                        + " use it only as signed before; approve the one you mean with --policy FILE");
            }
            out.println("approval " + a.sequence() + " of " + a.root() + ": " + (scope.isAll() ? "all of run "
                    : told[0] + " difference" + (told[0] == 1 ? "" : "s") + " of run ") + a.run() + ", by "
                    + a.approver() + " at " + Units.TIME.format(a.time()) + (key == null ? ", not signed"
                    : ", signed by key " + key.trustedKey().id()) + "; identity " + a.identity());
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
