package dev.fsnap.cli.report;
import dev.fsnap.cli.console.Utf8;

import dev.fsnap.scan.Entry;
import dev.fsnap.snapshot.Change;
import dev.fsnap.scan.Field;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.Base64;

/**
 * The report as JSON lines: one object per entry or change. Paths and link targets that are valid UTF-8
 * are written as strings; any other bytes go base64-encoded in {@code path_b64}/{@code target_b64},
 * so no name is ever lost or altered.
 */
final class JsonLines implements Report {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Field[] FIELDS = Field.values();
    private final OutputStream out;
    private final byte[] buffer = new byte[1 << 16];
    private int length;

    /** Fields the backend could not read: left out of every object rather than written as zeros. */
    private final Set<Field> absent;

    JsonLines(OutputStream out, Set<Field> absent) {
        this.out = out;
        this.absent = absent;
    }

    @Override
    public void entry(Entry e) {
        ascii("{");
        entryFields(e, Set.of());
        ascii("}\n");
    }

    /** The comparison the changes are of: what tells a difference reported before. */
    private Comparison comparison;

    @Override
    public void begin(Comparison c) {
        comparison = c;
    }

    /**
     * One change of a comparison: {@code op}, {@code path}, and as they apply {@code from},
     * {@code fields}, {@code error}/{@code message}/{@code operation}/{@code side}, {@code old},
     * {@code new} (each an entry object), {@code racy}.
     */
    @Override
    public void change(Change c) {
        ascii("{\"op\":\"");
        ascii(c.kind().label());
        ascii("\",");
        pathField("path", c.path());
        java.time.Instant firstSeen = comparison == null ? null : comparison.reportedBefore(c);
        if (firstSeen != null) {
            ascii(",\"first_seen\":\"");
            ascii(firstSeen.toString());
            ascii("\"");
        }
        if (c instanceof Change.Moved m) {
            ascii(",");
            pathField("from", m.from());
        }
        if (c.kind() == Change.Kind.MODIFIED || c.kind() == Change.Kind.MOVED || c.kind() == Change.Kind.CORRUPT
                || c.kind() == Change.Kind.TAMPERED) { // docs/json.md: a tampered file's owner may have changed too
            ascii(",\"fields\":[");
            boolean first = true;
            for (Field f : c.fields()) {
                ascii(first ? "\"" : ",\"");
                ascii(f.label());
                ascii("\"");
                first = false;
            }
            ascii("]");
        }
        if (c instanceof Change.Unreadable u) {
            ascii(",\"error\":\"");
            string(u.error().code().getBytes(StandardCharsets.UTF_8));
            ascii("\",\"message\":\"");
            string(u.error().message().getBytes(StandardCharsets.UTF_8));
            ascii("\",\"operation\":\"");
            ascii(u.error().operation().name().toLowerCase(java.util.Locale.ROOT));
            ascii("\",\"side\":\"");
            ascii(u.side().label());
            ascii("\"");
        }
        if (c.before() != null) {
            ascii(",\"old\":{");
            entryFields(c.before(), c.fields());
            ascii("}");
        }
        if (c.after() != null) {
            ascii(",\"new\":{");
            entryFields(c.after(), c.fields());
            ascii("}");
        }
        if (c.racy()) {
            ascii(",\"racy\":true");
        }
        ascii("}\n");
    }

