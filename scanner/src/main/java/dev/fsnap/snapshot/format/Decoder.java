package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads what {@link Encoder} wrote, from one checked block. Every read is bounds-checked: a length
 * or varint that runs past the block is reported as corruption with its file offset.
 */
public final class Decoder {
    private final Path file;
    private final byte[] buf;
    private final long base;
    private final int bodyStart;
    public int pos;
    private final int limit;
    private int kind;
    private long end;

    public Decoder(Path file, byte[] buf, int pos, int limit, long base) {
        this.file = file;
        this.buf = buf;
        this.pos = pos;
        this.limit = limit;
        this.base = base;
        this.bodyStart = pos;
    }

    /** Marks this decoder as a block's body: its kind and the file offset just after its frame. */
    public Decoder framed(int blockKind, long frameEnd) {
        this.kind = blockKind;
        this.end = frameEnd;
        return this;
    }

    /** @return the block's kind byte */
    public int kind() {
        return kind;
    }

    /** @return the file offset just after the block's frame: where the next block starts */
    public long end() {
        return end;
    }

    /** @return the bytes of the body not yet read */
    public int remaining() {
        return limit - pos;
    }

    /** @return the array the block is read from: the body lies from {@link #bodyStart()} (for hashing) */
    public byte[] buffer() {
        return buf;
    }

    /** @return the index in {@link #buffer()} where the body starts */
    public int bodyStart() {
        return bodyStart;
    }

    public CorruptSnapshotException corrupt(String reason) {
        return new CorruptSnapshotException(file, base + pos, reason);
    }

    public boolean atEnd() {
        return pos == limit;
    }

    public int u8() throws CorruptSnapshotException {
        if (pos >= limit) {
            throw corrupt("block ends early");
        }
        return buf[pos++] & 0xFF;
    }

    public long varint() throws CorruptSnapshotException {
        // One loop over the array, no call per byte: a verification reads millions of these.
        byte[] b = buf;
        int p = pos;
        int end = Math.min(limit, p + 10);
        long v = 0;
        for (int shift = 0; p < end; shift += 7) {
            int x = b[p++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                pos = p;
                return v;
            }
        }
        pos = p;
        throw corrupt(p == limit ? "block ends early" : "varint longer than 10 bytes");
    }

    /** A varint that must fit a non-negative int no larger than {@code max}. */
    public int count(int max, String what) throws CorruptSnapshotException {
        long v = varint();
        if (v < 0 || v > max) {
            throw corrupt(what + " out of range: " + v);
        }
        return (int) v;
    }

    /** A varint that must be a count of nanoseconds within a second. */
    public int nanos() throws CorruptSnapshotException {
        long n = varint();
        if (n < 0 || n > 999_999_999) {
            throw corrupt("nanoseconds out of range: " + n);
        }
        return (int) n;
    }

    public long zigzag() throws CorruptSnapshotException {
        long v = varint();
        return (v >>> 1) ^ -(v & 1);
    }

    /** Moves past {@code n} bytes, which must lie in the block. */
    public void skip(int n) throws CorruptSnapshotException {
        if (n < 0 || n > limit - pos) {
            throw corrupt("length " + n + " runs past the block");
        }
        pos += n;
    }

    /** Moves past a string. */
    public void skipString() throws CorruptSnapshotException {
        skip(count(limit - pos, "string length"));
    }

    /** Compares the next {@code n} bytes, unsigned, with {@code other[from, to)}; moves past them. */
    public int compareNext(int n, byte[] other, int from, int to) throws CorruptSnapshotException {
        if (n < 0 || n > limit - pos) {
            throw corrupt("length " + n + " runs past the block");
        }
        int c = Arrays.compareUnsigned(buf, pos, pos + n, other, from, to);
        pos += n;
        return c;
    }

    /** Copies the {@code n} bytes just moved past into {@code into} at {@code at}. */
    public void copyPrevious(int n, byte[] into, int at) {
        System.arraycopy(buf, pos - n, into, at, n);
    }

    /** Copies the next {@code n} bytes into {@code into} at {@code at} and moves past them. */
    public void readInto(byte[] into, int at, int n) throws CorruptSnapshotException {
        skip(n);
        System.arraycopy(buf, pos - n, into, at, n);
    }

    public byte[] bytes(int n) throws CorruptSnapshotException {
        if (n < 0 || n > limit - pos) {
            throw corrupt("length " + n + " runs past the block");
        }
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    public byte[] string() throws CorruptSnapshotException {
        return bytes(count(limit - pos, "string length"));
    }

    public String text() throws CorruptSnapshotException {
        return new String(string(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
