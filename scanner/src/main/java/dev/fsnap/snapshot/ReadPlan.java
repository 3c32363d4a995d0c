package dev.fsnap.snapshot;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an incremental backup must read: the regular files added or modified between two
 * snapshots, and those whose change the old snapshot could not have seen (racy), in a stable order
 * (path bytes, unsigned), with their sizes. Also what it must know without reading: files moved,
 * entries removed, and what could not be read (nothing is known of those; a backup should not
 * take their absence as a deletion).
 *
 * <p>A plan holds the changes in memory, not the tree.
 */
public final class ReadPlan {
    /** Why a file is to be read. */
    public enum Reason {
        /** New since the old snapshot. */
        ADDED,
        /** Its metadata changed (size, mtime, ctime, inode, mode, owner, or it became a file). */
        MODIFIED,
        /** Unchanged metadata, but read inside the old scan's time window: a change may not show. */
        RACY
    }

    /**
     * One file to read.
     *
     * @param entry the file as the new snapshot saw it ({@link Entry#path()}, {@link Entry#size()})
     * @param reason why it is to be read
     */
    public record FileToRead(Entry entry, Reason reason) {
        /**
         * Checks.
         *
         * @param entry the file as the new snapshot saw it ({@link Entry#path()}, {@link Entry#size()})
         * @param reason why it is to be read
         * @throws NullPointerException when a component is null
         */
        public FileToRead {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(reason, "reason");
        }

        /** @return the path relative to the root, raw bytes */
        public byte[] path() {
            return entry.path();
        }

        /** @return the size in bytes the snapshot recorded */
        public long size() {
            return entry.size();
        }
    }


    private final List<FileToRead> files;
    private final List<Change.Moved> moved;
    private final List<Change.Removed> removed;
    private final List<Change.Unreadable> unreadable;
    private final List<Change.Modified> sameContent = new ArrayList<>();
    private final List<Change.Corrupt> corrupt = new ArrayList<>();
    private final long bytes;

    private ReadPlan(List<FileToRead> files, List<Change.Moved> moved, List<Change.Removed> removed,
                     List<Change.Unreadable> unreadable) {
        this.files = Collections.unmodifiableList(byPath(files));
        this.moved = Collections.unmodifiableList(moved);
        this.removed = Collections.unmodifiableList(removed);
        this.unreadable = Collections.unmodifiableList(unreadable);
        long sum = 0;
        for (FileToRead f : files) {
            sum += f.size();
        }
        this.bytes = sum;
    }

    /** The files in path order (bytes, unsigned); each path is copied once, not at every comparison. */
    private static List<FileToRead> byPath(List<FileToRead> files) {
        List<Map.Entry<byte[], FileToRead>> keyed = new ArrayList<>(files.size());
        for (FileToRead f : files) {
            keyed.add(Map.entry(f.path(), f));
        }
        keyed.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
        List<FileToRead> sorted = new ArrayList<>(keyed.size());
        for (Map.Entry<byte[], FileToRead> k : keyed) {
            sorted.add(k.getValue());
        }
        return sorted;
    }

    /**
     * The plan from one snapshot to the next.
     *
     * @param old the last backup's snapshot
     * @param now tonight's snapshot
     * @return the plan
     * @throws IOException when a block of either snapshot is damaged ({@link CorruptSnapshotException})
     */
    public static ReadPlan between(Snapshot old, Snapshot now) throws IOException {
        return between(old, now, dev.fsnap.scan.Policy.NONE);
    }