    /**
     * The last line of a comparison: {@code {"summary":{...}}} with every count, the bytes of the
     * added and removed files, and what was scanned (docs/json.md, "Summary").
     */
    @Override
    public void end(Comparison c) {
        ChangeTally t = c.tally();
        for (ChangeTally.MassChange m : t.massChanges()) {
            ascii("{\"mass_change\":{");
            pathField("path", m.directory());
            ascii(",\"files\":");
            number(m.files());
            ascii(",\"rewritten\":");
            number(m.rewritten());
            ascii("}}\n");
        }
        ascii("{\"summary\":{\"schema\":" + SCHEMA);
        for (Change.Kind k : Change.Kind.values()) {
            ascii(",\"" + k.label() + "\":");
            number(t.total(k));
        }
        ascii(",\"still_unreadable\":");
        number(t.stillUnreadable());
        ascii(",\"vanished\":");
        number(t.vanished());
        ascii(",\"changing\":");
        number(t.changing());
        ascii(",\"differences\":");
        number(t.differences());
        ascii(",\"mass_change\":");
        number(t.massChanges().size());
        ascii(",\"added_bytes\":");
        number(t.bytes(Change.Kind.ADDED));
        ascii(",\"removed_bytes\":");
        number(t.bytes(Change.Kind.REMOVED));
        ascii(",\"entries\":");
        number(c.now().entries());
        ascii(",\"bytes\":");
        number(c.now().bytes());
        ascii(",\"old_started_ns\":");
        nanos(c.old().started().getEpochSecond(), c.old().started().getNano());
        ascii(",\"new_started_ns\":");
        nanos(c.now().started().getEpochSecond(), c.now().started().getNano());
        ascii(",\"scan_seconds\":" + String.format(java.util.Locale.ROOT, "%.3f",
                java.time.Duration.between(c.now().started(), c.now().finished()).toNanos() / 1e9));
        ascii(",\"diff_seconds\":" + String.format(java.util.Locale.ROOT, "%.3f", c.seconds()));
        ascii(",\"exit\":");
        number(t.exitStatus());
        ascii("}}\n");
    }

    /**
     * The version of the JSON lines' schema (docs/json.md): raised when a field changes meaning or goes.
     * 3: the summary's counts are the totals every report shows ({@code unreadable} without those still
     * unreadable, {@code vanished} without the files that kept changing, now {@code changing}).
     */
    static final int SCHEMA = 3;

    private void pathField(String name, byte[] path) {
        if (path.length == 0) {
            ascii("\"" + name + "\":\".\"");
        } else {
            bytesField(name, path);
        }
    }

    /**
     * The path, then every field of the schema the entry has and the backend could read, in schema
     * order; an attribute field only when the entry has attributes of its class, or when it is one
     * of the {@code changed} fields (then {@code []} says there were none).
     */
    private void entryFields(Entry e, Set<Field> changed) {
        pathField("path", e.path());
        for (Field f : FIELDS) {
            if (absent.contains(f) || !e.has(f)) {
                continue;
            }
            switch (f.kind()) {
                case TYPE -> {
                    ascii(",\"type\":\"");
                    ascii(e.type().label());
                    ascii("\"");
                }
                case TARGET -> {
                    ascii(",");
                    bytesField(f.jsonName(), e.target());
                }
                case TIME -> {
                    key(f);
                    nanos(e.value(f), e.nanos(f));
                }
                case IDENTITY -> {
                    key(f);
                    unsigned(e.inode());
                    ascii(",\"dev\":");
                    unsigned(e.device());
                }
                case MODE -> {
                    key(f);
                    number(e.value(f) & 0xffffffffL);
                    ascii(",\"mode_octal\":\"");
                    ascii(String.format(java.util.Locale.ROOT, "%04o", e.value(f) & 07777));
                    ascii("\"");
                }
                case FLAGS -> {
                    key(f);
                    ascii("\"");
                    ascii(e.flags());
                    ascii("\"");
                }
                case XATTRS -> xattrs(f, e.xattrs(f), changed.contains(f));
                case CONTENT -> {
                    dev.fsnap.scan.Content content = e.content();
                    key(f);
                    ascii("{\"digest\":\"");
                    ascii(java.util.HexFormat.of().formatHex(content.digest()));
                    ascii("\",\"verified_ms\":");
                    number(content.verified().toEpochMilli());
                    if (content.corrupt()) {
                        ascii(",\"corrupt\":true,\"read\":\"");
                        ascii(java.util.HexFormat.of().formatHex(content.read()));
                        ascii("\"");
                    }
                    ascii("}");
                }
                default -> {
                    key(f);
                    number(e.value(f));
                }
            }
        }
    }

