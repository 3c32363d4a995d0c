package dev.fsnap.snapshot;

import dev.fsnap.row.ContentValue;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Fields;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.Policy;
import dev.fsnap.bindings.StatFields;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares two snapshots of the same root. Both trees are walked together, directory block by
 * directory block, in name order; a subdirectory whose hash is equal on both sides is skipped
 * without being read, so two identical snapshots compare in constant time and a few changes in a
 * large tree cost a few blocks per change.
 *
 * <p>Modifications, unreadable subtrees and racy entries are reported as the walk meets them.
 * Entries found on one side only are held until the walk ends (memory grows with the changes,
 * not with the tree), then paired as moves by device and inode, and the rest reported as added
 * or removed, in path order. A new or removed directory is opened a level at a time while
 * pairing, so a file moved into a new directory is found as a move; past
 * a million held entries, the rest is reported without looking for moves. The pairing is
 * {@code MovePairing}'s; this class walks the two trees and counts.
 *
 * <p>A field either snapshot's backend could not read ({@link Snapshot#absentFields()}, on
 * Windows) is never reported changed, and without inodes no moves are paired.
 */
public final class Differ {
    /** The most entries held for pairing moves at once. */
    static final int EXPANSION_LIMIT = 1_000_000;

    private final Snapshot old;
    private final Snapshot now;
    private final Consumer<Change> out;
    private long nAdded;
    private long nRemoved;
    private static final dev.fsnap.internal.ScanInternals INTERNALS = dev.fsnap.internal.ScanInternals.get();
    private long nModified;
    private long nCorrupt;
    private long nTampered;
    private long nMoved;
    private long nUnreadable;
    private long nStillUnreadable;
    private long nRacy;
    private long directoriesRead;
    private long skipped;

    /**
     * The fields either snapshot's backend could not read, and those the caller chose to ignore:
     * never a change; no moves without inodes.
     */
    private final Set<Field> ignored;
    /** What the walk found on one side only, to pair as moves once it is over. */
    private final MovePairing pairing;

    /** Both snapshots' rules, or null when neither left anything out. */
    private final PathRules oldRules;
    private final PathRules newRules;
    /** What to compare where; {@link Policy#NONE} compares every field everywhere. */
    private final Policy policy;
    /**
     * Whether entries the policy excludes may be in both snapshots, and must be looked for: not when
     * it excludes nothing, nor when the later snapshot was scanned with its exclusions (check --policy).
     */
    private final boolean policyExcludesHeld;

    /**
     * Set by the caller of {@link #compare} when it gives up waiting (interrupted): the walk stops
     * at its next change or directory, and the caller's consumer is never called again.
     */
    private volatile boolean abandoned;

    private Differ(Snapshot old, Snapshot now, Set<Field> ignore, Policy policy, Consumer<Change> out) {
        this.policy = policy;
        this.policyExcludesHeld = policy.hasExcludes()
                && !now.rules().patterns().containsAll(policy.excludes().patterns());
        this.old = old;
        this.now = now;
        this.out = change -> {
            if (abandoned) {
                throw new Stopped();
            }
            out.accept(change);
        };
        EnumSet<Field> all = EnumSet.noneOf(Field.class);
        all.addAll(ignoredFields(old, now));
        all.addAll(ignore);
        this.ignored = all;
        this.pairing = new MovePairing(this, old, !ignored.contains(Field.INO));
        boolean none = old.rules().isEmpty() && now.rules().isEmpty();
        this.oldRules = none ? null : old.rules();
        this.newRules = none ? null : now.rules();
    }

    /** Whether either scan left this entry out on purpose: then it is no change. */
    boolean excluded(byte[] path, boolean directory) {
        if (oldRules != null && (oldRules.excludes(path, directory) || newRules.excludes(path, directory))) {
            return true;
        }
        if (!policy.hasExcludes()) {
            return false;
        }
        Policy.Rule r = policy.ruleFor(path, directory);
        return r != null && r.action() == Policy.Action.EXCLUDE;
    }

