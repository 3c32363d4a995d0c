package dev.fsnap.scan;

import dev.fsnap.row.XattrValues;
import dev.fsnap.internal.Paths;

import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * One extended attribute of an entry, as a scan read it: its name and value as bytes, exactly. A
 * long value of no security meaning (over {@value #KEPT_IN_FULL} bytes, not an ACL, a capability
 * set or a label) is kept as its SHA-256 only: enough to tell that it changed, not what it was.
 */
public final class Xattr {
    /** Values up to this many bytes are kept in full whatever the attribute. */
    public static final int KEPT_IN_FULL = 128;

    private final byte[] name;
    private final byte[] value;
    private final boolean digest;

    Xattr(byte[] name, byte[] value, boolean digest) {
        this.name = name;
        this.value = value;
        this.digest = digest;
    }

    /** @return a copy of the name's bytes ({@code user.comment}, {@code security.capability}, ...) */
    public byte[] name() {
        return name.clone();
    }

    /** @return the name for display: UTF-8, invalid bytes replaced */
    public String displayName() {
        return Paths.display(name);
    }

    /** @return a copy of the value's bytes, or of its SHA-256 when {@link #isDigest()} */
    public byte[] value() {
        return value.clone();
    }

    /** @return whether only the value's SHA-256 was kept (a long value of no security meaning) */
    public boolean isDigest() {
        return digest;
    }

    /**
     * The value as people read it, with user and group ids as numbers.
     *
     * @return see {@link #text(LongFunction, LongFunction)}
     */
    public String text() {
        return text(id -> null, id -> null);
    }

    /**
     * The value as people read it: a POSIX ACL as {@code getfacl} writes its entries, joined by
     * commas ({@code user::rw-,user:mallory:rwx,group::r--,mask::rwx,other::r--}; a default ACL's
     * entries prefixed {@code default:}); capabilities as {@code getcap} writes them
     * ({@code cap_setuid=ep}); an SELinux label as its text; any other value as {@code getfattr}
     * encodes it: {@code "text"} when it is printable UTF-8, else {@code 0s} and base64, and
     * {@code sha256:} and hex when only the digest was kept.
     *
     * @param users names a user id, or null to write the number
     * @param groups names a group id, or null to write the number
     * @return the text
     */
    public String text(LongFunction<String> users, LongFunction<String> groups) {
        return XattrValues.text(name, value, digest, users, groups);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && digest == x.digest && Arrays.equals(name, x.name) && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(name) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return displayName() + "=" + text();
    }
}
