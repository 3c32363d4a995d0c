package dev.fsnap.snapshot;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.EntryType;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Fields;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries a comparison found on one side only: held while {@link Differ} walks, then paired as
 * moves by device and inode, size and mtime (a new or removed directory opened a level at a time,
 * so that a file moved into it is found, up to {@link Differ#EXPANSION_LIMIT} held entries), and
 * the rest reported as added or removed, in path order.
 *
 * <p>Apart from the walk, which reports what it meets on both sides as it goes and holds nothing
 * of the tree: this runs once the walk is over, and its memory grows with the changes. Its
 * reports, counts and reads go through the differ.
 */
final class MovePairing {
    private final Differ differ;
    /** The earlier snapshot: what is held from it was removed, what is held from the other added. */
    private final Snapshot old;
    /** False when either snapshot has no inodes: every entry would look like every other. */
    private final boolean pairsMoves;
    private final List<Pending> removed = new ArrayList<>();
    private final List<Pending> added = new ArrayList<>();
    private long held;

    MovePairing(Differ differ, Snapshot old, boolean pairsMoves) {
        this.differ = differ;
        this.old = old;
        this.pairsMoves = pairsMoves;
    }

    /** An entry of directory {@code d} found in {@code side} only: held to be paired or reported. */
    void hold(Snapshot side, byte[] path, Fields e, DirectoryRecord d, int i) {
        (side == old ? removed : added).add(new Pending(path, e, side, d, i, null));
        held++;
    }

    /** An entry found on one side only, waiting to be paired as a move or reported. */
    private static final class Pending {
        final byte[] path;
        final Fields entry;
        final Snapshot side;
        final DirectoryRecord dir;
        final int index;
        /** The held directory this entry was found in while pairing, or null. */
        final Pending parent;
        boolean expanded;
        boolean done;

        Pending(byte[] path, Fields entry, Snapshot side, DirectoryRecord dir, int index, Pending parent) {
            this.path = path;
            this.entry = entry;
            this.side = side;
            this.dir = dir;
            this.index = index;
            this.parent = parent;
        }

        boolean listedDirectory() {
            return entry.type == EntryType.DIRECTORY && dir.listed(index);
        }

        boolean isUnder(Pending p) {
            for (Pending q = parent; q != null; q = q.parent) {
                if (q == p) {
                    return true;
                }
            }
            return false;
        }

        Key key() {
            return new Key(entry.get(StatFields.DEVICE), entry.get(StatFields.INODE));
        }
    }

    /** A file's identity. (Not a record: a record's hashCode is bootstrapped on first use, slow in a short run.) */
    private static final class Key {
        private final long device;
        private final long inode;

        Key(long device, long inode) {
            this.device = device;
            this.inode = inode;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.inode == inode && k.device == device;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(inode * 31 + device);
        }
    }

    /** Pairs what the walk held as moves, then reports the rest as added or removed, in path order. */
    void resolve() throws IOException {
        while (true) {
            boolean paired = pairMoves();
            boolean opened = false;
            for (List<Pending> side : List.of(new ArrayList<>(removed), new ArrayList<>(added))) {
                for (Pending p : side) {
                    if (pairsMoves && !p.done && !p.expanded && p.listedDirectory() && held < Differ.EXPANSION_LIMIT) {
                        expand(p, p.side == old ? removed : added);
                        opened = true;
                    }
                }
            }
            if (!paired && !opened) {
                break;
            }
        }
        report(removed, Change.Kind.REMOVED);
        report(added, Change.Kind.ADDED);
    }

    private void expand(Pending p, List<Pending> into) throws IOException {
        p.expanded = true;
        DirectoryRecord sub = differ.read(p.side, p.dir.childOffset[p.index]);
        for (int k = 0; k < sub.entries.length; k++) {
            Fields e = sub.entries[k];
            byte[] path = Snapshot.child(p.path, e);
            if (differ.excluded(path, e.type == EntryType.DIRECTORY)) {
                continue;
            }
            if (e.failure != null) {
                differ.unreadable(path, e.failure, p.side == old ? Change.Side.OLD : Change.Side.NEW);
                continue;
            }
            into.add(new Pending(path, e, p.side, sub, k, p));
            held++;
        }
    }

    /** Pairs entries removed here and added there with the same device and inode, size and mtime. */
    private boolean pairMoves() throws IOException {
        if (!pairsMoves) {
            return false; // without inodes every entry would look like every other
        }
        Map<Key, List<Pending>> gone = new HashMap<>();
        for (Pending p : removed) {
            if (!p.done) {
                gone.computeIfAbsent(p.key(), k -> new ArrayList<>(1)).add(p);
            }
        }
        Map<Key, Integer> arrived = new HashMap<>();
        for (Pending p : added) {
            if (!p.done) {
                arrived.merge(p.key(), 1, Integer::sum);
            }
        }
        List<Pending[]> pairs = new ArrayList<>();
        for (Pending a : added) {
            if (a.done) {
                continue;
            }
            List<Pending> candidates = gone.get(a.key());
            if (candidates == null || candidates.size() != 1 || arrived.get(a.key()) != 1) {
                continue; // hard links: several paths share the inode, no single move to report
            }
            Pending r = candidates.get(0);
            Fields x = r.entry;
            Fields y = a.entry;
            if (x.type == y.type && x.get(StatFields.SIZE) == y.get(StatFields.SIZE)
                    && x.get(StatFields.MTIME_SEC) == y.get(StatFields.MTIME_SEC)
                    && x.get(StatFields.MTIME_NSEC) == y.get(StatFields.MTIME_NSEC)) {
                pairs.add(new Pending[] {r, a});
            }
        }
        for (Pending[] pair : pairs) {
            Pending r = pair[0];
            Pending a = pair[1];
            if (r.done || a.done) {
                continue;
            }
            r.done = true;
            a.done = true;
            withdrawBelow(r, removed);
            withdrawBelow(a, added);
            differ.moved(r.path, r.entry, a.path, a.entry);
            if (r.listedDirectory() && a.listedDirectory()) {
                differ.compareSubtrees(r.dir, r.index, a.dir, a.index, a.path);
            }
        }
        removed.removeIf(p -> p.done);
        added.removeIf(p -> p.done);
        return !pairs.isEmpty();
    }

    /** Entries held from inside a directory that turned out to be moved are compared with it instead. */
    private void withdrawBelow(Pending dir, List<Pending> side) {
        if (!dir.expanded) {
            return;
        }
        for (Pending p : side) {
            if (!p.done && p.isUnder(dir)) {
                p.done = true;
                held--;
            }
        }
    }

    private void report(List<Pending> side, Change.Kind kind) throws IOException {
        side.sort(Comparator.comparing(p -> p.path, Arrays::compareUnsigned));
        for (Pending p : side) {
            if (p.done) {
                continue;
            }
            differ.addedOrRemoved(kind, p.path, p.entry);
            if (p.entry.type != EntryType.DIRECTORY || p.expanded) {
                continue;
            }
            if (p.dir.unreadable(p.index)) {
                differ.unreadable(p.path, p.dir.refFailure[p.index], p.side == old ? Change.Side.OLD : Change.Side.NEW);
            } else if (p.dir.listed(p.index)) {
                reportSubtree(kind, p.side, differ.read(p.side, p.dir.childOffset[p.index]), p.path);
            }
        }
    }

    /** Past the pairing limit: a whole subtree on one side, reported entry by entry, depth first. */
    private void reportSubtree(Change.Kind kind, Snapshot s, DirectoryRecord d, byte[] prefix) throws IOException {
        Change.Side side = s == old ? Change.Side.OLD : Change.Side.NEW;
        for (int k = 0; k < d.entries.length; k++) {
            Fields e = d.entries[k];
            byte[] path = Snapshot.child(prefix, e);
            if (differ.excluded(path, e.type == EntryType.DIRECTORY)) {
                continue;
            }
            if (e.failure != null) {
                differ.unreadable(path, e.failure, side);
                continue;
            }
            differ.addedOrRemoved(kind, path, e);
            if (d.unreadable(k)) {
                differ.unreadable(path, d.refFailure[k], side);
            } else if (d.listed(k)) {
                reportSubtree(kind, s, differ.read(s, d.childOffset[k]), path);
            }
        }
    }
}
