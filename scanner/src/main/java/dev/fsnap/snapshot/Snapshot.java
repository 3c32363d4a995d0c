package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.DirectoryRecord;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Footer;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.snapshot.format.Header;
import dev.fsnap.snapshot.format.RacyFrom;
import dev.fsnap.snapshot.format.UnreadableBlock;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * A snapshot file, open for reading. Opening verifies the whole file before anything in it is
 * trusted: every block's checksum, every directory block's hash against the reference its parent
 * holds, each block reached once and only once, the unreadable list complete (see
 * {@link Verification}). After that, a lookup reads one block per path component and a walk holds
 * one block per level of depth, never the whole file.
 *
 * <p>The file's bytes are read through a {@code SnapshotReader}; this class answers what the
 * snapshot says of the tree.
 */
public final class Snapshot implements Closeable {
    /** The file's blocks: every read of this snapshot goes through it. */
    private final SnapshotReader reader;
    /** What was asked of the scan, and the columns entries may carry. */
    private final Header header;
    /** How the scan ended, the root's entry and reference. */
    private final Footer footer;
    private final RacyFrom racyFrom;
    private Verification verification;

    private Snapshot(SnapshotReader reader) {
        this.reader = reader;
        this.header = reader.header();
        this.footer = reader.footer();
        this.racyFrom = reader.racyFrom();
    }

