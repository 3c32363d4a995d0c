package dev.fsnap.walk;

import dev.fsnap.row.RowSchema;
import dev.fsnap.internal.ScanInternals;
import dev.fsnap.internal.Paths;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanError;
import dev.fsnap.bindings.StatFields;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The entries of one chunk of one directory, as columns: filled by a backend, delivered, then
 * reused by the same worker for its next chunk, so reading an entry allocates nothing but its name.
 */
final class EntryBatch {
    private static final ScanInternals INTERNALS = ScanInternals.get();
    byte[] parent = new byte[0];
    /** The content baseline of the entries' directory, when the scan digests content and has one. */
    ContentBaseline.Directory baseline;
    int count;
    byte[] names = new byte[16 * 1024];
    int namesLength;
    int[] nameOffset = new int[256];
    int[] nameLength = new int[256];
    EntryType[] type = new EntryType[256];
    /** Each entry's stat, a row of {@link StatFields} slots: entry {@code i} from {@code i * StatFields.WIDTH}. */
    long[] stat = new long[256 * StatFields.WIDTH];
    /** Each entry's fields held as bytes (its link target, its attribute classes): entry {@code i} from {@code i * VALUES}. */
    byte[][] values = new byte[256 * VALUES][];
    static final int VALUES = RowSchema.BYTE_VALUES;
    private static final int TARGET = RowSchema.bytesIndex(dev.fsnap.scan.Field.TARGET);
    /** Whether the scan should list this entry as a directory (a directory, or a followed link to one). */
    boolean[] descend = new boolean[256];
    /** A backend's own handle for a directory to descend into (NIO keeps the Path); null otherwise. */
    Object[] reference = new Object[256];
    final List<ScanError> errors = new ArrayList<>();
    /** The scan's per-entry steps, run on each entry once its stat is filled; most scans have none. */
    EntryStep[] steps = NO_STEPS;
    static final EntryStep[] NO_STEPS = {};

    /**
     * Names begun in this chunk's pass, dropped ones included: the watchdog reads it to tell which
     * name a stuck stat is on (written opaquely, read by another thread).
     */
    private int begun;
    /** Set by the watchdog when it gave up on this batch's stat: the backend stops at the next name. */
    volatile boolean abandoned;
    /** Names of this pass recorded lost instead of stat'ed, or null. */
    private Lost lost;

    /**
     * Names of a pass to record as lost instead of stat'ing: the {@code from}-th name begun (its
     * index among those begun) with {@code first}, and every later one with {@code rest} unless null.
     */
    record Lost(int from, Failure first, Failure rest, boolean restBefore) {
    }

    void reset(byte[] parentPath) {
        reset(parentPath, null);
    }

    /**
     * @param parentPath the path of the entries' directory
     * @param parentBaseline its content baseline, or null
     */
    void reset(byte[] parentPath, ContentBaseline.Directory parentBaseline) {
        parent = parentPath;
        baseline = parentBaseline;
        count = 0;
        namesLength = 0;
        errors.clear();
        BEGUN.setOpaque(this, 0);
        abandoned = false;
        lost = null;
    }

    /**
     * Whether {@link #begin} notes when each name began ({@link #nameBegan}): on a network
     * filesystem, where the names of one directory may wait in line behind one that hung, and the
     * watchdog must tell which began first. A clock read per name, beside a round trip.
     */
    boolean timesNames;
    /** When the last name began, {@link ScanThread#ORIGIN}-based; written only when {@link #timesNames}. */
    private long nameBegan;

    /** @return when the last name began (see {@link #timesNames}); from any thread */
    long nameBegan() {
        return (long) NAME_BEGAN.getOpaque(this);
    }

    /** @return the names begun so far in this pass; from any thread */
    int begun() {
        return (int) BEGUN.getOpaque(this);
    }

    /** Pieces of content read in this batch: a long read shows the watchdog it is not stuck. */
    private int progress;

    /** @return the pieces read so far; from any thread */
    int progress() {
        return (int) PROGRESS.getOpaque(this);
    }

    /** Called by a step between calls of a long read (a file's content, piece by piece). */
    void progressed() {
        PROGRESS.setOpaque(this, progress + 1);
    }

    /** @return whether this pass records some names as lost (see {@link #lose}): a rescue's pass */
    boolean losesNames() {
        return lost != null;
    }

    /** Makes this pass record these names as lost instead of stat'ing them (one hung in an earlier try). */
    void lose(Lost names) {
        lost = names;
    }

    /**
     * Called by a backend for each name once begun: whether it is lost (see {@link #lose}); then
     * its error is recorded, the entry dropped, and the backend goes on to the next name.
     */
    boolean lost(int i) {
        Lost l = lost;
        int n = begun - 1;
        if (l == null || (n < l.from() && !l.restBefore()) || (n > l.from() && l.rest() == null)) {
            return false;
        }
        errors.add((n == l.from() ? l.first() : l.rest()).at(path(i), Operation.STAT));
        dropLast();
        return true;
    }

    private static final java.lang.invoke.VarHandle BEGUN;
    private static final java.lang.invoke.VarHandle PROGRESS;
    private static final java.lang.invoke.VarHandle NAME_BEGAN;

