package dev.fsnap.scan;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * What a scan with content digests knows of a regular file's bytes ({@link Entry#content()}): the
 * digest of its content as last read, when that was ({@link #verified()}: read then, or taken over
 * from an earlier snapshot because size, times and inode had not changed), and, where the last read
 * gave another digest while its metadata had not changed, that digest too: the file is
 * {@link #corrupt()}, and its baseline is kept until someone acts.
 *
 * <p>Held as bytes, in memory and in snapshots alike: a state byte (0 verified, 1 corrupt), the
 * verification time as zigzag varint milliseconds since the epoch, the digest, and for a corrupt
 * file the digest read.
 */
public final class Content {
    private static final int VERIFIED = 0;
    private static final int CORRUPT = 1;

    private final byte[] value;

    private Content(byte[] value) {
        this.value = value;
    }

    static Content of(byte[] value) {
        return value == null ? null : new Content(value);
    }

    /**
     * A file's content value.
     *
     * @param verifiedMillis when it was last read, milliseconds since the epoch
     * @param digest the digest then
     * @param observed the digest read now where it differs from the baseline while the metadata did not (corrupt); else null
     * @return the value
     */
    static byte[] encode(long verifiedMillis, byte[] digest, byte[] observed) {
        ByteBuffer b = ByteBuffer.allocate(1 + 10 + digest.length + (observed == null ? 0 : observed.length));
        b.put((byte) (observed == null ? VERIFIED : CORRUPT));
        long z = (verifiedMillis << 1) ^ (verifiedMillis >> 63);
        while ((z & ~0x7FL) != 0) {
            b.put((byte) (z & 0x7F | 0x80));
            z >>>= 7;
        }
        b.put((byte) z);
        b.put(digest);
        if (observed != null) {
            b.put(observed);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    /** Where the digests start: after the state byte and the time. */
    private static int digestsStart(byte[] v) {
        int at = 1;
        while (v[at] < 0) {
            at++;
        }
        return at + 1;
    }

    /** Whether a value is a corrupt file's (its baseline kept beside another digest read). */
    static boolean corrupt(byte[] v) {
        return v[0] == CORRUPT;
    }

    /** The baseline digest of a value (what two values are compared by). */
    static byte[] baseline(byte[] v) {
        int start = digestsStart(v);
        int length = v[0] == CORRUPT ? (v.length - start) / 2 : v.length - start;
        return Arrays.copyOfRange(v, start, start + length);
    }

    /** @return null when a stored value is well formed, else what is wrong */
    static String check(byte[] v, int offset, int length) {
        if (length < 3 || v[offset] != VERIFIED && v[offset] != CORRUPT) {
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

    /** @return a copy of the digest of the content as last read: the baseline a later read is compared with */
    public byte[] digest() {
        return baseline(value);
    }

    /** @return when the content was last read and found equal to the baseline (or first digested) */
    public Instant verified() {
        int at = 1;
        long z = 0;
        for (int shift = 0; ; shift += 7, at++) {
            z |= (long) (value[at] & 0x7F) << shift;
            if (value[at] >= 0) {
                break;
            }
        }
        return Instant.ofEpochMilli((z >>> 1) ^ -(z & 1));
    }

    /**
     * @return whether the last read gave another digest than the baseline while size, times and
     *         inode had not changed: bit rot, or a write behind the filesystem's back
     */
    public boolean corrupt() {
        return corrupt(value);
    }

    /** @return the digest the last read gave, where {@link #corrupt()}; else the baseline */
    public byte[] read() {
        if (!corrupt()) {
            return digest();
        }
        int start = digestsStart(value);
        int length = (value.length - start) / 2;
        return Arrays.copyOfRange(value, start + length, value.length);
    }

    byte[] bytes() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Content c && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return (corrupt() ? "corrupt " : "") + java.util.HexFormat.of().formatHex(digest()) + " verified " + verified();
    }
}
