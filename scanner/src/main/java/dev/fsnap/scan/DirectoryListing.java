package dev.fsnap.scan;

import java.util.Arrays;

/**
 * Every entry of one directory, sorted by name bytes (unsigned), as a {@link DirectoryVisitor}
 * receives it. Entries whose metadata could not be read are here too, with their {@link #error};
 * nothing the directory listed is left out. Valid only during the visitor's call.
 */
public final class DirectoryListing {
    /** What became of a subdirectory entry. */
    public enum Subdirectory {
        /** The entry is not a directory the scan could descend into. */
        NONE,
        /** A directory the scan did not enter: on another filesystem with one-file-system set. */
        NOT_SCANNED,
        /** Listed: its visitor result is {@link #childResult}. */
        LISTED,
        /** It could not be opened or listed: see {@link #childError}. */
        UNREADABLE
    }

    private final byte[] path;
    private int count;
    private byte[] names = new byte[1024];
    private int namesLength;
    private int[] nameOffset = new int[16];
    private int[] nameLength = new int[16];
    private EntryType[] type = new EntryType[16];
    private int[] mode = new int[16];
    private long[] size = new long[16];
    private long[] mtimeSec = new long[16];
    private int[] mtimeNsec = new int[16];
    private long[] ctimeSec = new long[16];
    private int[] ctimeNsec = new int[16];
    private long[] inode = new long[16];
    private long[] device = new long[16];
    private long[] uid = new long[16];
    private long[] gid = new long[16];
    private long[] linkCount = new long[16];
    private byte[][] target = new byte[16][];
    private ScanError[] error = new ScanError[16];
    private Subdirectory[] subdirectory = new Subdirectory[16];
    private Object[] childResult = new Object[16];
    private ScanError[] childError = new ScanError[16];
    private ScanError listError;
    /** Sorted position to slot; null until {@link #sort()}. */
    private int[] order;

    DirectoryListing(byte[] path) {
        this.path = path;
    }

    /** @return the directory's path relative to the root (empty for the root); shared, do not modify */
    public byte[] path() {
        return path;
    }

    /** @return the number of entries */
    public int size() {
        return count;
    }

    /** @return why listing this directory stopped part way (entries may be missing), or null */
    public ScanError listError() {
        return listError;
    }

    /** @param i the entry @return the length of its name */
    public int nameLength(int i) {
        return nameLength[order[i]];
    }

    /**
     * Copies an entry's name.
     *
     * @param i the entry
     * @param dst where to
     * @param offset at which position
     */
    public void copyName(int i, byte[] dst, int offset) {
        int s = order[i];
        System.arraycopy(names, nameOffset[s], dst, offset, nameLength[s]);
    }

    /** @param i the entry @return a copy of its name */
    public byte[] name(int i) {
        int s = order[i];
        return Arrays.copyOfRange(names, nameOffset[s], nameOffset[s] + nameLength[s]);
    }

    /** @param i the entry @return its type; {@link EntryType#UNKNOWN} when unreadable */
    public EntryType type(int i) {
        return type[order[i]];
    }

    /** @param i the entry @return why its metadata (or a link's target) could not be read, or null */
    public ScanError error(int i) {
        return error[order[i]];
    }

    /** @param i the entry @return the full {@code st_mode} */
    public int mode(int i) {
        return mode[order[i]];
    }

    /** @param i the entry @return {@code st_size} */
    public long size(int i) {
        return size[order[i]];
    }

    /** @param i the entry @return {@code st_mtim.tv_sec} */
    public long mtimeSec(int i) {
        return mtimeSec[order[i]];
    }

    /** @param i the entry @return {@code st_mtim.tv_nsec} */
    public int mtimeNsec(int i) {
        return mtimeNsec[order[i]];
    }

    /** @param i the entry @return {@code st_ctim.tv_sec} */
    public long ctimeSec(int i) {
        return ctimeSec[order[i]];
    }

    /** @param i the entry @return {@code st_ctim.tv_nsec} */
    public int ctimeNsec(int i) {
        return ctimeNsec[order[i]];
    }

    /** @param i the entry @return {@code st_ino} */
    public long inode(int i) {
        return inode[order[i]];
    }

    /** @param i the entry @return {@code st_dev} */
    public long device(int i) {
        return device[order[i]];
    }

    /** @param i the entry @return {@code st_uid} */
    public long uid(int i) {
        return uid[order[i]];
    }

    /** @param i the entry @return {@code st_gid} */
    public long gid(int i) {
        return gid[order[i]];
    }

    /** @param i the entry @return {@code st_nlink} */
    public long linkCount(int i) {
        return linkCount[order[i]];
    }

    /** @param i the entry @return a symbolic link's target bytes (shared, do not modify), or null */
    public byte[] target(int i) {
        return target[order[i]];
    }

    /** @param i the entry @return what became of it as a subdirectory */
    public Subdirectory subdirectory(int i) {
        return subdirectory[order[i]];
    }

    /** @param i the entry @return the visitor's value for a {@link Subdirectory#LISTED} subdirectory */
    public Object childResult(int i) {
        return childResult[order[i]];
    }

    /** @param i the entry @return why an {@link Subdirectory#UNREADABLE} subdirectory could not be read */
    public ScanError childError(int i) {
        return childError[order[i]];
    }

    /** @param i the entry @return the entry, with its path relative to the root */
    public Entry entry(int i) {
        int s = order[i];
        return new Entry(childPath(names, nameOffset[s], nameLength[s]), type[s], size[s], mtimeSec[s], mtimeNsec[s],
                ctimeSec[s], ctimeNsec[s], inode[s], device[s], mode[s], uid[s], gid[s], linkCount[s], target[s]);
    }