    /**
     * The fields a comparison of two snapshots ignores: those either snapshot's scan did not read
     * ({@link Snapshot#absentFields()}), and the content where the two digested it with different
     * algorithms.
     *
     * @param old the earlier snapshot
     * @param now the later snapshot
     * @return the ignored fields; empty when both scans read every field
     */
    public static Set<Field> ignoredFields(Snapshot old, Snapshot now) {
        EnumSet<Field> absent = EnumSet.noneOf(Field.class);
        absent.addAll(old.absentFields());
        absent.addAll(now.absentFields());
        if (old.contentDigest() != null && now.contentDigest() != null && old.contentDigest() != now.contentDigest()) {
            absent.add(Field.CONTENT); // digests of two algorithms say nothing of each other
        }
        return Collections.unmodifiableSet(absent);
    }

    /**
     * Reports every difference between two snapshots.
     *
     * @param old the earlier snapshot
     * @param now the later snapshot
     * @param changes receives each change (on the differ's own thread, one at a time, before this returns;
     *                never after, even when it throws or is interrupted)
     * @return the counts
     * @throws IOException when a block of either file is damaged (nothing more is reported)
     * @throws java.io.InterruptedIOException when the calling thread is interrupted: the comparison
     *         stops, and this returns once a call of {@code changes} in progress has returned
     */
    public static DiffSummary compare(Snapshot old, Snapshot now, Consumer<Change> changes) throws IOException {
        return compare(old, now, Set.of(), changes);
    }

    /**
     * Compares two snapshots, some fields left out as mtree's {@code -k} leaves them: a change in
     * them alone is no change (ignoring {@link Field#CTIME} also gives up the tampered verdict,
     * {@link Field#INO} the pairing of moves, {@link Field#CONTENT} the corrupt one).
     *
     * @param old the earlier snapshot
     * @param now the later snapshot
     * @param ignore the fields not to compare
     * @param changes receives each change, on one thread, in the order described above
     * @return what was found and how much was read
     * @throws IOException when a snapshot cannot be read, or is damaged
     */
    public static DiffSummary compare(Snapshot old, Snapshot now, Set<Field> ignore, Consumer<Change> changes)
            throws IOException {
        return compare(old, now, ignore, Policy.NONE, changes);
    }

    /**
     * As {@link #compare(Snapshot, Snapshot, Set, Consumer)}, comparing at each path the fields a
     * policy says: a change of other fields is none, a growing file that grew has not changed, and
     * what the policy excludes is not compared.
     *
     * @param old the earlier snapshot
     * @param now the later snapshot
     * @param ignore fields not compared anywhere
     * @param policy what to compare where
     * @param changes receives each change, in the order described above
     * @return the counts
     * @throws IOException when a block of either file is damaged
     */
    public static DiffSummary compare(Snapshot old, Snapshot now, Set<Field> ignore, Policy policy,
                                      Consumer<Change> changes) throws IOException {
        Differ d = new Differ(old, now, ignore, policy, changes);
        // The walk recurses once per level of depth; trees deeper than PATH_MAX allows are real, so it
        // runs on a thread whose stack is reserved large (committed only as deep as the tree goes).
        Throwable[] thrown = new Throwable[1];
        Thread walker = new Thread(null, () -> {
            try {
                d.run();
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "fsnap-diff", WALK_STACK);
        walker.start();
        try {
            walker.join();
        } catch (InterruptedException e) {
            // The walker calls the consumer: it must have stopped before the caller is told the
            // comparison is over, or the consumer would go on being called behind the caller's back.
            d.abandoned = true;
            walker.interrupt();
            joinUninterruptibly(walker);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while comparing " + old.file() + " and " + now.file());
        }
        if (thrown[0] instanceof IOException e) {
            throw e;
        } else if (thrown[0] instanceof RuntimeException e) {
            throw e;
        } else if (thrown[0] instanceof Error e) {
            throw e;
        }
        return new DiffSummary(d.nAdded, d.nRemoved, d.nModified, d.nMoved, d.nUnreadable, d.nStillUnreadable, d.nRacy,
                d.directoriesRead, d.skipped, d.nCorrupt, d.nTampered);
    }

    /**
     * Every difference between two snapshots, as a stream: the comparison runs on its own thread,
     * ahead of the stream by a bounded number of changes. Closing the stream before its end stops
     * the comparison. Both snapshots must stay open until the stream is closed.
     *
     * <pre>{@code
     * try (Stream<Change> changes = Differ.changes(old, now)) {
     *     changes.filter(c -> c instanceof Change.Added).forEach(System.out::println);
     * }
     * }</pre>
     *
     * @param old the earlier snapshot
     * @param now the later snapshot
     * @return the changes, in the order {@link #compare} reports them
     * @throws java.io.UncheckedIOException from the stream's terminal operation, when a block of
     *         either file is damaged (a {@link CorruptSnapshotException} naming the file and offset)
     */
    public static java.util.stream.Stream<Change> changes(Snapshot old, Snapshot now) {
        dev.fsnap.internal.Handoff<Change> handoff = new dev.fsnap.internal.Handoff<>(1024);
        handoff.produce("fsnap-diff-stream", () -> {
            try {
                compare(old, now, c -> {
                    if (!handoff.put(c)) {
                        throw new Stopped();
                    }
                });
            } catch (Stopped stopped) {
                // the stream was closed
            }
        });
        return handoff.stream(null);
    }

    /** Waits for a thread to end, an interrupt meanwhile kept for the caller. */
    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException again) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thrown through the walk when the stream it feeds was closed, or the caller of compare gave up. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }

