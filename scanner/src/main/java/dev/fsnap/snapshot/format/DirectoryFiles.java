package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.EntryType;
import dev.fsnap.snapshot.CorruptSnapshotException;

import java.util.Arrays;

/**
 * A directory block read for the files' metadata and content alone, without an object per
 * entry: what a scan that digests content looks up, file by file, in the last snapshot.
 */
public final class DirectoryFiles {
    private byte[] names = new byte[256];
    private int[] nameEnd;
    /** Each entry's stat row ({@code StatFields} slots), {@code StatFields.WIDTH} from {@code i * WIDTH}. */
    public long[] rows;
    /** Each file's content value, or null. */
    public byte[][] content;
    /** Whether each entry is a readable regular file. */
    public boolean[] file;
    /** Whether each entry's timestamps fell inside its scan's racy window. */
    public boolean[] racy;
    /** Each entry's block offset when it is a listed directory ({@link Format#EMPTY_OFFSET} when empty), else -1. */
    public long[] childOffset;
    private int size;
    /** Open addressing over the names: an entry's index + 1, 0 where free. */
    private int[] slots = new int[2];
    private long fileBytes;

    /** @return the size of the regular files, in all */
    public long fileBytes() {
        return fileBytes;
    }

    /**
     * @return the index of the entry with this name, or a negative value
     */
    public int find(byte[] name, int offset, int length) {
        // Called for every file of a scan that digests content: one hash, most often one comparison.
        int[] t = slots;
        int mask = t.length - 1;
        for (int s = hash(name, offset, length) & mask; ; s = (s + 1) & mask) {
            int i = t[s] - 1;
            if (i < 0) {
                return -1;
            }
            int from = i == 0 ? 0 : nameEnd[i - 1];
            if (nameEnd[i] - from == length && compare(from, nameEnd[i], name, offset, length) == 0) {
                return i;
            }
        }
    }

    /** Indexes the names by their hash, once they are all decoded. */
    private void index() {
        int capacity = Integer.highestOneBit(Math.max(2, size * 2 - 1)) << 1;
        int[] t = new int[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            int from = i == 0 ? 0 : nameEnd[i - 1];
            int s = hash(names, from, nameEnd[i] - from) & mask;
            while (t[s] != 0) {
                s = (s + 1) & mask;
            }
            t[s] = i + 1;
        }
        slots = t;
    }

    private static int hash(byte[] b, int offset, int length) {
        int h = length;
        for (int k = 0; k < length; k++) {
            h = 31 * h + b[offset + k];
        }
        h ^= h >>> 16; // MurmurHash3's finalizer: names that differ in their last byte spread apart
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h;
    }

    /** The unsigned order of the name stored in {@code [from, to)} to the name sought. */
    private int compare(int from, int to, byte[] name, int offset, int length) {
        int n = Math.min(to - from, length);
        for (int k = 0; k < n; k++) {
            int x = names[from + k] & 0xFF;
            int y = name[offset + k] & 0xFF;
            if (x != y) {
                return x - y;
            }
        }
        return (to - from) - length;
    }

    /**
     * Decodes a directory block's files, as {@link DirectoryRecord#decode} checks it.
     *
     * @param in the block's body
     * @param offset the block's offset
     * @param columns the file's columns
     * @param racyFrom the snapshot's racy window
     * @return the files
     * @throws CorruptSnapshotException when the block is damaged
     */
    public static DirectoryFiles decode(Decoder in, long offset, Columns columns, RacyFrom racyFrom)
            throws CorruptSnapshotException {
        DirectoryRecord.Head head = DirectoryRecord.Head.decode(in, columns);
        int n = head.count();
        DirectoryFiles f = new DirectoryFiles();
        f.nameEnd = new int[n];
        f.rows = new long[n * StatFields.WIDTH];
        f.content = new byte[n][];
        f.file = new boolean[n];
        f.racy = new boolean[n];
        EntryCodec codec = new EntryCodec(columns);
        codec.reset(head.mask());
        Fields e = new Fields();
        boolean[] directory = new boolean[n];
        int length = 0;
        for (int i = 0; i < n; i++) {
            int at = in.pos;
            codec.decode(in, e);
            if (i > 0 && f.compare(i == 1 ? 0 : f.nameEnd[i - 2], f.nameEnd[i - 1], e.name, 0, e.nameLength) >= 0) {
                in.pos = at;
                throw in.corrupt("entries out of name order");
            }
            if (length + e.nameLength > f.names.length) {
                f.names = Arrays.copyOf(f.names, Math.max(f.names.length * 2, length + e.nameLength));
            }
            System.arraycopy(e.name, 0, f.names, length, e.nameLength);
            length += e.nameLength;
            f.nameEnd[i] = length;
            if (e.failure == null) {
                System.arraycopy(e.stat, 0, f.rows, i * StatFields.WIDTH, StatFields.WIDTH);
                f.file[i] = e.type == EntryType.FILE;
                if (f.file[i]) {
                    f.fileBytes += e.stat[StatFields.SIZE];
                }
                f.content[i] = e.bytes(dev.fsnap.scan.Field.CONTENT);
                f.racy[i] = racyFrom.covers(e);
                directory[i] = e.type == EntryType.DIRECTORY;
            }
        }
        f.size = n;
        f.index();
        DirectoryRecord refs = new DirectoryRecord(offset, null, new Fields[n]);
        refs.decodeReferences(in, directory);
        f.childOffset = refs.childOffset;
        for (int i = 0; i < n; i++) {
            if (refs.ref[i] != Format.REF_LISTED) {
                f.childOffset[i] = -1;
            }
        }
        return f;
    }
}
