package dev.fsnap.cli.report;

import dev.fsnap.cli.console.Display;
import dev.fsnap.cli.console.Units;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.Field;
import dev.fsnap.snapshot.Change;

import java.io.OutputStream;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * The report as lines of UTF-8 text, one per entry or change, for scripts that grep it
 * ({@code --format lines}) and for {@code ls}: an entry as {@code ls} lists it (type, mode, size,
 * mtime, path), a change with its marker ({@code + - M > ! ? C T}), its path and what changed
 * (with the old and new values of the flags, the extended attributes and the content).
 */
final class LineReport implements Report {
    private final TextOutput out;

    LineReport(OutputStream out) {
        this.out = new TextOutput(out);
    }

    @Override
    public void entry(Entry e) {
        String target = e.target() == null ? "" : " -> " + Display.path(e.target());
        write(String.format(Locale.ROOT, "%-7s %07o %12d %s %s%s%n", e.type().label(), e.mode(), e.size(), e.mtime(),
                Display.path(e.path()), target));
    }

    @Override
    public void change(Change c) {
        StringBuilder b = new StringBuilder(96);
        b.append(c.kind().marker()).append(' ');
        if (c instanceof Change.Moved m) {
            b.append(Display.path(m.from())).append(" -> ");
        }
        b.append(Display.path(c.path()));
        if (!c.fields().isEmpty()) {
            StringJoiner j = new StringJoiner(",", "  (", ")");
            for (Field f : c.fields()) {
                j.add(f.label());
            }
            b.append(j);
        }
        if (c.before() != null && c.after() != null) {
            for (Field f : c.fields()) {
                if (f.kind() == Field.Kind.FLAGS) {
                    b.append("  flags ").append(c.before().flags()).append(" -> ").append(c.after().flags());
                } else if (f.kind() == Field.Kind.CONTENT && c.before().content() != null
                        && c.after().content() != null) {
                    b.append("  content ").append(Display.digest(c.before().content().digest())).append(" -> ")
                            .append(Display.digest(c.after().content().read()));
                } else if (f.kind() == Field.Kind.XATTRS) {
                    String changes = f == Field.XATTRS ? Display.xattrChanges(c.before(), c.after()) : null;
                    b.append("  ").append(f.label()).append(' ').append(changes != null ? changes
                            : Display.xattrs(c.before(), f) + " -> " + Display.xattrs(c.after(), f));
                }
            }
        }
        if (c.kind() == Change.Kind.CORRUPT) {
            b.append("  CORRUPT: content changed, size, times and inode did not; baseline verified ")
                    .append(c.after().content().verified());
        } else if (c.kind() == Change.Kind.TAMPERED) {
            b.append(c.fields().contains(Field.MTIME) ? "  TAMPERED: it only grows, and grew, but what it held before was changed"
                    : "  TAMPERED: content and ctime changed, mtime was put back");
        }
        if (c instanceof Change.Unreadable u) {
            b.append("  unreadable in ").append(u.side().label()).append(": ").append(u.error().message())
                    .append(" (").append(u.error().code()).append(')');
        } else if (c.kind() == Change.Kind.RACY) {
            b.append("  racy: read inside the old scan's time window; a change in the same tick would not show");
        }
        if (c.racy()) {
            b.append("  [racy in new]");
        }
        java.time.Instant first = comparison == null ? null : comparison.reportedBefore(c);
        if (first != null) {
            b.append("  [reported before, first seen ").append(Units.TIME.format(first)).append(']');
        }
        write(b.append('\n').toString());
    }

    /** The comparison the changes are of: what tells a difference reported before. */
    private Comparison comparison;

    @Override
    public void begin(Comparison c) {
        comparison = c;
    }

    /** After the changes, each mass change: {@code % DIR  (REWRITTEN of FILES files rewritten, P%)}. */
    @Override
    public void end(Comparison c) {
        for (ChangeTally.MassChange m : c.tally().massChanges()) {
            write(String.format(Locale.ROOT, "%% %s  (%d of %d files rewritten, %.0f%%)%n", m.directory().length == 0
                    ? "." : Display.path(m.directory()), m.rewritten(), m.files(), m.percent()));
        }
    }

    private void write(String line) {
        out.write(line);
    }

    @Override
    public void flush() {
        out.flush();
    }
}