    /** The walking thread's stack: enough for a few hundred thousand levels. */
    private static final long WALK_STACK = 1L << 30;

    private void run() throws IOException {
        Fields a = new Fields();
        a.from(old.rootEntry(), new byte[0]);
        Fields b = new Fields();
        b.from(now.rootEntry(), new byte[0]);
        byte[] root = new byte[0];
        compareFields(a, b, root);
        boolean oldListed = old.rootFailure() == null;
        boolean newListed = now.rootFailure() == null;
        if (!oldListed || !newListed) {
            unreadable(root, oldListed ? null : Fields.Failure.of(old.rootFailure()),
                    newListed ? null : Fields.Failure.of(now.rootFailure()));
        } else if (!DirectoryRecord.unchangedByHash(old.rootHash(), old.rootFlags(), now.rootHash(), now.rootFlags())) {
            directoriesRead += 2;
            diffDirectory(old.rootDirectory(), now.rootDirectory(), root);
        } else {
            skipped++;
        }
        pairing.resolve();
    }

    DirectoryRecord read(Snapshot s, long offset) throws IOException {
        if (abandoned) {
            throw new Stopped();
        }
        directoriesRead++;
        return s.reader().readDirectory(offset);
    }

    private void diffDirectory(DirectoryRecord x, DirectoryRecord y, byte[] prefix) throws IOException {
        boolean incomplete = x.listFailure != null || y.listFailure != null;
        if (incomplete) {
            unreadable(prefix, x.listFailure, y.listFailure);
        }
        int i = 0;
        int j = 0;
        int nx = x.entries.length;
        int ny = y.entries.length;
        while (i < nx || j < ny) {
            int c = i >= nx ? 1 : j >= ny ? -1 : Arrays.compareUnsigned(x.entries[i].name, y.entries[j].name);
            if (c < 0) {
                if (!incomplete) {
                    onlyIn(old, x, i, prefix);
                }
                i++;
            } else if (c > 0) {
                if (!incomplete) {
                    onlyIn(now, y, j, prefix);
                }
                j++;
            } else {
                inBoth(x, i, y, j, prefix);
                i++;
                j++;
            }
        }
    }

    private void onlyIn(Snapshot s, DirectoryRecord d, int i, byte[] prefix) {
        Fields e = d.entries[i];
        byte[] path = Snapshot.child(prefix, e);
        if (excluded(path, e.type == EntryType.DIRECTORY)) {
            return;
        }
        if (e.failure != null) {
            unreadable(path, e.failure, s == old ? Change.Side.OLD : Change.Side.NEW);
            return;
        }
        pairing.hold(s, path, e, d, i);
    }