    /**
     * Opens a snapshot and verifies all of it: header, footer and trailer, the checksum of every
     * block, every directory block against the hash its parent holds, each block referenced once,
     * and the unreadable list against the scan's error count.
     *
     * @param file the snapshot file
     * @return the open snapshot
     * @throws CorruptSnapshotException when the file is not a snapshot, is truncated or damaged
     * @throws IncompatibleSnapshotException when it was written in a format version not read here
     * @throws IOException when it cannot be read
     */
    public static Snapshot open(Path file) throws IOException {
        SnapshotReader r = SnapshotReader.open(file);
        try {
            Snapshot s = new Snapshot(r);
            s.verification = Verifier.verify(r);
            return s;
        } catch (IOException | RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** The file's blocks, for those that read the tree block by block (the differ, a merge, a baseline). */
    SnapshotReader reader() {
        return reader;
    }

    private DirectoryRecord readDirectory(long offset) throws IOException {
        return reader.readDirectory(offset);
    }

    /** @return the root directory's block offset, or -1 when the root could not be listed */
    long rootListing() {
        return footer.rootRef().listed() ? footer.rootRef().offset() : -1;
    }

    /**
     * The block of a directory below the root, found one component at a time.
     *
     * @param path the directory, relative to the root ({@code ""}: the root)
     * @return its block offset ({@link Format#EMPTY_OFFSET} when it was empty), or -1 when the
     *         snapshot did not list a directory there
     * @throws IOException when a block on the way is damaged
     */
    long listingAt(byte[] path) throws IOException {
        long at = rootListing();
        for (byte[] name : path.length == 0 ? List.<byte[]>of() : split(path)) {
            if (at < 0 || at == Format.EMPTY_OFFSET) {
                return -1;
            }
            DirectoryRecord dir = readDirectory(at);
            int i = dir.find(name);
            at = i >= 0 && dir.listed(i) ? dir.childOffset[i] : -1;
        }
        return at;
    }

    /**
     * The regular files directly in a directory: what a share of its files is a share of.
     *
     * @param directory the directory's path relative to the root ({@code ""}: the root)
     * @return how many regular files it holds, or -1 when the snapshot did not list a directory there
     * @throws IOException when a block on the way is damaged
     */
    public long filesIn(byte[] directory) throws IOException {
        long at = listingAt(directory);
        if (at < 0) {
            return -1;
        }
        long files = 0;
        for (Fields e : readDirectory(at).entries) {
            if (e.type == EntryType.FILE && e.failure == null) {
                files++;
            }
        }
        return files;
    }

    /** The root directory's block, or null when the root could not be listed. */
    DirectoryRecord rootDirectory() throws IOException {
        return footer.rootRef().listed() ? readDirectory(footer.rootRef().offset()) : null;
    }

    /**
     * What opening checked: every block of the file was read once, its checksum and, for directory
     * blocks, its hash against the reference its parent holds.
     *
     * @return the check's counts
     */
    public Verification verification() {
        return verification;
    }

    /**
     * The tree's Merkle hash: the root directory's, over every entry's metadata all the way down.
     * Two scans of the same tree at rest have the same (unless they digested content, whose values
     * hold when each file was read), and so have a single scan and the merge of a plan's parts.
     *
     * @return 32 hexadecimal digits, or null when the root could not be listed
     */
    public String treeHash() {
        byte[] h = footer.rootRef().hash();
        return h == null ? null : java.util.HexFormat.of().formatHex(h);
    }

    /**
     * The plan this snapshot is a part of, when its scan covered one shard of a tree split for many
     * machines ({@link ShardPlan}); such a part records the directories other shards cover without
     * their contents, until {@link SnapshotMerge} grafts the parts into one snapshot.
     *
     * @return the plan's identity, or an empty string for a snapshot of a whole tree
     */
    public String shardPlan() {
        return header.plan();
    }

    /** @return the shard's index in {@link #shardPlan()}'s plan; 0 for a whole tree */
    public int shardIndex() {
        return header.shard();
    }

    /** The header, for a merge of parts. */
    Header header() {
        return header;
    }

    /** The footer, for a merge of parts. */
    Footer footer() {
        return footer;
    }

    byte[] rootHash() {
        return footer.rootRef().hash();
    }

    int rootFlags() {
        return footer.rootRef().flags();
    }

    ScanError rootFailure() {
        return footer.rootRef().failure() == null ? null : footer.rootRef().failure().at(new byte[0]);
    }

    /** @return the file */
    public Path file() {
        return reader.file();
    }

    /** @return the scanned root, as an absolute path */
    public String root() {
        return header.root();
    }

    /**
     * @return when the scan started: for an approved baseline with some changes of a later scan
     *         taken over (format version 8), that later scan's start
     */
    public Instant started() {
        return footer.started() != null ? footer.started() : header.started();
    }

    /** @return when the scan ended */
    public Instant finished() {
        return footer.finished();
    }

    /** @return the racy window: timestamps this long before {@link #started()} or later are racy */
    public Duration racyWindow() {
        return header.racyWindow();
    }

    /**
     * @return the backend that read the tree, by its {@link Backend} name as recorded ({@code NATIVE}
     *         or {@code NIO}; a name this version does not know is given as it is)
     */
    public String backend() {
        return footer.backend();
    }

    /** @return why that backend read it, as the scan's summary said ({@link dev.fsnap.scan.ScanSummary#backendReason()}) */
    public String backendReason() {
        return footer.backendReason();
    }

    /** The options of the scan, for a test's message: threads asked for, backend asked for, links, filesystems, rules. */
    String options() {
        return "threads=" + (header.threads() == 0 ? "auto" : header.threads()) + " backend="
                + header.backend().toLowerCase(java.util.Locale.ROOT) + " follow=" + header.followSymlinks()
                + " one-file-system=" + header.oneFileSystem()
                + (header.rules().isEmpty() ? "" : " exclude=" + header.rules().patterns());
    }

    /**
     * The options the snapshot's scan was made with, to scan the same way again: root, threads and
     * backend asked for, links followed, one-file-system, rules. (The native buffer size, stat call
     * and operation timeout are not recorded; these have their defaults.)
     *
     * @return the options
     * @throws IllegalArgumentException when the recorded root is not a valid path here
     */
    public ScanOptions scanOptions() {
        Backend b;
        try {
            b = Backend.valueOf(header.backend());
        } catch (IllegalArgumentException e) {
            b = Backend.AUTO;
        }
        return ScanOptions.builder(java.nio.file.Path.of(header.root()))
                .threads(Math.min(header.threads(), ScanOptions.MAX_THREADS)).backend(b)
                .followSymlinks(header.followSymlinks()).oneFileSystem(header.oneFileSystem()).rules(header.rules())
                .build();
    }

    /**
     * What the snapshot's scan left out on purpose. An entry these rules exclude is missing from the
     * snapshot, and the differ does not report it as added or removed.
     *
     * @return the rules, {@link PathRules#NONE} when there were none
     */
    public PathRules rules() {
        return header.rules();
    }

    /**
     * The fields the scan did not read: the extended attribute fields unless it read them
     * ({@code --xattrs}; never before version 5), and what its backend cannot read (Windows: inode,
     * device, owner, group, link count, change time, link target). They read as zero or null in
     * this snapshot's entries and are ignored when it is compared.
     *
     * @return the absent fields
     */
    public Set<Field> absentFields() {
        java.util.EnumSet<Field> absent = java.util.EnumSet.noneOf(Field.class);
        absent.addAll(footer.absentFields());
        for (Field f : Field.values()) {
            if ((f.kind() == Field.Kind.XATTRS || f.kind() == Field.Kind.CONTENT) && !header.columns().has(f)) {
                absent.add(f);
            }
        }
        return java.util.Collections.unmodifiableSet(absent);
    }

    /** @return the algorithm of the content digests this snapshot keeps, or null when its scan read no content */
    public dev.fsnap.scan.Digest contentDigest() {
        return header.digest().isEmpty() ? null : dev.fsnap.scan.Digest.ofLabel(header.digest());
    }

    /** @return the worker threads the scan used */
    public int threads() {
        return footer.threads();
    }

    /** @return entries read, the root included */
    public long entries() {
        return footer.entries();
    }

    /** @return directories among them */
    public long directories() {
        return footer.directories();
    }

    /** @return entries or directories that could not be read */
    public long errors() {
        return footer.errors();
    }

    /** @return the sum of the sizes of regular files */
    public long bytes() {
        return footer.bytes();
    }

    /** @return the root's own entry (empty path) */
    public Entry rootEntry() {
        return footer.root();
    }

    /**
     * Whether an entry of this snapshot is racy: its mtime or ctime falls inside the scan's time
     * window (or within {@link #racyWindow()} before it), so a later change in the same timestamp
     * tick would not show in a comparison.
     *
     * @param e an entry of this snapshot
     * @return true when racy
     */
    public boolean isRacy(Entry e) {
        return racyFrom.covers(e.mtimeSec(), e.mtimeNsec()) || racyFrom.covers(e.ctimeSec(), e.ctimeNsec());
    }

    boolean isRacy(Fields f) {
        return f.failure == null && racyFrom.covers(f);
    }

    /** What a snapshot knows of one path. */
    public enum Status {
        /** The path was read: {@link Lookup#entry()} is its metadata. */
        FOUND,
        /** The path did not exist when the snapshot was taken. */
        ABSENT,
        /** The path, or a directory above it, could not be read: the snapshot does not know. */
        UNREADABLE,
        /** The path is below a directory the scan did not enter (another filesystem). */
        NOT_SCANNED,
        /** The snapshot's {@link #rules()} left the path out: the snapshot does not know. */
        EXCLUDED
    }

    /**
     * The answer to {@link #lookup}.
     *
     * @param status what the snapshot knows
     * @param entry the entry when {@link Status#FOUND}, else null
     * @param error why not, when {@link Status#UNREADABLE}, else null
     */
    public record Lookup(Status status, Entry entry, ScanError error) {
    }

    /**
     * Finds one path, reading one directory block per component.
     *
     * @param path relative to the root, components separated by {@code '/'}; empty for the root
     * @return what the snapshot knows of it
     * @throws IllegalArgumentException when the path has an empty component or a leading {@code '/'}
     * @throws IOException when a block on the way is damaged
     */
    public Lookup lookup(byte[] path) throws IOException {
        if (path.length == 0) {
            return new Lookup(Status.FOUND, footer.root(), null);
        }
        List<byte[]> components = split(path);
        if (!footer.rootRef().listed()) {
            return new Lookup(Status.UNREADABLE, null, rootFailure());
        }
        DirectoryRecord dir = readDirectory(footer.rootRef().offset());
        int consumed = 0;
        for (int k = 0; k < components.size(); k++) {
            byte[] name = components.get(k);
            byte[] dirPath = Arrays.copyOf(path, Math.max(0, consumed - 1));
            int i = dir.find(name);
            if (i < 0) {
                return dir.listFailure != null ? new Lookup(Status.UNREADABLE, null, dir.listFailure.at(dirPath))
                        : absent(path);
            }
            consumed += name.length + 1;
            byte[] here = Arrays.copyOf(path, consumed - 1);
            Fields e = dir.entries[i];
            if (e.failure != null) {
                return new Lookup(Status.UNREADABLE, null, e.failure.at(here));
            }
            if (k == components.size() - 1) {
                return new Lookup(Status.FOUND, e.toEntry(here), null);
            }
            if (e.type != EntryType.DIRECTORY) {
                return absent(path);
            }
            if (dir.unreadable(i)) {
                return new Lookup(Status.UNREADABLE, null, dir.refFailure[i].at(here));
            }
            if (!dir.listed(i)) {
                return new Lookup(Status.NOT_SCANNED, null, null);
            }
            dir = readDirectory(dir.childOffset[i]);
        }
        throw new AssertionError("unreachable");
    }

    /** Not in the snapshot: left out by its rules, or not there when it was taken. */
    private Lookup absent(byte[] path) {
        boolean excluded = header.rules().excludes(path, false) || header.rules().excludes(path, true);
        return new Lookup(excluded ? Status.EXCLUDED : Status.ABSENT, null, null);
    }

    private static List<byte[]> split(byte[] path) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                if (i == start) {
                    throw new IllegalArgumentException("empty path component in " + new String(path,
                            java.nio.charset.StandardCharsets.UTF_8));
                }
                parts.add(Arrays.copyOfRange(path, start, i));
                start = i + 1;
            }
        }
        return parts;
    }

    /** Receives a snapshot's entries, in path order (depth first, names in byte order). */
    public interface Visitor {
        /**
         * One entry.
         *
         * @param entry the entry, its path relative to the root
         */
        void entry(Entry entry);

        /**
         * Something the scan could not read: an entry's metadata ({@code STAT}), a link's target
         * ({@code READLINK}), or a directory's contents ({@code OPEN}, {@code LIST}).
         *
         * @param error what, and why
         */
        default void unreadable(ScanError error) {
        }
    }

    /**
     * Walks every entry, depth first in name order, holding one block per level of depth.
     *
     * @param visitor receives the entries
     * @throws IOException when a block is damaged
     */
    public void walk(Visitor visitor) throws IOException {
        visitor.entry(footer.root());
        if (!footer.rootRef().listed()) {
            visitor.unreadable(rootFailure());
            return;
        }
        record Level(DirectoryRecord dir, byte[] path, int[] next) {
        }
        Deque<Level> stack = new ArrayDeque<>();
        DirectoryRecord top = readDirectory(footer.rootRef().offset());
        if (top.listFailure != null) {
            visitor.unreadable(top.listFailure.at(new byte[0]));
        }
        stack.push(new Level(top, new byte[0], new int[1]));
        while (!stack.isEmpty()) {
            Level level = stack.peek();
            DirectoryRecord dir = level.dir();
            int i = level.next()[0]++;
            if (i >= dir.entries.length) {
                stack.pop();
                continue;
            }
            Fields e = dir.entries[i];
            byte[] path = child(level.path(), e);
            if (e.failure != null) {
                visitor.unreadable(e.failure.at(path));
                continue;
            }
            visitor.entry(e.toEntry(path));
            if (e.readFailure != null) {
                visitor.unreadable(e.readFailure.at(path));
            }
            if (dir.unreadable(i)) {
                visitor.unreadable(dir.refFailure[i].at(path));
            } else if (dir.listed(i)) {
                DirectoryRecord sub = readDirectory(dir.childOffset[i]);
                if (sub.listFailure != null) {
                    visitor.unreadable(sub.listFailure.at(path));
                }
                stack.push(new Level(sub, path, new int[1]));
            }
        }
    }

    static byte[] child(byte[] parent, Fields e) {
        if (parent.length == 0) {
            return Arrays.copyOf(e.name, e.nameLength);
        }
        byte[] p = new byte[parent.length + 1 + e.nameLength];
        System.arraycopy(parent, 0, p, 0, parent.length);
        p[parent.length] = '/';
        System.arraycopy(e.name, 0, p, parent.length + 1, e.nameLength);
        return p;
    }

    /**
     * Everything the scan reported it could not read, in the order it was reported.
     *
     * @return the errors (as many as {@link #errors()})
     * @throws IOException when a block is damaged
     */
    public List<ScanError> unreadable() throws IOException {
        List<List<ScanError>> blocks = new ArrayList<>();
        long at = footer.lastUnreadableBlock();
        while (at >= 0) {
            Decoder d = reader.readBlock(at, Format.UNREADABLE);
            List<ScanError> block = new ArrayList<>();
            long previous = UnreadableBlock.decode(d, at, block).previous();
            blocks.add(block);
            at = previous;
        }
        Collections.reverse(blocks);
        List<ScanError> all = new ArrayList<>();
        blocks.forEach(all::addAll);
        return all;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
