package dev.fsnap.cli.report;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.console.Display;

import dev.fsnap.internal.Json;
import dev.fsnap.scan.Entry;
import dev.fsnap.snapshot.Change;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A comparison as one self-contained HTML file ({@code --report FILE.html}): the totals, a tree of
 * the directories where the changes are with counts and bytes, to be opened level by level, and
 * filters by kind. The page fetches nothing (a NAS's admin network is often offline): its style,
 * script and data are in the file. The changes are held until the end, then written at once; past
 * {@link #MOST} the rest are counted, not listed.
 */
public final class HtmlReport implements Report {
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
        // An entry unreadable as last time is listed, but is no change: the page counts it apart, as the totals do.
        boolean still = c instanceof Change.Unreadable u && u.side() == Change.Side.BOTH;
        Json.quote(changes, still ? "still" : c.kind().label()).append(',');
        Json.quote(changes, Display.path(c.path())).append(',').append(ChangeTally.size(c)).append(',');
        String detail = TextReport.detail(c).strip();
        Json.quote(changes, c instanceof Change.Moved m ? ("from " + Display.path(m.from()) + "  " + detail).strip()
                : detail).append(']');
    }

    /** Writes the page: the template with the data in it, atomically (a temporary file renamed). */
    @Override
    public void end(Comparison c) {
        StringBuilder data = new StringBuilder(changes.length() + 512).append("{\"root\":");
        Json.quote(data, c.now().root()).append(",\"oldStarted\":");
        Json.quote(data, c.old().started().toString()).append(",\"newStarted\":");
        Json.quote(data, c.now().started().toString()).append(",\"entries\":").append(c.now().entries())
                .append(",\"bytes\":").append(c.now().bytes()).append(",\"cut\":");
        Json.quote(data, left == 0 ? "" : left + " more changes not listed (a page lists at most " + MOST + ")");
        data.append(",\"totals\":").append(totals(c.tally()));
        data.append(",\"changes\":[").append(changes).append("]}");
        String page;
        try (InputStream in = HtmlReport.class.getResourceAsStream("report.html")) {
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("/*DATA*/", data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report's template: " + e.getMessage(), e);
        }
        try {
            AtomicFile.write(file, page);
        } catch (IOException e) {
            throw new NotWritten(file + ": the page was not written: " + IoMessages.describe(e), e);
        }
    }

    /**
     * The totals the page shows, the same as every report's ({@link ChangeTally#total}): the page's own
     * tree counts what it lists, which past {@link #MOST} is not everything.
     */
    private static StringBuilder totals(ChangeTally t) {
        StringBuilder b = new StringBuilder(256).append("{\"changes\":").append(t.differences());
        for (Change.Kind k : Change.Kind.values()) {
            b.append(",\"").append(k.label()).append("\":").append(t.total(k));
        }
        b.append(",\"still\":").append(t.stillUnreadable()).append(",\"vanished\":").append(t.vanished())
                .append(",\"changing\":").append(t.changing()).append(",\"mass\":[");
        boolean first = true;
        for (ChangeTally.MassChange m : t.massChanges()) {
            b.append(first ? "{\"path\":" : ",{\"path\":");
            dev.fsnap.internal.Json.quote(b, m.directory().length == 0 ? "." : dev.fsnap.cli.console.Display.path(m.directory()));
            b.append(",\"files\":").append(m.files()).append(",\"rewritten\":").append(m.rewritten()).append('}');
            first = false;
        }
        return b.append("]}");
    }

    /** The page could not be written; the report on standard output was, whole. */
    public static final class NotWritten extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        NotWritten(String message, IOException cause) {
            super(message, cause);
        }
    }

    @Override
    public void flush() {
        // written whole at the end
    }
}