    /**
     * The plan from one snapshot to the next, comparing at each path what a policy says there (the
     * same policy a nightly check reports with): a file whose only changes are in fields the policy
     * does not compare there, or a growing file that grew, is not read; what it excludes is left out.
     *
     * @param old the last backup's snapshot
     * @param now tonight's snapshot
     * @param policy what to compare where
     * @return the plan
     * @throws IOException when a block of either snapshot is damaged ({@link CorruptSnapshotException})
     */
    public static ReadPlan between(Snapshot old, Snapshot now, dev.fsnap.scan.Policy policy) throws IOException {
        List<FileToRead> files = new ArrayList<>();
        List<Change.Moved> moved = new ArrayList<>();
        List<Change.Removed> removed = new ArrayList<>();
        List<Change.Unreadable> unreadable = new ArrayList<>();
        List<Change.Modified> same = new ArrayList<>();
        List<Change.Corrupt> rotten = new ArrayList<>();
        Differ.compare(old, now, java.util.Set.of(), policy, c -> {
            if (c instanceof Change.Added a && isFile(a.after())) {
                files.add(new FileToRead(a.after(), Reason.ADDED));
            } else if (c instanceof Change.Modified m && isFile(m.after()) && sameDigest(m)) {
                same.add(m);
            } else if (c instanceof Change.Modified m && isFile(m.after())) {
                files.add(new FileToRead(m.after(), Reason.MODIFIED));
            } else if (c instanceof Change.Tampered t) {
                files.add(new FileToRead(t.after(), Reason.MODIFIED));
            } else if (c instanceof Change.Corrupt r) {
                rotten.add(r);
            } else if (c instanceof Change.Racy r && isFile(r.after())) {
                files.add(new FileToRead(r.after(), Reason.RACY));
            } else if (c instanceof Change.Moved m) {
                moved.add(m);
            } else if (c instanceof Change.Removed r) {
                removed.add(r);
            } else if (c instanceof Change.Unreadable u) {
                unreadable.add(u);
            }
        });
        ReadPlan plan = new ReadPlan(files, moved, removed, unreadable);
        plan.sameContent.addAll(same);
        plan.corrupt.addAll(rotten);
        return plan;
    }

    /** A modified file whose content digest both snapshots know, and equal: its bytes need no reading. */
    private static boolean sameDigest(Change.Modified m) {
        return m.before().content() != null && m.after().content() != null && !m.fields().contains(Field.CONTENT);
    }

    /**
     * Files whose metadata changed but whose content digest did not (both snapshots read content,
     * {@code --digest}): a {@code touch}, a {@code chmod}, a copy put back. A backup records their
     * new metadata without reading their bytes again.
     *
     * @return the modifications, in the order the comparison met them
     */
    public List<Change.Modified> sameContent() {
        return Collections.unmodifiableList(sameContent);
    }

    /**
     * Files found corrupt (content changed, metadata not): a backup must not replace its good
     * copy with what is now on the disk.
     *
     * @return the corrupt files
     */
    public List<Change.Corrupt> corrupt() {
        return Collections.unmodifiableList(corrupt);
    }

    /**
     * The plan of a first backup: every regular file of the snapshot, as added.
     *
     * @param now the snapshot
     * @return the plan; what the snapshot could not read is in {@link #unreadable()}
     * @throws IOException when a block of the snapshot is damaged
     */
    public static ReadPlan everything(Snapshot now) throws IOException {
        List<FileToRead> files = new ArrayList<>();
        List<Change.Unreadable> unreadable = new ArrayList<>();
        now.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry entry) {
                if (isFile(entry)) {
                    files.add(new FileToRead(entry, Reason.ADDED));
                }
            }

            @Override
            public void unreadable(dev.fsnap.scan.ScanError error) {
                unreadable.add(new Change.Unreadable(error.path(), error, Change.Side.NEW));
            }
        });
        return new ReadPlan(files, new ArrayList<>(), new ArrayList<>(), unreadable);
    }

    private static boolean isFile(Entry e) {
        return e.type() == EntryType.FILE;
    }

    /** @return the files to read, in path order (bytes, unsigned) */
    public List<FileToRead> files() {
        return files;
    }

    /** @return the sum of the sizes of {@link #files()} */
    public long bytes() {
        return bytes;
    }

    /** @return files and directories found at another path: the same content, nothing to read */
    public List<Change.Moved> moved() {
        return moved;
    }

    /** @return entries gone since the old snapshot */
    public List<Change.Removed> removed() {
        return removed;
    }

    /** @return what either snapshot could not read: not known to be unchanged, nor to be gone */
    public List<Change.Unreadable> unreadable() {
        return unreadable;
    }
}
