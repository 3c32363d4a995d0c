package dev.fsnap.snapshot.format;

import java.util.Arrays;

/** An append-only byte buffer with the snapshot's primitive encodings: LEB128 varints, zigzag, strings. */
public final class Encoder {
    public byte[] buf;
    public int length;

    public Encoder(int capacity) {
        buf = new byte[capacity];
    }

    public void reset() {
        length = 0;
    }

    private void ensure(int n) {
        if (length + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + n));
        }
    }

    public void u8(int v) {
        ensure(1);
        buf[length++] = (byte) v;
    }

    /** An unsigned LEB128 varint of all 64 bits. */
    public void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[length++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[length++] = (byte) v;
    }

    /** A signed value, zigzag-mapped so that small magnitudes take few bytes. */
    public void zigzag(long v) {
        varint((v << 1) ^ (v >> 63));
    }

    public void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, length, len);
        length += len;
    }

    /** A length-prefixed byte string. */
    public void string(byte[] b) {
        varint(b.length);
        bytes(b, 0, b.length);
    }

    public void le32(int v) {
        ensure(4);
        buf[length++] = (byte) v;
        buf[length++] = (byte) (v >>> 8);
        buf[length++] = (byte) (v >>> 16);
        buf[length++] = (byte) (v >>> 24);
    }

    public void le64(long v) {
        le32((int) v);
        le32((int) (v >>> 32));
    }
}