    private void inBoth(DirectoryRecord x, int i, DirectoryRecord y, int j, byte[] prefix) throws IOException {
        Fields a = x.entries[i];
        Fields b = y.entries[j];
        byte[] path = Snapshot.child(prefix, a);
        if (policyExcludesHeld && excluded(path, b.type == EntryType.DIRECTORY)) {
            return; // the policy leaves it out (snapshots scanned without the policy still hold it)
        }
        if (a.failure != null || b.failure != null) {
            unreadable(path, a.failure, b.failure);
            return;
        }
        compareFields(a, b, path);
        boolean dirA = a.type == EntryType.DIRECTORY;
        boolean dirB = b.type == EntryType.DIRECTORY;
        if (dirA && dirB) {
            compareSubtrees(x, i, y, j, path);
        } else if (dirA) {
            contentsOnlyIn(old, x, i, path);
        } else if (dirB) {
            contentsOnlyIn(now, y, j, path);
        }
    }

    /** A directory replaced by something else (or the reverse): its contents are on one side only. */
    private void contentsOnlyIn(Snapshot s, DirectoryRecord d, int i, byte[] path) throws IOException {
        if (d.unreadable(i)) {
            unreadable(path, d.refFailure[i], s == old ? Change.Side.OLD : Change.Side.NEW);
        } else if (d.listed(i)) {
            DirectoryRecord sub = read(s, d.childOffset[i]);
            for (int k = 0; k < sub.entries.length; k++) {
                onlyIn(s, sub, k, path);
            }
        }
    }

    private void compareFields(Fields a, Fields b, byte[] path) {
        Set<Field> fields = changed(a, b);
        if (!policy.isEmpty() && !fields.isEmpty()) {
            Set<Field> all = fields;
            fields = policy.compared(path, b.type == EntryType.DIRECTORY, fields, a.get(StatFields.SIZE),
                    b.get(StatFields.SIZE));
            if (editedWhileGrowing(a, b, path, all)) {
                // a file that only grows grew, but no longer begins with what it held: its old lines edited
                nTampered++;
                Set<Field> t = EnumSet.copyOf(all);
                t.retainAll(EnumSet.of(Field.CONTENT, Field.SIZE, Field.MTIME, Field.CTIME));
                out.accept(new Change.Tampered(path, t, a.toEntry(path), b.toEntry(path), now.isRacy(b)));
                return;
            }
        }
        if (a.readFailure != null || b.readFailure != null) {
            fields.remove(Field.TARGET); // a link's target not read is absent, not removed
            unreadable(path, a.readFailure, b.readFailure);
        }
        byte[] content = b.bytes(Field.CONTENT);
        if (content != null && ContentValue.corrupt(content) && a.bytes(Field.CONTENT) != null
                && !ignored.contains(Field.CONTENT) && comparesContent(path, b)) {
            // read again with its metadata unchanged, another digest: the baseline kept beside the digest read
            nCorrupt++;
            out.accept(new Change.Corrupt(path, a.toEntry(path), b.toEntry(path)));
        } else if (fields.contains(Field.CONTENT) && putBack(a, b)) {
            nTampered++;
            out.accept(new Change.Tampered(path, fields, a.toEntry(path), b.toEntry(path), now.isRacy(b)));
        } else if (!fields.isEmpty()) {
            nModified++;
            out.accept(new Change.Modified(path, fields, a.toEntry(path), b.toEntry(path), now.isRacy(b)));
        } else if (old.isRacy(a)) {
            nRacy++;
            out.accept(new Change.Racy(path, a.toEntry(path), b.toEntry(path), now.isRacy(b)));
        }
    }

