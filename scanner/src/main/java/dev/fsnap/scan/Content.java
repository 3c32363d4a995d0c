package dev.fsnap.scan;

import dev.fsnap.row.ContentValue;

import java.time.Instant;
import java.util.Arrays;

/**
 * What a scan with content digests knows of a regular file's bytes ({@link Entry#content()}): the
 * digest of its content as last read, when that was ({@link #verified()}: read then, or taken over
 * from an earlier snapshot because size, times and inode had not changed), and, where the last read
 * gave another digest while its metadata had not changed, that digest too: the file is
 * {@link #corrupt()}, and its baseline is kept until someone acts.
 *
 * <p>Held as bytes, in memory and in snapshots alike ({@code ContentValue} says how).
 */
public final class Content {
    private final byte[] value;

    private Content(byte[] value) {
        this.value = value;
    }

    static Content of(byte[] value) {
        return value == null ? null : new Content(value);
    }

    /** @return a copy of the digest of the content as last read: the baseline a later read is compared with */
    public byte[] digest() {
        return ContentValue.baseline(value);
    }

    /** @return when the content was last read and found equal to the baseline (or first digested) */
    public Instant verified() {
        return Instant.ofEpochMilli(ContentValue.verifiedMillis(value));
    }

    /**
     * @return whether the last read gave another digest than the baseline while size, times and
     *         inode had not changed: bit rot, or a write behind the filesystem's back
     */
    public boolean corrupt() {
        return ContentValue.corrupt(value);
    }

    /** @return the digest the last read gave, where {@link #corrupt()}; else the baseline */
    public byte[] read() {
        return ContentValue.read(value);
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