    static {
        try {
            BEGUN = java.lang.invoke.MethodHandles.lookup().findVarHandle(EntryBatch.class, "begun", int.class);
            PROGRESS = java.lang.invoke.MethodHandles.lookup().findVarHandle(EntryBatch.class, "progress", int.class);
            NAME_BEGAN = java.lang.invoke.MethodHandles.lookup().findVarHandle(EntryBatch.class, "nameBegan", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts an entry: stores its name and returns its index; the backend fills the columns. */
    int add(byte[] source, int offset, int length) {
        int i = begin(length);
        System.arraycopy(source, offset, names, namesLength, length);
        namesLength += length;
        return i;
    }

    /** Starts an entry whose {@code length} name bytes the caller copies to {@code names[nameOffset[i]]}. */
    int begin(int length) {
        if (count == type.length) {
            grow();
        }
        if (namesLength + length > names.length) {
            names = Arrays.copyOf(names, Math.max(names.length * 2, namesLength + length));
        }
        int i = count++;
        BEGUN.setOpaque(this, begun + 1);
        if (timesNames) {
            NAME_BEGAN.setOpaque(this, System.nanoTime() - ScanThread.ORIGIN);
        }
        nameOffset[i] = namesLength;
        nameLength[i] = length;
        StatFields.clear(stat, i * StatFields.WIDTH);
        Arrays.fill(values, i * VALUES, i * VALUES + VALUES, null);
        descend[i] = false;
        reference[i] = null;
        return i;
    }

    void commitName(int length) {
        namesLength += length;
    }

    /**
     * Called by a backend once entry {@code i}'s stat (and link target) is filled: runs the scan's
     * per-entry steps on it, on this thread, inside the watched call. A failed step's error is
     * recorded for the entry, which is kept.
     */
    void statted(FileSystemAccess.Worker worker, int i) {
        EntryStep[] s = steps;
        for (int k = 0; k < s.length && !abandoned; k++) {
            Failure f = s[k].apply(worker, this, i);
            if (f != null) {
                errors.add(f.at(path(i), s[k].operation()));
            }
        }
    }

    /** Drops the last entry begun (its metadata could not be read). */
    void dropLast() {
        count--;
        namesLength = nameOffset[count];
    }

    /**
     * Removes the entries the rules exclude, and the errors of names they exclude (whose type is
     * unknown: a pattern for directories only does not match them).
     *
     * @param from this directory's path as the rules see it: relative to the scan's root, or, in a
     *             shard's scan, to the plan's
     */
    void leaveOut(PathRules rules, byte[] from) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (INTERNALS.excludesName(rules, from, names, nameOffset[i], nameLength[i], type[i] == EntryType.DIRECTORY)) {
                continue;
            }
            if (kept != i) {
                move(i, kept);
            }
            kept++;
        }
        count = kept;
        if (!errors.isEmpty()) {
            int nameStart = parent.length == 0 ? 0 : parent.length + 1;
            errors.removeIf(e -> {
                byte[] p = e.path();
                return p.length > nameStart && INTERNALS.excludesName(rules, from, p, nameStart, p.length - nameStart, false);
            });
        }
    }

    private void move(int from, int to) {
        nameOffset[to] = nameOffset[from];
        nameLength[to] = nameLength[from];
        type[to] = type[from];
        System.arraycopy(stat, from * StatFields.WIDTH, stat, to * StatFields.WIDTH, StatFields.WIDTH);
        System.arraycopy(values, from * VALUES, values, to * VALUES, VALUES);
        descend[to] = descend[from];
        reference[to] = reference[from];
    }

    /** The entry's path relative to the root: parent, '/', name (just the name below the root). */
    byte[] path(int i) {
        return path(names, nameOffset[i], nameLength[i]);
    }

    /** The path relative to the root of a name in this batch's directory. */
    byte[] path(byte[] source, int offset, int length) {
        return Paths.child(parent, source, offset, length);
    }

    /** @return the value of one {@link StatFields} slot of entry {@code i} */
    long get(int i, int slot) {
        return stat[i * StatFields.WIDTH + slot];
    }

    void set(int i, int slot, long value) {
        stat[i * StatFields.WIDTH + slot] = value;
    }

    Entry entry(int i) {
        return INTERNALS.entry(path(i), type[i], stat, i * StatFields.WIDTH, values, i * VALUES);
    }

    /** @return entry {@code i}'s link target, or null */
    byte[] target(int i) {
        return values[i * VALUES + TARGET];
    }

    void setTarget(int i, byte[] target) {
        values[i * VALUES + TARGET] = target;
    }

    private void grow() {
        int n = type.length * 2;
        nameOffset = Arrays.copyOf(nameOffset, n);
        nameLength = Arrays.copyOf(nameLength, n);
        type = Arrays.copyOf(type, n);
        stat = Arrays.copyOf(stat, n * StatFields.WIDTH);
        values = Arrays.copyOf(values, n * VALUES);
        descend = Arrays.copyOf(descend, n);
        reference = Arrays.copyOf(reference, n);
    }
}
