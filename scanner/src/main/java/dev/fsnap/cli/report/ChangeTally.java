package dev.fsnap.cli.report;

import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.internal.Paths;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.snapshot.Change;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a comparison's changes hold in all, taken as they stream by: counts and bytes per kind, the
 * added or removed directories whose whole subtree came or went with them (a report rolls each up
 * into one line), the directories changed only by their entries coming and going, and the
 * unreadable entries told apart (new, as last time, vanished or kept changing while the scan read
 * them). A report that prints its totals first reads the comparison twice: once into a tally, once
 * to print.
 *
 * <p>The totals of every place that shows them (the text report, the summary on stderr, the HTML
 * page, the metrics, a repository's run summary) come from here, and count entries: each entry the
 * differ reports counts once under its kind ({@link #total}), whether a report lists it on a line of
 * its own or rolls it into its added or removed directory or leaves it out as a directory changed
 * only by its entries; {@link #differences()} is their sum, racy entries aside.
 */
public final class ChangeTally implements Consumer<Change> {
    /** The fields a directory's own entry changes in when entries come and go inside it. */
    private static final Set<Field> CAUSED_BY_ENTRIES = EnumSet.of(Field.MTIME, Field.CTIME, Field.NLINK, Field.SIZE);

    private final long[] count = new long[Change.Kind.values().length];
    private final long[] bytes = new long[Change.Kind.values().length];
    /** Added or removed directories, each with the entries and bytes that came or went below it. */
    private final Map<ByteBuffer, Subtree> subtrees = new HashMap<>();
    /** Directories an entry was added to, removed from, or moved into or out of. */
    private final Set<ByteBuffer> touched = new HashSet<>();
    private long stillUnreadable;
    private long vanished;
    private long changing;
    private long newlyUnreadable;
    private long racyNew;
    /** Directories modified in no more than what entries coming and going change. */
    private final java.util.List<byte[]> modifiedLikeByEntries = new java.util.ArrayList<>();
    /** Per directory, its files whose content or size changed: what a mass change is a share of. */
    private final Map<ByteBuffer, long[]> rewrittenIn = new HashMap<>();
    private java.util.List<MassChange> massChanges = java.util.List.of();
    /** Directories with fewer files than this are never a mass change: one file of two is no pattern. */
    public static final int MASS_CHANGE_LEAST_FILES = 10;

    /**
     * A directory with more than the --mass-change share of its files rewritten.
     *
     * @param directory its path relative to the root
     * @param files the regular files in it now
     * @param rewritten those whose content or size changed
     */
    public record MassChange(byte[] directory, long files, long rewritten) {
        /** @return the share rewritten, in percent */
        public double percent() {
            return 100.0 * rewritten / files;
        }
    }

    /** The entries and bytes below an added or removed directory. */
    static final class Subtree {
        final Change.Kind kind;
        long entries;
        long bytes;

        Subtree(Change.Kind kind) {
            this.kind = kind;
        }
    }

    @Override
    public void accept(Change c) {
        Change.Kind k = c.kind();
        count[k.ordinal()]++;
        if ((k == Change.Kind.MODIFIED || k == Change.Kind.TAMPERED || k == Change.Kind.CORRUPT) && c.after() != null
                && c.after().type() == EntryType.FILE
                && (c.fields().contains(Field.SIZE) || c.fields().contains(Field.CONTENT))) {
            rewrittenIn.computeIfAbsent(ByteBuffer.wrap(dev.fsnap.internal.Paths.parent(c.path())), d -> new long[1])[0]++;
        }
        bytes[k.ordinal()] += size(c);
        if (c.racy()) {
            racyNew++;
        }
        if (likeByEntries(c)) {
            modifiedLikeByEntries.add(c.path());
        }
        if (c instanceof Change.Added a) {
            cameOrWent(c, a.after().type());
        } else if (c instanceof Change.Removed r) {
            cameOrWent(c, r.before().type());
        } else if (c instanceof Change.Moved m) {
            touched.add(ByteBuffer.wrap(Paths.parent(m.path())));
            touched.add(ByteBuffer.wrap(Paths.parent(m.from())));
        } else if (c instanceof Change.Unreadable u) {
            if (u.side() == Change.Side.BOTH) {
                stillUnreadable++;
            } else if (u.side() == Change.Side.NEW && "ECHANGING".equals(u.error().code())) {
                changing++;
            } else if (u.side() == Change.Side.NEW && live(u.error().code())) {
                vanished++;
            } else if (u.side() == Change.Side.NEW) {
                newlyUnreadable++;
            }
        }
    }

    private void cameOrWent(Change c, EntryType type) {
        byte[] path = c.path();
        touched.add(ByteBuffer.wrap(Paths.parent(path)));
        Subtree above = rolledInto(path, c.kind());
        if (above != null) {
            above.entries++;
            above.bytes += size(c);
        } else if (type == EntryType.DIRECTORY) {
            subtrees.put(ByteBuffer.wrap(path), new Subtree(c.kind()));
        }
    }

    /**
     * @param path an entry's path
     * @param kind how it changed
     * @return the added or removed directory above it that the entry came or went with, or null
     */
    Subtree rolledInto(byte[] path, Change.Kind kind) {
        if (subtrees.isEmpty() || (kind != Change.Kind.ADDED && kind != Change.Kind.REMOVED)) {
            return null;
        }
        for (int i = 0; i < path.length; i++) {
            if (path[i] == '/') {
                Subtree s = subtrees.get(ByteBuffer.wrap(path, 0, i).slice());
                if (s != null && s.kind == kind) {
                    return s;
                }
            }
        }
        return null;
    }

    /** @return the subtree below an added or removed directory, or null when it is none or holds nothing */
    Subtree subtree(byte[] path) {
        Subtree s = subtrees.get(ByteBuffer.wrap(path));
        return s == null || s.entries == 0 ? null : s;
    }

    /**
     * @param c a change
     * @return whether it is a directory's own change that only its entries coming and going caused:
     *         its mtime, ctime, link count or size, with an entry added, removed or moved in it
     */
    boolean causedByEntries(Change c) {
        return likeByEntries(c) && touched.contains(ByteBuffer.wrap(c.path()));
    }

    /** A directory modified in no more than what its entries coming and going change. */
    private static boolean likeByEntries(Change c) {
        return c instanceof Change.Modified m && m.after().type() == EntryType.DIRECTORY
                && CAUSED_BY_ENTRIES.containsAll(m.fields());
    }

    /** @return the directories modified only by their entries coming and going (once every change is in) */
    long causedByEntries() {
        long n = 0;
        for (byte[] p : modifiedLikeByEntries) {
            if (touched.contains(ByteBuffer.wrap(p))) {
                n++;
            }
        }
        return n;
    }

    /** @return how many changes of a kind */
    long count(Change.Kind kind) {
        return count[kind.ordinal()];
    }

    /** @return the bytes of the files that changed so: added (their new size), removed (their old), others (new) */
    long bytes(Change.Kind kind) {
        return bytes[kind.ordinal()];
    }

    /**
     * @return the changes that make the snapshots differ, the headline of every report: the sum of
     *         every kind's {@link #total} but racy entries'
     */
    public long differences() {
        long n = 0;
        for (Change.Kind k : Change.Kind.values()) {
            if (k != Change.Kind.RACY) {
                n += total(k);
            }
        }
        return n;
    }

    /** @return entries unreadable in both snapshots: reported, not a new change */
    public long stillUnreadable() {
        return stillUnreadable;
    }

    /**
     * How many entries of a kind the totals count, the same in every report: every entry that changed
     * so, those below an added or removed directory and directories changed only by their entries
     * included; for {@code unreadable}, without the entries unreadable as last time with the same
     * error (counted apart: {@link #stillUnreadable()}).
     *
     * @param kind a kind of change
     * @return its total
     */
    public long total(Change.Kind kind) {
        return kind == Change.Kind.UNREADABLE ? count(kind) - stillUnreadable : count(kind);
    }

    /** @return entries that vanished between their listing and their stat ({@code ENOENT}) */
    long vanished() {
        return vanished;
    }

    /** @return files that kept changing while their content was read ({@code ECHANGING}): no verdict */
    long changing() {
        return changing;
    }

    /** @return entries unreadable in the new snapshot that were readable (or absent) in the old */
    long newlyUnreadable() {
        return newlyUnreadable;
    }

    /** @return changed entries the new scan read inside its own time window */
    long racyInNew() {
        return racyNew;
    }

    /**
     * @param code an error's symbolic code
     * @return whether it is what a live filesystem does to a scan, no fault of anyone's: an entry
     *         removed between its listing and its stat ({@code ENOENT}), a file that kept changing
     *         while its content was read ({@code ECHANGING})
     */
    public static boolean live(String code) {
        return "ENOENT".equals(code) || "ECHANGING".equals(code);
    }

    static long size(Change c) {
        Change.Kind k = c.kind();
        if (k == Change.Kind.REMOVED) {
            return c.before().type() == EntryType.FILE ? c.before().size() : 0;
        }
        return c.after() != null && c.after().type() == EntryType.FILE ? c.after().size() : 0;
    }

    /**
     * Finds, once the comparison is counted, the directories with more than a share of their files
     * rewritten: reads the later snapshot's block of each directory a file was rewritten in.
     *
     * @param now the later snapshot
     * @param percent the share, in percent
     * @throws java.io.IOException when a block is damaged
     */
    public void findMassChanges(dev.fsnap.snapshot.Snapshot now, double percent) throws java.io.IOException {
        java.util.List<MassChange> found = new java.util.ArrayList<>();
        for (Map.Entry<ByteBuffer, long[]> e : rewrittenIn.entrySet()) {
            byte[] dir = new byte[e.getKey().remaining()];
            e.getKey().duplicate().get(dir);
            long files = now.filesIn(dir);
            long rewritten = e.getValue()[0];
            if (files >= MASS_CHANGE_LEAST_FILES && rewritten * 100.0 > percent * files) {
                found.add(new MassChange(dir, files, rewritten));
            }
        }
        found.sort((a, b) -> java.util.Arrays.compareUnsigned(a.directory(), b.directory()));
        massChanges = java.util.List.copyOf(found);
    }

    /** @return the directories found with more than the --mass-change share of their files rewritten */
    public java.util.List<MassChange> massChanges() {
        return massChanges;
    }

    /** @return the exit status of the comparison: the most urgent of what it found */
    public int exitStatus() {
        if (count(Change.Kind.CORRUPT) + count(Change.Kind.TAMPERED) > 0) {
            return ExitStatus.CORRUPT;
        }
        if (!massChanges.isEmpty()) {
            return ExitStatus.MASS_CHANGE;
        }
        if (newlyUnreadable() > 0) {
            return ExitStatus.UNREADABLE;
        }
        if (vanished() + changing() > 0) {
            return ExitStatus.VANISHED;
        }
        return differences() == 0 ? ExitStatus.OK : ExitStatus.CHANGED;
    }
}