    /**
     * An attribute field, when the entry has attributes of its class: an array of objects with
     * {@code name} (or {@code name_b64}), {@code value} (or {@code value_b64}, or {@code sha256}
     * in hex where only the digest is kept), and for ACLs, capabilities and labels {@code text}
     * as {@link dev.fsnap.scan.Xattr#text()} writes it (ids as numbers).
     */
    private void xattrs(Field f, java.util.List<dev.fsnap.scan.Xattr> all, boolean evenEmpty) {
        if (all.isEmpty() && !evenEmpty) {
            return;
        }
        key(f);
        ascii("[");
        boolean first = true;
        for (dev.fsnap.scan.Xattr x : all) {
            ascii(first ? "{" : ",{");
            first = false;
            bytesField("name", x.name());
            ascii(",");
            if (x.isDigest()) {
                ascii("\"sha256\":\"");
                ascii(java.util.HexFormat.of().formatHex(x.value()));
                ascii("\"");
            } else {
                bytesField("value", x.value());
            }
            if (f != Field.XATTRS) {
                ascii(",\"text\":\"");
                string(x.text().getBytes(StandardCharsets.UTF_8));
                ascii("\"");
            }
            ascii("}");
        }
        ascii("]");
    }

    private void key(Field f) {
        ascii(",\"");
        ascii(f.jsonName());
        ascii("\":");
    }

    private void bytesField(String name, byte[] value) {
        if (Utf8.isValid(value)) {
            ascii("\"" + name + "\":\"");
            string(value);
            ascii("\"");
        } else {
            ascii("\"" + name + "_b64\":\"");
            ascii(Base64.getEncoder().encodeToString(value));
            ascii("\"");
        }
    }

    /** A JSON string body from UTF-8 bytes: control characters, quote and backslash escaped. */
    private void string(byte[] utf8) {
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c == '"' || c == '\\') {
                put((byte) '\\');
                put(b);
            } else if (c < 0x20) {
                switch (c) {
                    case '\n': put((byte) '\\'); put((byte) 'n'); break;
                    case '\t': put((byte) '\\'); put((byte) 't'); break;
                    case '\r': put((byte) '\\'); put((byte) 'r'); break;
                    default:
                        ascii("\\u00");
                        put(HEX[c >> 4]);
                        put(HEX[c & 15]);
                }
            } else {
                put(b);
            }
        }
    }

    private void nanos(long seconds, int nanos) {
        try {
            number(Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos));
        } catch (ArithmeticException beyondYear2262) {
            ascii(BigInteger.valueOf(seconds).multiply(BigInteger.valueOf(1_000_000_000L))
                    .add(BigInteger.valueOf(nanos)).toString());
        }
    }

    private void unsigned(long v) {
        if (v >= 0) {
            number(v);
        } else {
            ascii(Long.toUnsignedString(v));
        }
    }

    private void number(long v) {
        if (length + 20 > buffer.length) {
            drain();
        }
        if (v < 0) {
            ascii(Long.toString(v));
            return;
        }
        if (v == 0) {
            buffer[length++] = '0';
            return;
        }
        int digits = 0;
        for (long t = v; t > 0; t /= 10) {
            digits++;
        }
        int end = length + digits;
        for (int i = end - 1; i >= length; i--) {
            buffer[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length = end;
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put((byte) s.charAt(i));
        }
    }

    private void put(byte b) {
        if (length == buffer.length) {
            drain();
        }
        buffer[length++] = b;
    }

    private void drain() {
        try {
            out.write(buffer, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
        length = 0;
    }

    @Override
    public void flush() {
        drain();
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }
}
