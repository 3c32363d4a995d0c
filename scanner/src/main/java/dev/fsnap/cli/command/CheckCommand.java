package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.CommandLine;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.report.Metrics;
import dev.fsnap.cli.report.ReportOptions;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.internal.PathText;
import dev.fsnap.cli.console.Units;
import dev.fsnap.repository.Approval;
import dev.fsnap.repository.Reported;
import dev.fsnap.repository.Repository;
import dev.fsnap.repository.RunSeries;
import dev.fsnap.signature.SignatureRefusedException;
import dev.fsnap.repository.Run;
import dev.fsnap.repository.RunListing;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.nio.file.Path;

/** {@code fsnap check ROOT --against OLD -o NEW}: the nightly job, a scan and a diff in one run. */
public final class CheckCommand extends Command {

    String root;
    Path old;
    Path output;
    final Signing signing = new Signing();
    boolean againstLast;
    final ReportOptions report = new ReportOptions();
    final ScanArguments scan = new ScanArguments();
    boolean otherRoot;
    Path repo;


    public CheckCommand() {
        super("check", new String[] {
                "Scans ROOT into a new snapshot and reports what changed since the old one.",
                "The report is as diff writes it.",
                "OLD is verified whole before the scan starts; NEW may be the same file as OLD: it is replaced,",
                "atomically, only once the report is written in full."
            }, new String[] {
                " 0:no differences (racy entries, and entries unreadable as last time with the same error, do",
                "   not count)",
                " 1:differences",
                " 3:entries or subtrees newly unreadable (a permission, a dead server): what they hold is unknown",
                " 4:with --digest: corrupt files (content changed, size, times and inode did not) or files",
                "   tampered with (content and ctime changed, mtime put back), besides any other differences",
                " 24:entries vanished, or files kept changing, while the scan read them (a live filesystem),",
                "   and nothing newly unreadable",
                " 2:bad usage, an unusable ROOT, a damaged OLD, OLD of another root (without",
                "   --allow-other-root), NEW cannot be written, or the report cannot be written (NEW is not",
                "   written either), --metrics or --report names no regular file or cannot be written;",
                "   --repo: ROOT's directory there is not safe to use (a link, another user's) or its lock",
                "   cannot be judged (another host's, not fsnap's)",
                " 5:--trust-key: OLD's signature is missing, invalid, or another key's: nothing was scanned,",
                "   compared or written",
                " 75:--repo: another run of this host holds ROOT's lock; this one did nothing",
                " 141:the report's reader went away (| head): NEW is not written",
                " 130, 143:stopped by SIGINT or SIGTERM (NEW is not written)"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("ROOT", "The directory to scan.", v -> root = v);
        a.option("OLD", "The previous snapshot.", v -> old = ScanArguments.path(v), "--against");
        a.option("NEW", "The snapshot to write.", v -> output = ScanArguments.path(v), "-o", "--output");
        a.option("DIR", "Instead of --against and -o: keep every run's snapshot in the repository DIR (made when "
                + "missing), compare against the latest of ROOT there, and hold ROOT's lock while running (a "
                + "second run on ROOT exits 75). See fsnap history and fsnap forget.", v -> repo = ScanArguments.path(v),
                "--repo");
        report.declareComparison(a);
        a.flag("Compare against a snapshot of another root (a tree that moved or was restored elsewhere); "
                + "refused otherwise.", () -> otherRoot = true, "--allow-other-root");
        a.flag("With --repo: compare against the latest run even where ROOT has an approved baseline (a live share,"
                + " where change is normal and yesterday is the reference).", () -> againstLast = true, "--against-last");
        signing.declareTrust(a, "OLD (--against), or with --repo the approved baseline,");
        signing.declareSign(a);
        scan.declare(a);
    }

    @Override
    int call() throws IOException, InterruptedException {
        ScanJob.Result r = check();
        if (scan.metrics != null) {
            return Metrics.write(scan.metrics, CommandLine.path(root).toAbsolutePath().toString(), r.summary(),
                    r.exit() == ExitStatus.TROUBLE || r.exit() == ExitStatus.UNTRUSTED ? null : report.tally, r.exit(),
                    witness, err);
        }
        return r.exit();
    }

    private ScanJob.Result check() throws IOException, InterruptedException {
        if (repo == null ? old == null || output == null : old != null || output != null) {
            err.println("fsnap: check needs --against=OLD and --output=NEW, or --repo=DIR alone");
            err.println("Try 'fsnap check --help'.");
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        ScanOptions options;
        try {
            scan.checkMetrics(old, output, report.page);
            report.checkPage(old, output, scan.metrics);
            // A repository keys a root by its real path: ./tree, tree/. and /abs/tree are one series.
            scan.policyExcludes = report.policy.excludes();
            options = scan.options(repo == null ? root : Repository.canonical(root));
        } catch (IllegalArgumentException e) {
            err.println("fsnap: " + e.getMessage());
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        try {
            trusted = signing.trustedKey();
            key = signing.signingKey();
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return new ScanJob.Result(ExitStatus.TROUBLE, null);
        }
        // The baseline as this check reads it: with digests when it takes them, or the first night's
        // check would take whatever content it reads, rot included, as the baseline.
        if (repo != null) {
            return inRepository(options);
        }
        try (Signing.Trusted t = Signing.open(trusted, old, err)) {
            if (t.status() != ExitStatus.OK) {
                err.println("fsnap: " + old + " was not compared against, and nothing was scanned or written");
                return new ScanJob.Result(t.status(), null);
            }
            return compare(options, t.path(), output, "to start anew, make a new baseline: fsnap scan " + root
                    + (options.digest() == null ? "" : " --digest") + " -o " + old, (Snapshot) null);
        }
    }

    /** The run in a repository: ROOT's lock held, against its latest run there, into a new one. */
    private ScanJob.Result inRepository(ScanOptions given) throws IOException, InterruptedException {
        String rootPath = PathText.of(given.root()); // its bytes: the String of a Path may not hold them
        return RepositoryRun.locked(repo, rootPath, "check", err, (place, into) -> {
            int refused = usePolicy(place);
            if (refused != ExitStatus.OK) {
                return new ScanJob.Result(refused, null);
            }
            scan.policyExcludes = report.policy.excludes();
            ScanOptions options = scan.options(Repository.canonical(root));
            RunListing listing = place.listing(java.time.Instant.now());
            for (Run ahead : listing.future()) {
                err.println("fsnap: note: " + ahead.snapshot() + " is dated after now (more than "
                        + Repository.FUTURE_TOLERANCE.toMinutes() + " minutes ahead: a clock that ran ahead, or a file "
                        + "put there): it is not the latest run and is not compared against");
            }
            java.util.Optional<Run> latest = listing.latest();
            Path approved = place.approvedSnapshot();
            if (!againstLast && (trusted != null || java.nio.file.Files.exists(approved))) {
                return againstApproved(place, options, approved, latest.map(Run::snapshot).orElse(null), into);
            }
            if (latest.isPresent()) {
                Path last = latest.get().snapshot();
                return compare(options, last, into, "move " + last + " (and its .json) out of " + place.dir()
                        + ", and the next check compares against the run before it; or start anew: fsnap scan "
                        + rootPath + (options.digest() == null ? "" : " --digest") + " --repo " + repo, (Snapshot) null);
            }
            err.println("fsnap: the first run of " + rootPath + " in " + repo + ": nothing to compare with yet");
            return Signing.signed(key, ScanJob.run(options, null, into, console), into, rootPath, err);
        }, () -> report.tally);
    }

    /**
     * The policy of the root's checks in the repository ({@code KEY/policy}): the one given is kept
     * there; without one, the one kept is used. With --trust-key only a policy the key signed (an
     * approval's) is used, and one given must be it: an intruder who writes the repository cannot
     * loosen what is compared.
     *
     * @return {@link ExitStatus#OK}, or the status of a refusal (its message printed)
     */
    private int usePolicy(RunSeries place) throws IOException {
        Path kept = place.policyFile();
        boolean exists = java.nio.file.Files.exists(kept, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (trusted == null) {
            if (report.policyText != null) {
                place.keepPolicy(report.policyText);
            } else if (exists) {
                report.policy = dev.fsnap.scan.Policy.read(kept);
            }
            return ExitStatus.OK;
        }
        if (!exists) {
            if (report.policyText == null) {
                return ExitStatus.OK;
            }
            err.println("fsnap: refused: --policy with --trust-key: " + place.dir() + " holds no approved policy; approve"
                    + " it where the secret key is (fsnap approve " + repo + " " + root + " --all --policy FILE --sign-key"
                    + " ...); nothing was scanned");
            return ExitStatus.UNTRUSTED;
        }
        try (dev.fsnap.signature.VerifiedFile v = trusted.open(kept)) {
            byte[] text = java.nio.file.Files.readAllBytes(v.path());
            if (report.policyText != null && !java.util.Arrays.equals(text, report.policyText)) {
                err.println("fsnap: refused: the policy given is not " + kept + ", the one approved; approve it where"
                        + " the secret key is (fsnap approve ... --policy FILE --sign-key ...); nothing was scanned");
                return ExitStatus.UNTRUSTED;
            }
            report.policy = dev.fsnap.scan.Policy.parse(new String(text, java.nio.charset.StandardCharsets.UTF_8),
                    kept.toString());
            return ExitStatus.OK;
        } catch (SignatureRefusedException e) {
            err.println("fsnap: refused: " + e.getMessage() + "; the policy was not used, and nothing was scanned");
            return ExitStatus.UNTRUSTED;
        }
    }

    /**
     * The run against the root's approved baseline: verified first with --trust-key (and refused,
     * nothing scanned, when it is not signed by the key as it is, or is older than one this host
     * compared against), its content digests taken over from the latest run rather than the
     * approval, so that nothing is read twice.
     */
    private ScanJob.Result againstApproved(RunSeries place, ScanOptions options, Path approved, Path latest, Path into)
            throws IOException, InterruptedException {
        if (trusted == null) {
            return againstApproved(place, options, approved, place.approval().orElse(null), latest, into);
        }
        try (dev.fsnap.signature.VerifiedFile verified = trusted.open(approved)) {
            Approval approval = place.trustedApproval(verified);
            return againstApproved(place, options, verified.path(), approval, latest, into);
        } catch (SignatureRefusedException e) {
            err.println("fsnap: refused: " + e.getMessage());
            err.println("fsnap: the approved baseline was not compared against, and nothing was scanned or written;"
                    + " a person must look: approve again from where the secret key is (fsnap approve " + repo
                    + " " + root + " --all --sign-key ...)");
            try {
                witness = place.seen().map(a -> new Metrics.Witness(a.sequence(), a.identity())).orElse(null);
            } catch (IOException unreadable) {
                witness = null;
            }
            return new ScanJob.Result(ExitStatus.UNTRUSTED, null);
        }
    }

    private ScanJob.Result againstApproved(RunSeries place, ScanOptions options, Path approved, Approval approval,
                                           Path latest, Path into) throws IOException, InterruptedException {
        if (approval != null) {
            witness = new Metrics.Witness(approval.sequence(), approval.identity());
            err.println("fsnap: against approval " + approval.sequence() + " of " + Units.TIME.format(approval.time())
                    + " by " + approval.approver() + " (run " + approval.run() + ")");
        }
        Reported before;
        try {
            before = Reported.of(place);
        } catch (IOException e) {
            err.println("fsnap: note: " + IoMessages.describe(e) + ": every difference is dated tonight");
            before = Reported.none();
        }
        Reported tonight = Reported.none();
        java.time.Instant now = java.time.Instant.now();
        ScanJob.Result r;
        try (Snapshot last = latest == null ? null : SnapshotFiles.open(latest, err)) {
            Reported earlier = before;
            report.firstSeen = c -> {
                if (c.kind() == dev.fsnap.snapshot.Change.Kind.RACY) {
                    return null;
                }
                // Asked twice of each difference where the totals come first: its last-night lookup is done once.
                java.util.Optional<java.time.Instant> noted = tonight.firstSeen(c.path());
                if (noted.isPresent()) {
                    return noted.get().equals(now) ? null : noted.get();
                }
                java.util.Optional<java.time.Instant> first = earlier.firstSeen(c.path());
                java.time.Instant seen = first.isPresent() && sameAsLastNight(last, c) ? first.get() : null;
                tonight.note(c.path(), seen == null ? now : seen);
                return seen;
            };
            r = compare(options, approved, into, "approve again (fsnap approve " + repo + " " + root
                    + " --all), or compare with the latest run: --against-last", last);
        }
        if (approval != null && ExitStatus.didItsWork(r.exit())) {
            place.recordSeen(approval, now);
            tonight.write(place);
        }
        return r;
    }

    /**
     * Whether a difference from the approved baseline was there last night as it is tonight: the
     * entry the same in the latest run (or absent from it, for one removed). Changed again, it is new.
     */
    private static boolean sameAsLastNight(Snapshot last, dev.fsnap.snapshot.Change c) {
        if (last == null) {
            return false;
        }
        try {
            Snapshot.Lookup l = last.lookup(c.path());
            if (c.after() == null) {
                return l.status() == Snapshot.Status.ABSENT;
            }
            return l.entry() != null && l.entry().type() == c.after().type()
                    && dev.fsnap.scan.Field.between(l.entry(), c.after()).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a snapshot's root is the root given: the same directory, however either is spelled. */
    private static boolean sameRoot(String recorded, Path given) {
        Path a = Path.of(recorded).normalize();
        Path b = given.toAbsolutePath().normalize();
        return a.equals(b) || Repository.canonical(recorded).equals(Repository.canonical(given.toString()));
    }

    /**
     * Scans into {@code into} and reports what changed since {@code against}.
     *
     * @param anew what the user can do when {@code against} cannot be compared against
     */
    private ScanJob.Result compare(ScanOptions options, Path against, Path into, String anew, Snapshot digestsFrom)
            throws IOException, InterruptedException {
        ScanJob.Result r = scanAndCompare(options, against, into, anew, options.digest() == null ? null : digestsFrom);
        return Signing.signed(key, r, into, options.root().toAbsolutePath().toString(), err);
    }

    /** The key the baseline must be signed by, or null; the key that signs the new snapshot, or null. */
    private dev.fsnap.signature.TrustedKey trusted;
    private dev.fsnap.signature.SigningKey key;
    /** The approved baseline this run compared against (or last trusted, when refused), for --metrics. */
    private Metrics.Witness witness;

    /** @param digests the snapshot content digests are taken over from; null: {@code against} itself */
    private ScanJob.Result scanAndCompare(ScanOptions options, Path against, Path into, String anew, Snapshot digests)
            throws IOException, InterruptedException {
        try (Snapshot before = SnapshotFiles.open(against, err)) {
            if (before == null) {
                err.println("fsnap: " + against + " cannot be compared against and was left as it is; " + anew);
                return new ScanJob.Result(ExitStatus.TROUBLE, null);
            }
            String rootPath = options.root().toAbsolutePath().toString();
            if (!sameRoot(before.root(), options.root()) && !otherRoot) {
                err.println("fsnap: " + against + " is a snapshot of " + before.root() + ", not of " + rootPath
                        + ": every entry would be reported as added and removed. To compare them anyway (a root "
                        + "that moved), add --allow-other-root");
                return new ScanJob.Result(ExitStatus.TROUBLE, null);
            }
            // The report is written in full before the new snapshot replaces anything: a report that
            // cannot be written (a full disk, a closed pipe) leaves the old file as it was.
            return ScanJob.run(options, null, into, console, finished -> {
                try (Snapshot after = SnapshotFiles.open(finished, err)) {
                    return after == null ? ExitStatus.TROUBLE : SnapshotFiles.diff(before, after, report, console);
                } catch (IOException e) {
                    err.println("fsnap: " + IoMessages.describe(e));
                    return ExitStatus.TROUBLE;
                }
            }, digests != null ? digests : before);
        }
    }
}
