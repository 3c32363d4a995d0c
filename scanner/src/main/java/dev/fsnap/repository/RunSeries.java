package dev.fsnap.repository;

import dev.fsnap.internal.Json;
import dev.fsnap.internal.PathText;
import dev.fsnap.signature.SignatureRefusedException;
import dev.fsnap.signature.Signed;
import dev.fsnap.signature.SigningKey;
import dev.fsnap.signature.TrustedKey;
import dev.fsnap.signature.VerifiedFile;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotGraft;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One root's runs in a repository: its directory ({@code DIR/KEY}), the root it records, its runs,
 * and its lock. Got from {@link Repository#root(String)} (made and judged safe) or
 * {@link Repository#roots()} (as found: call {@link #check()} before writing into it).
 */
public final class RunSeries {
    static final String ROOT_FILE = "root";
    /** The approved baseline, beside the runs (not one of them). */
    static final String APPROVED = "approved" + Run.SNAPSHOT;
    /** One record per approval, {@code approvals/00000001.json} and on. */
    static final String APPROVALS = "approvals";
    /** The approval the checks of this host last compared against: what a later one holds the next to. */
    static final String SEEN = "approved.seen";
    /** The policy of the root's checks. */
    static final String POLICY = "policy";
    private static final int MAX_POLICY = 1 << 20;
    private static final int MAX_RECORD = 64 * 1024;
    private static final int MAX_ROOT_FILE = 8192;

    private final Path dir;

    RunSeries(Path dir) {
        this.dir = dir;
    }

    /** @return the series' directory in the repository */
    public Path dir() {
        return dir;
    }

    /**
     * @return the root's path, as recorded (its text; see {@link Repository})
     * @throws RefusedException when the root file is no regular file, has other names, or names no root
     * @throws IOException when it cannot be read
     */
    public String root() throws IOException {
        Path file = dir.resolve(ROOT_FILE);
        byte[] b = SafeFiles.readSmall(file, MAX_ROOT_FILE);
        int end = b.length > 0 && b[b.length - 1] == '\n' ? b.length - 1 : b.length;
        // The root's exact bytes, as an argument naming it is decoded: a name that is no UTF-8 stays itself.
        String p = PathText.decode(Arrays.copyOf(b, end));
        if (p.isBlank() || p.contains("\n") || p.indexOf('\0') >= 0) {
            throw new RefusedException(file, file + " names no root");
        }
        return p;
    }

    /**
     * Judges the directory before a run uses it: it must be a directory (not a link), owned by the
     * running user or root, and writable by no one else. Nothing in it is read before.
     *
     * @throws OtherUsersException when another user owns it
     * @throws RefusedException when it is a link, not a directory, or writable by others
     * @throws IOException when it cannot be looked at
     */
    public void check() throws IOException {
        SafeFiles.checkRootDirectory(dir, () -> {
            try {
                return root();
            } catch (IOException unreadable) {
                return "an unknown root";
            }
        });
    }

    /**
     * The runs: those named as fsnap names them, oldest first; those dated after {@code now} and
     * {@link Repository#FUTURE_TOLERANCE} apart (a clock that ran ahead, a file put there) so that
     * they never become the latest; and names of {@code .snap} files that are no run's (no such date).
     *
     * @param now the time that runs are judged against
     * @return the listing
     * @throws IOException when the directory cannot be listed
     */
    public RunListing listing(Instant now) throws IOException {
        List<Run> runs = new ArrayList<>();
        List<Run> future = new ArrayList<>();
        List<String> stray = new ArrayList<>();
        Instant limit = now.plus(Repository.FUTURE_TOLERANCE);
        List<String> names;
        try (Stream<Path> s = Files.list(dir)) {
            names = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(Run.SNAPSHOT)).sorted().toList();
        }
        for (String n : names) {
            if (n.equals(APPROVED)) {
                continue;
            }
            Instant started = Run.started(n.substring(0, n.length() - Run.SNAPSHOT.length()));
            if (started == null) {
                stray.add(n);
            } else if (started.isAfter(limit)) {
                future.add(new Run(dir, started));
            } else {
                runs.add(new Run(dir, started));
            }
        }
        return new RunListing(runs, future, stray);
    }

    /**
     * @return the runs not dated after now, oldest first, as {@link #listing} counts them
     * @throws IOException when the directory cannot be listed
     */
    public List<Run> runs() throws IOException {
        return listing(Instant.now()).runs();
    }

    /**
     * @param started when a run starts
     * @return the run, to write its snapshot to {@link Run#snapshot()}
     */
    public Run runAt(Instant started) {
        return new Run(dir, started);
    }

    /**
     * Writes a run's summary beside its snapshot, whole or not at all.
     *
     * @param run the run, its snapshot in place
     * @param summary what it found
     * @throws IllegalArgumentException when the run is not one of this series
     * @throws IOException when the summary cannot be written
     */
    public void record(Run run, RunSummary summary) throws IOException {
        if (!run.directory().equals(dir)) {
            throw new IllegalArgumentException(run.snapshot() + " is not a run of " + dir);
        }
        SafeFiles.writeWhole(run.summaryFile(), summary.json());
    }

    /**
     * Takes the root's lock ({@code KEY/lock}, see {@link RootLock}); never waits.
     *
     * @return the lock taken, or why not
     */
    public RootLock.Outcome lock() {
        String what;
        try {
            what = root();
        } catch (IOException unreadable) {
            what = dir.toString();
        }
        return RootLock.take(dir.resolve("lock"), what);
    }

    /**
     * @return where the policy of the root's checks is kept ({@code KEY/policy}, signed beside it as
     *         {@code policy.minisig} by an approval with a key); it may not exist
     */
    public Path policyFile() {
        return dir.resolve(POLICY);
    }

    /**
     * Keeps a policy as the root's ({@link #policyFile()}), whole or not at all, when it is not the
     * one kept already; a signature beside the one it replaces goes (it signed other rules).
     *
     * @param text the policy's bytes, as read
     * @throws IOException when it cannot be written
     */
    public void keepPolicy(byte[] text) throws IOException {
        Path file = policyFile();
        try {
            if (Arrays.equals(SafeFiles.readSmall(file, MAX_POLICY), text)) {
                return;
            }
        } catch (NoSuchFileException none) {
            // kept for the first time
        }
        Files.deleteIfExists(dir.resolve(POLICY + ".minisig"));
        SafeFiles.writeWhole(file, text);
    }

    /**
     * Approves a policy: keeps it as the root's and, with a key, signs it, its trusted comment naming
     * the root and the approval it goes with; checks with the public key then use it and no other.
     *
     * @param text the policy's bytes
     * @param key the secret key approvals are signed with, or null for a repository without signatures
     * @param approval the approval it goes with
     * @throws IOException when it cannot be written or signed
     */
    public void approvePolicy(byte[] text, SigningKey key, Approval approval) throws IOException {
        keepPolicy(text);
        Path signature = dir.resolve(POLICY + ".minisig");
        if (key == null) {
            Files.deleteIfExists(signature);
            return;
        }
        key.sign(policyFile(), "timestamp:" + approval.time().getEpochSecond() + "\tfile:" + POLICY
                + "\thashed\tfsnap policy of approval " + approval.sequence());
    }

    /** @return where the approved baseline is ({@code KEY/approved.snap}); it may not exist */
    public Path approvedSnapshot() {
        return dir.resolve(APPROVED);
    }

    /**
     * The newest approval as its record says, not verified: what a repository without signatures
     * has, and what {@code history} lists.
     *
     * @return the newest approval, or empty when the root has none
     * @throws IOException when the records cannot be read, or one is damaged
     */
    public Optional<Approval> approval() throws IOException {
        List<Approval> all = approvals();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * @return every approval as recorded, oldest first
     * @throws IOException when the records cannot be read, or one is damaged
     */
    public List<Approval> approvals() throws IOException {
        Path records = dir.resolve(APPROVALS);
        if (!Files.isDirectory(records, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(records)) {
            files = s.filter(p -> p.getFileName().toString().matches("[0-9]{8}\\.json")).sorted().toList();
        }
        List<Approval> out = new ArrayList<>();
        for (Path f : files) {
            out.add(readRecord(f));
        }
        return out;
    }

    private Approval readRecord(Path f) throws IOException {
        Object v;
        try {
            v = Json.parse(new String(SafeFiles.readSmall(f, MAX_RECORD), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new RefusedException(f, f + " is not an approval record: " + e.getMessage());
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new RefusedException(f, f + " is not an approval record");
        }
        try {
            return new Approval(((Number) m.get("sequence")).longValue(), (String) m.get("root"),
                    Instant.parse((String) m.get("time")), (String) m.get("approver"), (String) m.get("run"),
                    (String) m.get("previous"), (String) m.get("identity"));
        } catch (RuntimeException e) {
            throw new RefusedException(f, f + " is not an approval record: a field is missing or of the wrong kind");
        }
    }

    /**
     * The approved baseline, verified: signed by the trusted key as it is, an approval of this
     * root, and neither older than the approval this host's checks last compared against nor
     * another under the same number (an earlier approved baseline put back, a rollback).
     *
     * @param verified the approved baseline ({@link #approvedSnapshot()}), opened and verified with
     *                 the key approvals are signed with ({@link TrustedKey#open}): read it through
     *                 {@link VerifiedFile#path()}, never by its name again
     * @return the approval its signature says
     * @throws SignatureRefusedException when any of these fails: nothing may be compared against it
     * @throws IOException when a file cannot be read
     */
    public Approval trustedApproval(VerifiedFile verified) throws IOException {
        Path file = approvedSnapshot();
        if (!verified.file().equals(file)) {
            throw new IllegalArgumentException(verified.file() + " is not the approved baseline of " + dir);
        }
        Signed s = verified.signed();
        Approval a = Approval.ofTrustedComment(s.trustedComment(), s.id());
        if (a == null) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.MALFORMED, file
                    + ": signed by the trusted key, but not as an approval (its trusted comment is not fsnap's):"
                    + " a signed snapshot of a run put in its place");
        }
        String root = root();
        if (!a.root().equals(root)) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.ROLLBACK, file
                    + ": an approval of " + a.root() + ", not of " + root);
        }
        Optional<Approval> seen;
        try {
            seen = seen();
        } catch (IOException e) {
            throw new SignatureRefusedException(file, SignatureRefusedException.Reason.ROLLBACK, file + ": the record of"
                    + " the approval last compared against cannot be trusted (" + IoMessages.describe(e) + "): a person"
                    + " must look, and remove " + dir.resolve(SEEN) + " once the approved baseline is known good");
        }
        if (seen.isPresent()) {
            Approval last = seen.get();
            String then = " (the checks of this host compared against approval " + last.sequence() + ", " + last.identity()
                    + ", last on " + last.time() + ")";
            if (a.sequence() < last.sequence()) {
                throw new SignatureRefusedException(file, SignatureRefusedException.Reason.ROLLBACK, file + ": approval "
                        + a.sequence() + " is older than one already compared against" + then
                        + ": an earlier approved baseline was put back");
            }
            if (a.sequence() == last.sequence() && !a.identity().equals(last.identity())) {
                throw new SignatureRefusedException(file, SignatureRefusedException.Reason.ROLLBACK, file + ": approval "
                        + a.sequence() + " is not the one of that number already compared against" + then);
            }
            if (a.sequence() == last.sequence() + 1 && !a.previous().equals(last.identity())) {
                throw new SignatureRefusedException(file, SignatureRefusedException.Reason.ROLLBACK, file + ": approval "
                        + a.sequence() + " does not follow the approval before it" + then);
            }
        }
        return a;
    }

    /**
     * @return the approval this host's checks last compared against, as recorded; empty when none
     * @throws IOException when the record cannot be read
     */
    public Optional<Approval> seen() throws IOException {
        try {
            return Optional.of(readRecord(dir.resolve(SEEN)));
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
    }

    /**
     * Records that a check compared against an approval, when it is newer than the one recorded:
     * a later check refuses anything older.
     *
     * @param approval the approval, verified
     * @param at when the check compared against it
     * @throws IOException when the record cannot be written
     */
    public void recordSeen(Approval approval, Instant at) throws IOException {
        Optional<Approval> seen = seen();
        if (seen.isPresent() && seen.get().sequence() > approval.sequence()) {
            return;
        }
        SafeFiles.writeWhole(dir.resolve(SEEN), json(new Approval(approval.sequence(), approval.root(), at,
                approval.approver(), approval.run(), approval.previous(), approval.identity()), null));
    }

    /**
     * Approves some or all of a run's differences from the approved baseline: with
     * {@link ApprovalScope#all()} the run's snapshot becomes the approved baseline as it is, copied whole; else the
     * approved baseline there now, with the entries of the differences taken as the run holds them,
     * written in time proportional to those ({@link SnapshotGraft}). The approval has the next number
     * and, with a key, is signed, chained to the one before, which is verified first: with
     * {@code previousKey} when a key was rotated, else with the signing key's public half.
     *
     * @param run the run whose differences are approved
     * @param scope which of them
     * @param approver who approves them
     * @param at when
     * @param key the secret key approvals are signed with, or null for a repository without signatures
     * @param previousKey the public key the approved baseline there now is signed with (with a key)
     * @param taken told of each difference taken, as the comparison of the approved baseline with the
     *              run found it, before anything is written (with some differences; with all, the
     *              run is taken whole without a comparison); may be null
     * @return the approval
     * @throws SignatureRefusedException when the approved baseline there now is not signed by {@code previousKey}
     * @throws RefusedException when some differences are to be approved and there is no approved baseline
     *                          yet, the run was scanned with other options than it, or a path given
     *                          names no difference of the run from it
     * @throws IOException when a file cannot be read or written
     */
    public Approval approve(Run run, ApprovalScope scope, String approver, Instant at, SigningKey key,
                            TrustedKey previousKey, java.util.function.Consumer<Change> taken) throws IOException {
        if (!run.directory().equals(dir)) {
            throw new IllegalArgumentException(run.snapshot() + " is not a run of " + dir);
        }
        String root = root();
        Optional<Approval> before = approval();
        Path approved = approvedSnapshot();
        boolean exists = Files.exists(approved, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!scope.isAll() && !exists) {
            throw new RefusedException(approved, root + " has no approved baseline yet: its first approval takes"
                    + " a whole run");
        }
        VerifiedFile verified = null;
        Path tmp = Files.createTempFile(dir, ".approving-", Run.SNAPSHOT);
        Path tmpSignature = tmp.resolveSibling(tmp.getFileName() + ".minisig");
        try {
            if (key != null && exists) {
                try {
                    verified = previousKey.open(approved);
                    Signed s = verified.signed();
                    before = Optional.ofNullable(Approval.ofTrustedComment(s.trustedComment(), s.id()));
                } catch (SignatureRefusedException e) {
                    // An unsigned approved baseline (a repository that starts to sign): its record says
                    // where the numbers stand. One signed by another key, or changed, is refused.
                    if (e.reason() != SignatureRefusedException.Reason.MISSING) {
                        throw e;
                    }
                }
            }
            long sequence = before.map(a -> a.sequence() + 1).orElse(1L);
            String previous = before.map(Approval::identity).orElse("");
            List<byte[]> paths = null;
            if (scope.isAll()) {
                Files.copy(run.snapshot(), tmp, StandardCopyOption.REPLACE_EXISTING);
            } else {
                paths = graft(verified == null ? approved : verified.path(), run, scope, tmp, taken);
            }
            String identity;
            Approval approval;
            if (key != null) {
                Approval draft = new Approval(sequence, root, at, approver, run.name(), previous, "unsigned");
                int length = draft.trustedComment().getBytes(StandardCharsets.UTF_8).length;
                if (length > 4077) {
                    throw new RefusedException(run.snapshot(), root + ": an approval of this root cannot be signed: its"
                            + " path makes the signature's trusted comment " + length + " bytes, and minisign signs 4077");
                }
                identity = key.sign(tmp, draft.trustedComment()).id();
            } else {
                try (Snapshot s = Snapshot.open(tmp)) {
                    identity = s.treeHash() == null ? "none" : s.treeHash();
                }
            }
            approval = new Approval(sequence, root, at, approver, run.name(), previous, identity);
            Path records = Files.createDirectories(dir.resolve(APPROVALS));
            String number = String.format("%08d", sequence);
            if (paths != null) {
                SafeFiles.writeWhole(records.resolve(number + PATHS), pathLines(paths));
            } else {
                Files.deleteIfExists(records.resolve(number + PATHS));
            }
            SafeFiles.writeWhole(records.resolve(number + ".json"), json(approval, paths));
            if (key != null) {
                Files.move(tmpSignature, dir.resolve(APPROVED + ".minisig"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.deleteIfExists(dir.resolve(APPROVED + ".minisig"));
            }
            Files.move(tmp, approved, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            if (paths == null) {
                Reported.clear(this); // every difference approved: none reported before the next check
            } else {
                Reported.forget(this, paths);
            }
            return approval;
        } finally {
            if (verified != null) {
                verified.close();
            }
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(tmpSignature);
        }
    }

    /** Beside an approval of some differences, their paths: {@code approvals/NNNNNNNN.paths}. */
    static final String PATHS = ".paths";

    /**
     * Writes the approved baseline with the differences of the scope taken from the run.
     *
     * @return the paths of the entries taken
     */
    private List<byte[]> graft(Path approved, Run run, ApprovalScope scope, Path target,
                               java.util.function.Consumer<Change> told) throws IOException {
        try (Snapshot was = Snapshot.open(approved); Snapshot now = Snapshot.open(run.snapshot())) {
            java.util.NavigableSet<byte[]> given = new java.util.TreeSet<>(Arrays::compareUnsigned);
            List<byte[]> taken = new ArrayList<>();
            List<byte[]> trees = new ArrayList<>();
            List<Change> changes = new ArrayList<>();
            dev.fsnap.snapshot.Differ.compare(was, now, c -> {
                byte[] by = scope.match(c);
                if (by == null) {
                    return;
                }
                boolean difference = c.kind() != Change.Kind.RACY
                        && !(c instanceof Change.Unreadable u && u.side() == Change.Side.BOTH);
                if (difference || !scope.subtrees()) {
                    given.add(by); // a report's line that is no difference (racy, still unreadable) is passed over
                }
                if (difference) {
                    changes.add(c);
                    taken.add(c.path());
                    if (c instanceof Change.Moved m) {
                        taken.add(m.from());
                        if (m.after().type() == dev.fsnap.scan.EntryType.DIRECTORY) {
                            trees.add(m.path()); // its contents were compared under the old path: they come along
                        }
                    }
                }
            });
            for (byte[] p : scope.paths()) {
                if (!given.contains(p)) {
                    throw new RefusedException(run.snapshot(), (p.length == 0 ? "." : PathText.decode(p))
                            + ": no difference of run " + run.name() + " from the approved baseline there");
                }
            }
            if (taken.isEmpty()) {
                throw new RefusedException(run.snapshot(), "no difference of run " + run.name() + " from the approved"
                        + " baseline among those given: nothing to approve");
            }
            if (told != null) {
                changes.forEach(told);
            }
            try {
                SnapshotGraft.graft(was, now, taken, trees, target);
            } catch (IllegalArgumentException e) {
                throw new RefusedException(run.snapshot(), e.getMessage() + ": approve the run whole (all of it)");
            }
            return taken;
        }
    }

    /** The paths taken, a JSON line each as reports write them ({@code path}, or {@code path_b64} when not UTF-8). */
    private static byte[] pathLines(List<byte[]> paths) {
        StringBuilder b = new StringBuilder(paths.size() * 40);
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        for (byte[] p : paths) {
            String text;
            try {
                text = p.length == 0 ? "." : utf8.decode(java.nio.ByteBuffer.wrap(p)).toString();
                Json.quote(b.append("{\"path\":"), text).append("}\n");
            } catch (java.nio.charset.CharacterCodingException notText) {
                b.append("{\"path_b64\":\"").append(java.util.Base64.getEncoder().encodeToString(p)).append("\"}\n");
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] json(Approval a, List<byte[]> taken) {
        StringBuilder b = new StringBuilder("{\"sequence\":").append(a.sequence()).append(",\"root\":");
        Json.quote(b, a.root()).append(",\"time\":");
        Json.quote(b, a.time().toString()).append(",\"approver\":");
        Json.quote(b, a.approver()).append(",\"run\":");
        Json.quote(b, a.run()).append(",\"previous\":");
        Json.quote(b, a.previous()).append(",\"identity\":");
        Json.quote(b, a.identity());
        if (taken != null) {
            b.append(",\"entries\":").append(taken.size());
        }
        return b.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunSeries s && s.dir.equals(dir);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dir);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