    /**
     * Whether a file under a {@code growing} rule grew while what it held before changed: the scan
     * digested its first old-size bytes on the way and they are no longer the old digest.
     */
    private boolean editedWhileGrowing(Fields a, Fields b, byte[] path, Set<Field> changed) {
        byte[] content = b.bytes(Field.CONTENT);
        if (content == null || !ContentValue.grewChanged(content) || !changed.contains(Field.CONTENT)
                || ignored.contains(Field.CONTENT) || b.get(StatFields.SIZE) <= a.get(StatFields.SIZE)) {
            return false;
        }
        Policy.Rule r = policy.ruleFor(path, false);
        return r != null && r.action() == Policy.Action.GROWING;
    }

    /** Whether the policy compares content at a path (a corrupt file outside it is not reported). */
    private boolean comparesContent(byte[] path, Fields b) {
        if (policy.isEmpty()) {
            return true;
        }
        Policy.Rule r = policy.ruleFor(path, b.type == EntryType.DIRECTORY);
        return r == null || r.fields().contains(Field.CONTENT);
    }

    /**
     * Whether the ctime moved while the mtime stayed: a rewrite whose mtime was put back. Judged on
     * the values themselves, whatever --ignore or a policy leave out of the report (leaving out the
     * mtime must not make every rewrite look put back).
     */
    private static boolean putBack(Fields a, Fields b) {
        Set<Field> real = Fields.changed(a, b);
        return real.contains(Field.CTIME) && !real.contains(Field.MTIME);
    }

    private Set<Field> changed(Fields a, Fields b) {
        Set<Field> fields = Fields.changed(a, b);
        fields.removeAll(ignored);
        return fields;
    }

    void compareSubtrees(DirectoryRecord x, int i, DirectoryRecord y, int j, byte[] path) throws IOException {
        boolean ua = x.unreadable(i);
        boolean ub = y.unreadable(j);
        if (ua || ub) {
            unreadable(path, ua ? x.refFailure[i] : null, ub ? y.refFailure[j] : null);
            return;
        }
        if (!x.listed(i) || !y.listed(j)) {
            return; // not entered in one scan (another filesystem): nothing to compare
        }
        if (DirectoryRecord.unchangedByHash(x.hash[i], x.subtreeFlags[i], y.hash[j], y.subtreeFlags[j])) {
            skipped++;
            return;
        }
        diffDirectory(read(old, x.childOffset[i]), read(now, y.childOffset[j]), path);
    }

    void unreadable(byte[] path, Fields.Failure failure, Change.Side side) {
        if (excluded(path, false) || excluded(path, true)) { // a directory's or a file's: the failure does not say
            return;
        }
        if (side == Change.Side.BOTH) {
            nStillUnreadable++;
        } else {
            nUnreadable++;
        }
        out.accept(new Change.Unreadable(path, failure.at(path), side));
    }

    /**
     * An entry or subtree unreadable in either snapshot: in both with the same error it is still
     * so ({@link Change.Side#BOTH}, not a difference); with another error tonight it is a new
     * problem ({@link Change.Side#NEW}, tonight's error).
     */
    private void unreadable(byte[] path, Fields.Failure inOld, Fields.Failure inNew) {
        if (inOld != null && inNew != null) {
            boolean same = inOld.code().equals(inNew.code()) && inOld.operation() == inNew.operation();
            unreadable(path, inNew, same ? Change.Side.BOTH : Change.Side.NEW);
        } else {
            unreadable(path, inOld != null ? inOld : inNew, inOld != null ? Change.Side.OLD : Change.Side.NEW);
        }
    }

    /** A removed entry paired with an added one as a move: reported, and counted. */
    void moved(byte[] from, Fields r, byte[] to, Fields a) {
        nMoved++;
        out.accept(new Change.Moved(to, from, changed(r, a), r.toEntry(from), a.toEntry(to), now.isRacy(a)));
    }

    /** An entry on one side only, not paired as a move: reported added or removed, and counted. */
    void addedOrRemoved(Change.Kind kind, byte[] path, Fields e) {
        if (kind == Change.Kind.ADDED) {
            nAdded++;
            out.accept(new Change.Added(path, e.toEntry(path), now.isRacy(e)));
        } else {
            nRemoved++;
            out.accept(new Change.Removed(path, e.toEntry(path)));
        }
    }
}