    private byte[] childPath(byte[] source, int offset, int length) {
        if (path.length == 0) {
            return Arrays.copyOfRange(source, offset, offset + length);
        }
        byte[] p = new byte[path.length + 1 + length];
        System.arraycopy(path, 0, p, 0, path.length);
        p[path.length] = '/';
        System.arraycopy(source, offset, p, path.length + 1, length);
        return p;
    }

    // ---- filled by the scan ----

    /**
     * Copies a stat'ed batch of this directory, and its failed names as unreadable entries.
     *
     * @return the slot of the batch's first entry; entry {@code i} of the batch is slot {@code base + i}
     */
    synchronized int add(EntryBatch b, boolean oneFileSystem, long rootDevice) {
        int base = count;
        for (int i = 0; i < b.count; i++) {
            int s = slot(b.names, b.nameOffset[i], b.nameLength[i]);
            type[s] = b.type[i];
            mode[s] = b.mode[i];
            size[s] = b.size[i];
            mtimeSec[s] = b.mtimeSec[i];
            mtimeNsec[s] = b.mtimeNsec[i];
            ctimeSec[s] = b.ctimeSec[i];
            ctimeNsec[s] = b.ctimeNsec[i];
            inode[s] = b.inode[i];
            device[s] = b.device[i];
            uid[s] = b.uid[i];
            gid[s] = b.gid[i];
            linkCount[s] = b.linkCount[i];
            target[s] = b.target[i];
            boolean directory = b.type[i] == EntryType.DIRECTORY;
            subdirectory[s] = b.descend[i] ? Subdirectory.LISTED
                    : directory && oneFileSystem && b.device[i] != rootDevice ? Subdirectory.NOT_SCANNED
                    : Subdirectory.NONE;
        }
        int parentLength = b.parent.length == 0 ? 0 : b.parent.length + 1;
        for (ScanError e : b.errors) {
            byte[] p = e.path();
            int nameStart = Math.min(parentLength, p.length);
            if (e.operation() == Operation.STAT) {
                int s = slot(p, nameStart, p.length - nameStart);
                type[s] = EntryType.UNKNOWN;
                error[s] = e;
                subdirectory[s] = Subdirectory.NONE;
            } else {
                int s = find(base, p, nameStart);
                if (s < 0) {
                    continue;
                }
                if (e.operation() == Operation.READLINK) {
                    error[s] = e;
                } else {
                    subdirectory[s] = Subdirectory.UNREADABLE; // a link loop, found before opening
                    childError[s] = e;
                }
            }
        }
        return base;
    }

    private int find(int from, byte[] path, int nameStart) {
        int length = path.length - nameStart;
        for (int s = from; s < count; s++) {
            if (nameLength[s] == length
                    && Arrays.equals(names, nameOffset[s], nameOffset[s] + length, path, nameStart, path.length)) {
                return s;
            }
        }
        return -1;
    }

    private int slot(byte[] source, int offset, int length) {
        if (count == type.length) {
            grow();
        }
        if (namesLength + length > names.length) {
            names = Arrays.copyOf(names, Math.max(names.length * 2, namesLength + length));
        }
        int s = count++;
        System.arraycopy(source, offset, names, namesLength, length);
        nameOffset[s] = namesLength;
        nameLength[s] = length;
        namesLength += length;
        target[s] = null;
        error[s] = null;
        childResult[s] = null;
        childError[s] = null;
        return s;
    }

    synchronized void childListed(int slot, Object result) {
        childResult[slot] = result;
    }

    synchronized void childFailed(int slot, ScanError e) {
        subdirectory[slot] = Subdirectory.UNREADABLE;
        childError[slot] = e;
    }

    void listFailed(ScanError e) {
        listError = e;
    }

    /** Puts the entries in name order; called once, after every chunk and subdirectory is in. */
    synchronized void sort() {
        int[] o = new int[count];
        for (int i = 0; i < count; i++) {
            o[i] = i;
        }
        if (count > 1) {
            mergeSort(o, new int[count], 0, count);
        }
        order = o;
    }

    private void mergeSort(int[] a, int[] tmp, int from, int to) {
        if (to - from < 12) {
            for (int i = from + 1; i < to; i++) {
                int v = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], v) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = v;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid);
        mergeSort(a, tmp, mid, to);
        if (compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            a[k] = j >= to || (i < mid && compare(tmp[i], tmp[j]) <= 0) ? tmp[i++] : tmp[j++];
        }
    }

    private int compare(int x, int y) {
        return Arrays.compareUnsigned(names, nameOffset[x], nameOffset[x] + nameLength[x],
                names, nameOffset[y], nameOffset[y] + nameLength[y]);
    }

    private void grow() {
        int n = type.length * 2;
        nameOffset = Arrays.copyOf(nameOffset, n);
        nameLength = Arrays.copyOf(nameLength, n);
        type = Arrays.copyOf(type, n);
        mode = Arrays.copyOf(mode, n);
        size = Arrays.copyOf(size, n);
        mtimeSec = Arrays.copyOf(mtimeSec, n);
        mtimeNsec = Arrays.copyOf(mtimeNsec, n);
        ctimeSec = Arrays.copyOf(ctimeSec, n);
        ctimeNsec = Arrays.copyOf(ctimeNsec, n);
        inode = Arrays.copyOf(inode, n);
        device = Arrays.copyOf(device, n);
        uid = Arrays.copyOf(uid, n);
        gid = Arrays.copyOf(gid, n);
        linkCount = Arrays.copyOf(linkCount, n);
        target = Arrays.copyOf(target, n);
        error = Arrays.copyOf(error, n);
        subdirectory = Arrays.copyOf(subdirectory, n);
        childResult = Arrays.copyOf(childResult, n);
        childError = Arrays.copyOf(childError, n);
    }
}
