package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.snapshot.Change;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * A comparison as one self-contained HTML file ({@code --report FILE.html}): the totals, a tree of
 * the directories where the changes are with counts and bytes, to be opened level by level, and
 * filters by kind. The page fetches nothing (a NAS's admin network is often offline): its style,
 * script and data are in the file. The changes are held until the end, then written at once; past
 * {@link #MOST} the rest are counted, not listed.
 */
final class HtmlReport implements Report {
    /** The most changes a page lists: a browser holds them all in memory. */
    static final int MOST = 2_000_000;

    private final Path file;
    private final StringBuilder changes = new StringBuilder(1 << 16);
    private long listed;
    private long left;

    HtmlReport(Path file) {
        this.file = file;
    }

    @Override
    public void entry(Entry e) {
        // a page reports comparisons only
    }

    @Override
    public void change(Change c) {
        if (listed >= MOST) {
            left++;
            return;
        }
        changes.append(listed == 0 ? "[" : ",[");
        listed++;
        string(c.kind().label());
        changes.append(',');
        string(c.displayPath());
        changes.append(',').append(size(c)).append(',');
        string(detail(c));
        changes.append(']');
    }

    private static long size(Change c) {
        Entry e = c.kind() == Change.Kind.REMOVED ? c.before() : c.after();
        return e != null && e.type() == EntryType.FILE ? e.size() : 0;
    }

    /** What the text report says of a change after its name. */
    private static String detail(Change c) {
        StringBuilder b = new StringBuilder();
        if (c instanceof Change.Moved m) {
            b.append("from ").append(Display.path(m.from()));
        }
        if (c.before() != null && c.after() != null) {
            for (Field f : c.fields()) {
                b.append(b.length() == 0 ? "" : ", ").append(TextReport.value(f, c.before(), c.after()));
            }
        } else if (size(c) > 0) {
            b.append(Units.bytes(size(c)));
        }
        if (c instanceof Change.Unreadable u) {
            b.append(u.side() == Change.Side.BOTH ? "still unreadable: " : "unreadable: ").append(u.error().message())
                    .append(" (").append(u.error().code()).append(')');
        }
        return b.toString();
    }

    /** A JSON string, safe inside a script element ({@code </} never appears). */
    private void string(String s) {
        changes.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> changes.append("\\\"");
                case '\\' -> changes.append("\\\\");
                case '<' -> changes.append("\\u003c");
                case '>' -> changes.append("\\u003e");
                case '&' -> changes.append("\\u0026");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        changes.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        changes.append(ch);
                    }
                }
            }
        }
        changes.append('"');
    }

    /** Writes the page: the template with the data in it, atomically (a temporary file renamed). */
    @Override
    public void end(Comparison c) {
        StringBuilder data = new StringBuilder(changes.length() + 512);
        StringBuilder saved = new StringBuilder(changes);
        changes.setLength(0);
        changes.append("{\"root\":");
        string(c.now().root());
        changes.append(",\"oldStarted\":");
        string(c.old().started().toString());
        changes.append(",\"newStarted\":");
        string(c.now().started().toString());
        changes.append(",\"entries\":").append(c.now().entries()).append(",\"bytes\":").append(c.now().bytes());
        changes.append(",\"cut\":");
        string(left == 0 ? "" : left + " more changes not listed (a page lists at most " + MOST + ")");
        data.append(changes).append(",\"changes\":[").append(saved).append("]}");
        String page;
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("/*DATA*/", data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report's template: " + e.getMessage(), e);
        }
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".fsnap-report-", ".tmp");
            try {
                Files.writeString(tmp, page);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the report: " + e.getMessage(), e);
        }
    }

    @Override
    public void flush() {
        // written whole at the end
    }
}
