package dev.fsnap.row;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.Xattr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.LongFunction;

/**
 * The value of an extended attribute field: which class each attribute belongs to, how a class's
 * attributes are held as one byte string (in memory and, unchanged, in snapshots), and how values
 * read as text. The encoding is in {@code docs/snapshot-format.md}, "Extended attributes".
 *
 * <p>A value is the class's attributes in name order (unsigned bytes), each: name length (varint,
 * at least 1), name, then {@code length << 1 | digest} (varint) and that many bytes: the value, or
 * its SHA-256 when the digest bit is set. No attributes: the empty string.
 */
public final class XattrValues {
    /** The value of a class without attributes: shared, never modified. */
    public static final byte[] NONE = {};
    private static final int SHA256 = 32;

    private XattrValues() {
    }

    /** Makes an attribute of what a value holds: {@code Xattr}'s constructor, which is not public. */
    @FunctionalInterface
    public interface Attribute {
        /**
         * @param name the name
         * @param value the value, or its SHA-256
         * @param digest whether {@code value} is the digest
         * @return the attribute
         */
        Xattr of(byte[] name, byte[] value, boolean digest);
    }

    /** The field an attribute belongs to, by its name. */
    public static Field classOf(byte[] name) {
        if (equals(name, POSIX_ACL_ACCESS) || equals(name, POSIX_ACL_DEFAULT) || equals(name, NFS4_ACL)) {
            return Field.ACL;
        }
        if (equals(name, CAPABILITY)) {
            return Field.CAPS;
        }
        if (equals(name, SELINUX)) {
            return Field.SELINUX;
        }
        return Field.XATTRS;
    }

    private static final byte[] POSIX_ACL_ACCESS = ascii("system.posix_acl_access");
    private static final byte[] POSIX_ACL_DEFAULT = ascii("system.posix_acl_default");
    private static final byte[] NFS4_ACL = ascii("system.nfs4_acl");
    private static final byte[] CAPABILITY = ascii("security.capability");
    private static final byte[] SELINUX = ascii("security.selinux");
    private static final Field[] CLASSES = {Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS};

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean equals(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }

