package dev.fsnap.cli.console;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Xattr;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/**
 * Paths for human-readable lines: UTF-8 shown as is, except that backslash, control characters
 * (a newline in a name would forge a line) and bytes that are not UTF-8 are escaped as {@code \n},
 * {@code \t}, {@code \\}, {@code \xNN}. JSON output carries the exact bytes instead.
 */
public final class Display {
    private Display() {
    }

    public static String path(byte[] p) {
        if (p.length == 0) {
            return ".";
        }
        boolean plain = Utf8.isValid(p);
        for (byte b : p) {
            if ((b & 0xff) < 0x20 || b == '\\' || b == 0x7f) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return new String(p, StandardCharsets.UTF_8);
        }
        StringBuilder s = new StringBuilder(p.length + 16);
        int i = 0;
        while (i < p.length) {
            int c = p[i] & 0xff;
            int len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            if (len > 1 && i + len <= p.length && Utf8.isValid(java.util.Arrays.copyOfRange(p, i, i + len))) {
                s.append(new String(p, i, len, StandardCharsets.UTF_8));
                i += len;
                continue;
            }
            if (c == '\\') {
                s.append("\\\\");
            } else if (c == '\n') {
                s.append("\\n");
            } else if (c == '\t') {
                s.append("\\t");
            } else if (c < 0x20 || c >= 0x7f) {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
            i++;
        }
        return s.toString();
    }

    /** A digest for a line of text: its first 16 hex digits, enough to tell two apart. */
    public static String digest(byte[] d) {
        String hex = java.util.HexFormat.of().formatHex(d);
        return hex.length() > 16 ? hex.substring(0, 16) + "…" : hex;
    }

    /**
     * An extended attribute field of an entry as people read it: an ACL as {@code getfacl} writes
     * it (names from the local user and group files), capabilities as {@code getcap}, a label as
     * text, other attributes as {@code getfattr -d} writes them ({@code name="value"}); attributes
     * joined by commas, {@code (none)} when the entry has none.
     */
    public static String xattrs(Entry e, Field field) {
        List<Xattr> all = e.xattrs(field);
        if (all == null) {
            return "(not read)";
        }
        if (all.isEmpty()) {
            return "(none)";
        }
        Principals names = Principals.local();
        StringJoiner j = new StringJoiner(",");
        for (Xattr x : all) {
            String text = x.text(names::user, names::group);
            j.add(field == Field.XATTRS ? path(x.name()) + "=" + text : text);
        }
        return j.toString();
    }

    /**
     * A change of an entry's other extended attributes ({@link Field#XATTRS}) as people read it
     * when it had some and has some: what was added, removed and changed, by name, instead of both
     * whole lists (a thousand attributes, one of them changed, would be two lines of 45 KB each):
     * {@code added (user.b="2"), removed (user.c="3"), changed (user.a="1" -> "9")}.
     *
     * @return the text, or null when the entry had or has none, or either side was not read: the
     *         lists themselves ({@link #xattrs}) say it as shortly
     */
    public static String xattrChanges(Entry before, Entry after) {
        List<Xattr> old = before.xattrs(Field.XATTRS);
        List<Xattr> now = after.xattrs(Field.XATTRS);
        if (old == null || now == null || old.isEmpty() || now.isEmpty()) {
            return null;
        }
        java.util.Map<java.nio.ByteBuffer, Xattr> was = new java.util.HashMap<>();
        for (Xattr x : old) {
            was.put(java.nio.ByteBuffer.wrap(x.name()), x);
        }
        Principals names = Principals.local();
        StringJoiner added = new StringJoiner(", ", "added (", ")").setEmptyValue("");
        StringJoiner changed = new StringJoiner(", ", "changed (", ")").setEmptyValue("");
        for (Xattr x : now) {
            Xattr w = was.remove(java.nio.ByteBuffer.wrap(x.name()));
            if (w == null) {
                added.add(path(x.name()) + "=" + x.text(names::user, names::group));
            } else if (!w.equals(x)) {
                changed.add(path(x.name()) + "=" + w.text(names::user, names::group) + " -> "
                        + x.text(names::user, names::group));
            }
        }
        StringJoiner removed = new StringJoiner(", ", "removed (", ")").setEmptyValue("");
        for (Xattr x : old) {
            if (was.containsKey(java.nio.ByteBuffer.wrap(x.name()))) {
                removed.add(path(x.name()) + "=" + x.text(names::user, names::group));
            }
        }
        StringJoiner all = new StringJoiner(", ");
        for (StringJoiner part : List.of(added, removed, changed)) {
            if (part.length() > 0) {
                all.add(part.toString());
            }
        }
        return all.toString();
    }
}
