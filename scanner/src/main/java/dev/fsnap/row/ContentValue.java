package dev.fsnap.row;

import java.util.Arrays;

/**
 * The content field's value, as held in memory and, unchanged, in snapshots: a state byte (0
 * verified, 1 corrupt, 2 grown from the last baseline with what it held kept, 3 grown with what it
 * held changed), the verification time as zigzag varint milliseconds since the epoch, the baseline
 * digest, and for a corrupt file the digest read. Two values compare by the baseline digest alone.
 * The public face is {@code dev.fsnap.scan.Content}.
 */
public final class ContentValue {
    private static final int VERIFIED = 0;
    private static final int CORRUPT = 1;
    /** Read whole after it grew, its first bytes (its old size) still the last baseline's digest. */
    private static final int GREW_KEPT = 2;
    /** Read whole after it grew, its first bytes no longer what the last baseline held. */
    private static final int GREW_CHANGED = 3;

    private ContentValue() {
    }

    /**
     * @param verifiedMillis when the content was last read and found as the baseline, ms since the epoch
     * @param digest the baseline digest
     * @param observed the digest read now where it differs from the baseline while the metadata did not (corrupt); else null
     * @return the value
     */
    public static byte[] of(long verifiedMillis, byte[] digest, byte[] observed) {
        byte[] v = new byte[1 + 10 + digest.length + (observed == null ? 0 : observed.length)];
        v[0] = (byte) (observed == null ? VERIFIED : CORRUPT);
        int at = 1;
        long z = (verifiedMillis << 1) ^ (verifiedMillis >> 63);
        while ((z & ~0x7FL) != 0) {
            v[at++] = (byte) (z & 0x7F | 0x80);
            z >>>= 7;
        }
        v[at++] = (byte) z;
        System.arraycopy(digest, 0, v, at, digest.length);
        at += digest.length;
        if (observed != null) {
            System.arraycopy(observed, 0, v, at, observed.length);
            at += observed.length;
        }
        return Arrays.copyOf(v, at);
    }

    /**
     * A file read whole after it grew, with whether it still begins with what the last baseline held
     * (its first old-size bytes digested on the way).
     *
     * @param verifiedMillis when it was read, ms since the epoch
     * @param digest the digest read
     * @param kept whether its first bytes are the last baseline's
     * @return the value
     */
    public static byte[] grew(long verifiedMillis, byte[] digest, boolean kept) {
        byte[] v = of(verifiedMillis, digest, null);
        v[0] = (byte) (kept ? GREW_KEPT : GREW_CHANGED);
        return v;
    }

    /** @return whether a file grew and no longer begins with what the last baseline held: an edited log */
    public static boolean grewChanged(byte[] v) {
        return v[0] == GREW_CHANGED;
    }

    /** @return whether a value is a corrupt file's (its baseline kept beside another digest read) */
    public static boolean corrupt(byte[] v) {
        return v[0] == CORRUPT;
    }

    /** @return a copy of the baseline digest of a value: what two values are compared by */
    public static byte[] baseline(byte[] v) {
        int start = digestsStart(v);
        int length = corrupt(v) ? (v.length - start) / 2 : v.length - start;
        return Arrays.copyOfRange(v, start, start + length);
    }

    /** @return a copy of the digest the last read gave: the one beside the baseline where corrupt, else the baseline */
    public static byte[] read(byte[] v) {
        if (!corrupt(v)) {
            return baseline(v);
        }
        int start = digestsStart(v);
        return Arrays.copyOfRange(v, start + (v.length - start) / 2, v.length);
    }

    /** @return when a value was verified, ms since the epoch */
    public static long verifiedMillis(byte[] v) {
        long z = 0;
        for (int at = 1, shift = 0; ; shift += 7, at++) {
            z |= (long) (v[at] & 0x7F) << shift;
            if (v[at] >= 0) {
                break;
            }
        }
        return (z >>> 1) ^ -(z & 1);
    }

    /**
     * Checks a stored value: its state, a time within ten bytes, and digests of a length that fits the state.
     *
     * @param v the bytes
     * @param offset where the value starts
     * @param length its length
     * @return null when well formed, else what is wrong
     */
    public static String check(byte[] v, int offset, int length) {
        if (length < 3 || v[offset] < VERIFIED || v[offset] > GREW_CHANGED) {
            return "not a content value";
        }
        int at = offset + 1;
        int end = offset + length;
        while (at < end && v[at] < 0) {
            at++;
        }
        if (at >= end || at - offset > 10) {
            return "a content value's time is cut short";
        }
        int digests = end - at - 1;
        if (digests <= 0 || v[offset] == CORRUPT && digests % 2 != 0) {
            return "a content value of a bad length";
        }
        return null;
    }

    /** Where the digests start: after the state byte and the time. */
    private static int digestsStart(byte[] v) {
        int at = 1;
        while (v[at] < 0) {
            at++;
        }
        return at + 1;
    }
}