    /**
     * Splits the extended attributes a reader gave (name, value, name, value, ...) into the values
     * of the attribute fields ({@code ACL}, {@code CAPS}, {@code SELINUX}, {@code XATTRS}), each in
     * name order, long values of no security meaning kept as their SHA-256; a class without an
     * attribute gets the empty value.
     *
     * @param pairs names and values
     * @param into a row of byte values
     * @param offset where the row starts
     */
    public static void split(byte[][] pairs, byte[][] into, int offset) {
        for (Field f : CLASSES) {
            into[offset + RowSchema.bytesIndex(f)] = NONE;
        }
        int n = pairs.length / 2;
        if (n == 0) {
            return;
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> Arrays.compareUnsigned(pairs[2 * x], pairs[2 * y]));
        for (Field f : CLASSES) {
            ByteBuffer out = null;
            for (int k : order) {
                byte[] name = pairs[2 * k];
                if (classOf(name) != f) {
                    continue;
                }
                byte[] value = pairs[2 * k + 1];
                boolean digest = f == Field.XATTRS && value.length > Xattr.KEPT_IN_FULL;
                byte[] kept = digest ? sha256(value) : value;
                int need = 10 + name.length + 10 + kept.length;
                if (out == null) {
                    out = ByteBuffer.allocate(Math.max(64, need));
                } else if (out.remaining() < need) {
                    out = ByteBuffer.allocate(out.capacity() * 2 + need).put(out.flip());
                }
                varint(out, name.length);
                out.put(name);
                varint(out, (long) kept.length << 1 | (digest ? 1 : 0));
                out.put(kept);
            }
            if (out != null) {
                into[offset + RowSchema.bytesIndex(f)] = Arrays.copyOf(out.array(), out.position());
            }
        }
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static void varint(ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) (v & 0x7F | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }

    /**
     * The attributes of a value (well formed: made here or checked by {@link #check}).
     *
     * @param value a value
     * @param attribute makes one attribute of its name, its value (or digest), and whether that is the digest
     * @return them, in order
     */
    public static List<Xattr> decode(byte[] value, Attribute attribute) {
        if (value.length == 0) {
            return List.of();
        }
        List<Xattr> all = new ArrayList<>(2);
        int[] at = {0};
        while (at[0] < value.length) {
            int nameLength = (int) varint(value, at);
            byte[] name = Arrays.copyOfRange(value, at[0], at[0] + nameLength);
            at[0] += nameLength;
            long v = varint(value, at);
            int length = (int) (v >>> 1);
            all.add(attribute.of(name, Arrays.copyOfRange(value, at[0], at[0] + length), (v & 1) != 0));
            at[0] += length;
        }
        return Collections.unmodifiableList(all);
    }

    private static long varint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[at[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    /**
     * Checks a stored value: every length within the value, names in order, digests whole.
     *
     * @param b the bytes
     * @param offset where the value starts
     * @param length its length
     * @return null when well formed, else what is wrong
     */
    public static String check(byte[] b, int offset, int length) {
        int end = offset + length;
        int[] at = {offset};
        byte[] previous = null;
        while (at[0] < end) {
            long nameLength = checkedVarint(b, at, end);
            if (nameLength < 1 || nameLength > end - at[0]) {
                return "an attribute name of a bad length";
            }
            byte[] name = Arrays.copyOfRange(b, at[0], at[0] + (int) nameLength);
            if (previous != null && Arrays.compareUnsigned(previous, name) >= 0) {
                return "attributes out of name order";
            }
            previous = name;
            at[0] += (int) nameLength;
            long v = checkedVarint(b, at, end);
            if (v < 0 || v >>> 1 > end - at[0] || (v & 1) != 0 && v >>> 1 != SHA256) {
                return "an attribute value of a bad length";
            }
            at[0] += (int) (v >>> 1);
        }
        return null;
    }

    /** A varint within {@code end}, or -1. */
    private static long checkedVarint(byte[] b, int[] at, int end) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= end) {
                return -1;
            }
            byte x = b[at[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- as people read them

    /** @return an attribute's value as {@link Xattr#text()} writes it */
    public static String text(byte[] name, byte[] value, boolean digest, LongFunction<String> users,
                       LongFunction<String> groups) {
        if (digest) {
            return "sha256:" + HexFormat.of().formatHex(value);
        }
        if (equals(name, POSIX_ACL_ACCESS) || equals(name, POSIX_ACL_DEFAULT)) {
            String acl = posixAcl(value, equals(name, POSIX_ACL_DEFAULT) ? "default:" : "", users, groups);
            if (acl != null) {
                return acl;
            }
        } else if (equals(name, CAPABILITY)) {
            String caps = capabilities(value);
            if (caps != null) {
                return caps;
            }
        } else if (equals(name, SELINUX)) {
            int n = value.length;
            while (n > 0 && value[n - 1] == 0) {
                n--;
            }
            String label = printable(Arrays.copyOf(value, n));
            if (label != null) {
                return label;
            }
        } else {
            String s = printable(value);
            if (s != null) {
                return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
        }
        return "0s" + Base64.getEncoder().encodeToString(value);
    }

    /** UTF-8 without control characters, or null. */
    private static String printable(byte[] b) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            return s.chars().anyMatch(Character::isISOControl) ? null : s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    // The kernel's POSIX ACL xattr (include/uapi/linux/posix_acl_xattr.h): a version (2), then
    // entries of tag (u16), perm (u16), id (u32), little-endian.
    private static final int ACL_USER_OBJ = 0x01;
    private static final int ACL_USER = 0x02;
    private static final int ACL_GROUP_OBJ = 0x04;
    private static final int ACL_GROUP = 0x08;
    private static final int ACL_MASK = 0x10;
    private static final int ACL_OTHER = 0x20;

    private static String posixAcl(byte[] value, String prefix, LongFunction<String> users,
                                   LongFunction<String> groups) {
        if (value.length < 4 || (value.length - 4) % 8 != 0) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != 2) {
            return null;
        }
        StringJoiner j = new StringJoiner(",");
        while (b.hasRemaining()) {
            int tag = b.getShort() & 0xFFFF;
            int perm = b.getShort() & 0xFFFF;
            long id = b.getInt() & 0xFFFFFFFFL;
            String qualifier;
            String kind;
            switch (tag) {
                case ACL_USER_OBJ -> { kind = "user"; qualifier = ""; }
                case ACL_USER -> { kind = "user"; qualifier = named(users, id); }
                case ACL_GROUP_OBJ -> { kind = "group"; qualifier = ""; }
                case ACL_GROUP -> { kind = "group"; qualifier = named(groups, id); }
                case ACL_MASK -> { kind = "mask"; qualifier = ""; }
                case ACL_OTHER -> { kind = "other"; qualifier = ""; }
                default -> {
                    return null;
                }
            }
            j.add(prefix + kind + ":" + qualifier + ":" + ((perm & 4) != 0 ? 'r' : '-') + ((perm & 2) != 0 ? 'w' : '-')
                    + ((perm & 1) != 0 ? 'x' : '-'));
        }
        return j.toString();
    }

    private static String named(LongFunction<String> names, long id) {
        String n = names.apply(id);
        return n != null ? n : Long.toString(id);
    }

    // struct vfs_cap_data (include/uapi/linux/capability.h): magic_etc (u32: revision in the top
    // byte, VFS_CAP_FLAGS_EFFECTIVE in bit 0), then {permitted, inheritable} u32 pairs (one for
    // revision 1, two after), then, revision 3, the root id of the namespace.
    private static final int VFS_CAP_REVISION_1 = 0x01000000;
    private static final int VFS_CAP_REVISION_2 = 0x02000000;
    private static final int VFS_CAP_REVISION_3 = 0x03000000;
    private static final String[] CAPABILITY_NAMES = {"chown", "dac_override", "dac_read_search", "fowner", "fsetid",
        "kill", "setgid", "setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin",
        "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
        "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease",
        "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
        "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"};

    /**
     * Capabilities as {@code getcap} writes them: capabilities with the same flags named together,
     * {@code name,name=flags} with the flags in {@code eip} order, groups apart by spaces.
     */
    private static String capabilities(byte[] value) {
        if (value.length < 4) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        int revision = magic & 0xFF000000;
        int words = revision == VFS_CAP_REVISION_1 ? 1 : revision == VFS_CAP_REVISION_2
                || revision == VFS_CAP_REVISION_3 ? 2 : 0;
        int size = 4 + 8 * words + (revision == VFS_CAP_REVISION_3 ? 4 : 0);
        if (words == 0 || value.length != size) {
            return null;
        }
        long permitted = 0;
        long inheritable = 0;
        for (int w = 0; w < words; w++) {
            permitted |= (b.getInt() & 0xFFFFFFFFL) << 32 * w;
            inheritable |= (b.getInt() & 0xFFFFFFFFL) << 32 * w;
        }
        long effective = (magic & 1) != 0 ? permitted | inheritable : 0;
        List<String> groups = new ArrayList<>();
        List<Integer> flagsOf = new ArrayList<>();
        for (int c = 0; c < 64; c++) {
            int flags = ((effective >>> c & 1) != 0 ? 4 : 0) | ((inheritable >>> c & 1) != 0 ? 2 : 0)
                    | ((permitted >>> c & 1) != 0 ? 1 : 0);
            if (flags == 0) {
                continue;
            }
            String name = c < CAPABILITY_NAMES.length ? "cap_" + CAPABILITY_NAMES[c] : Integer.toString(c);
            int g = flagsOf.indexOf(flags);
            if (g < 0) {
                flagsOf.add(flags);
                groups.add(name);
            } else {
                groups.set(g, groups.get(g) + "," + name);
            }
        }
        StringJoiner j = new StringJoiner(" ");
        for (int g = 0; g < groups.size(); g++) {
            int f = flagsOf.get(g);
            j.add(groups.get(g) + "=" + ((f & 4) != 0 ? "e" : "") + ((f & 2) != 0 ? "i" : "") + ((f & 1) != 0 ? "p" : ""));
        }
        if (revision == VFS_CAP_REVISION_3) {
            j.add("[rootid=" + (b.getInt() & 0xFFFFFFFFL) + "]");
        }
        return groups.isEmpty() && revision != VFS_CAP_REVISION_3 ? "=" : j.toString();
    }
}
