package dev.fsnap.cli.report;
import dev.fsnap.cli.console.Display;
import dev.fsnap.cli.console.Principals;
import dev.fsnap.cli.console.Units;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.snapshot.Change;

import java.io.OutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/**
 * The report a person acts on in the morning: a summary first (counts and bytes per kind, the
 * totals every report shows, {@link ChangeTally#total}; what was scanned, how long it took), then
 * the changes grouped by directory, each modification with its old and new values. An added or removed tree is one line with what it held (all of it with
 * {@code -v}); a directory whose only change is what its entries coming and going did to its
 * times, link count or size is left out (listed with {@code -v}); racy entries are a count
 * (listed with {@code --show-racy} or {@code -v}). With {@code -q}, nothing at all when nothing
 * changed. Entries ({@code ls}) are listed as {@link LineReport} lists them.
 */
final class TextReport implements Report {

    private final TextOutput out;
    private final LineReport entries;
    private Comparison comparison;
    /** Whether nothing is printed: {@code -q} and nothing changed. */
    private boolean silent;
    /** The changes' lines, held to be listed by directory at the end: the differ reports moves and additions last. */
    private final java.util.List<Line> lines = new java.util.ArrayList<>();
    /** The directory whose changes are being listed, null before the first. */
    private byte[] group;

    /** The most lines held to be sorted; past it, the rest are listed as they come. */
    static final int HELD = 500_000;

    private record Line(byte[] dir, byte[] path, String text) {
    }

    TextReport(OutputStream out) {
        this.out = new TextOutput(out);
        this.entries = new LineReport(out);
    }

    @Override
    public boolean totalsFirst() {
        return true;
    }

    @Override
    public void entry(Entry e) {
        entries.entry(e);
    }

    @Override
    public void begin(Comparison c) {
        comparison = c;
        silent = c.detail().quiet() && c.nothingChanged();
        if (silent) {
            return;
        }
        ChangeTally t = c.tally();
        StringBuilder b = new StringBuilder(512);
        // The totals count entries, as every other place does (ChangeTally#total): what the lines
        // below roll up or leave out is counted all the same, and said so.
        long byEntries = t.causedByEntries();
        long n = t.differences();
        b.append(Display.path(c.now().root().getBytes(java.nio.charset.StandardCharsets.UTF_8))).append(", scanned ")
                .append(Units.TIME.format(c.now().started())).append(" against ").append(Units.TIME.format(c.old().started()))
                .append(": ").append(n == 0 ? "no changes" : n == 1 ? "1 change" : n + " changes").append('\n');
        row(b, "added", t.total(Change.Kind.ADDED), t.bytes(Change.Kind.ADDED), true);
        row(b, "removed", t.total(Change.Kind.REMOVED), t.bytes(Change.Kind.REMOVED), true);
        b.append(String.format(Locale.ROOT, "  %-11s %9d", "modified", t.total(Change.Kind.MODIFIED)));
        if (byEntries > 0) {
            b.append("  ").append(byEntries).append(byEntries == 1 ? " of them a directory" : " of them directories")
                    .append(" whose times changed with their entries").append(c.detail().verbose() ? "" : " (-v lists them)");
        }
        b.append('\n');
        row(b, "moved", t.total(Change.Kind.MOVED), -1, true);
        row(b, "corrupt", t.total(Change.Kind.CORRUPT), -1, false);
        row(b, "tampered", t.total(Change.Kind.TAMPERED), -1, false);
        long unreadable = t.total(Change.Kind.UNREADABLE);
        if (unreadable > 0 || t.stillUnreadable() > 0) {
            b.append(String.format(Locale.ROOT, "  %-11s %9d", "unreadable", unreadable));
            if (t.vanished() > 0) {
                b.append(", ").append(t.vanished()).append(" of them vanished while the scan read them");
            }
            if (t.changing() > 0) {
                // ECHANGING: not a fault and not a vanished entry, a live file; read again next run
                b.append(", ").append(t.changing()).append(t.vanished() > 0 ? "" : " of them")
                        .append(" kept changing while read (no verdict)");
            }
            if (t.stillUnreadable() > 0) {
                b.append(unreadable > 0 ? "; " : "  (").append(t.stillUnreadable())
                        .append(" more unreadable as last time, with the same error").append(unreadable > 0 ? "" : ")");
            }
            b.append('\n');
        }
        for (ChangeTally.MassChange m : t.massChanges()) {
            b.append(String.format(Locale.ROOT, "  %-11s %9d  of %d files rewritten (%.0f%%) in %s%n", "MASS CHANGE",
                    m.rewritten(), m.files(), m.percent(), m.directory().length == 0 ? "."
                            : Display.path(m.directory())));
        }
        long racy = t.count(Change.Kind.RACY);
        if (racy > 0) {
            b.append(String.format(Locale.ROOT, "  %-11s %9d  unchanged, read inside the old scan's time window%s%n",
                    "racy", racy, listsRacy() ? "" : " (--show-racy lists them)"));
        }
        long scanned = c.now().entries();
        b.append(String.format(Locale.ROOT, "  %-11s %9d  entries, %s in files, in %s%n", "scanned", scanned,
                Units.bytes(c.now().bytes()), seconds(c.now())));
        out.write(b.toString());
    }

    private static void row(StringBuilder b, String label, long count, long bytes, boolean always) {
        if (count == 0 && !always) {
            return;
        }
        b.append(String.format(Locale.ROOT, "  %-11s %9d", label, count));
        if (bytes > 0) {
            b.append("  ").append(Units.bytes(bytes));
        }
        b.append('\n');
    }

    private static String seconds(dev.fsnap.snapshot.Snapshot s) {
        double t = java.time.Duration.between(s.started(), s.finished()).toMillis() / 1000.0;
        return t < 60 ? String.format(Locale.ROOT, "%.1f s", t) : Units.duration(java.time.Duration.ofSeconds((long) t));
    }

    private boolean listsRacy() {
        return comparison.detail().showRacy() || comparison.detail().verbose();
    }

    @Override
    public void change(Change c) {
        if (silent || !shown(c)) {
            return;
        }
        byte[] path = c.path();
        byte[] dir = dev.fsnap.internal.Paths.parent(path);
        StringBuilder b = new StringBuilder(96);
        b.append("  ").append(c.kind().marker()).append(' ');
        if (c instanceof Change.Moved m) {
            b.append(Display.path(m.from())).append(" -> ");
        }
        byte[] name = path.length == dir.length ? path : Arrays.copyOfRange(path, dir.length == 0 ? 0 : dir.length + 1,
                path.length);
        b.append(path.length == 0 ? "." : Display.path(name));
        ChangeTally.Subtree tree = comparison.detail().verbose() ? null : comparison.tally().subtree(path);
        if (tree != null) {
            b.append("/  ").append(c.kind() == Change.Kind.ADDED ? "added" : "removed").append(" with ")
                    .append(tree.entries).append(tree.entries == 1 ? " entry" : " entries").append(" below it");
            if (tree.bytes > 0) {
                b.append(", ").append(Units.bytes(tree.bytes));
            }
        }
        // A difference reported on an earlier morning and not approved says so, with its first night.
        // Its values stay: the dates are the repository's to keep, and whoever can write there can
        // make a new difference look old.
        b.append(detail(c));
        java.time.Instant first = comparison.reportedBefore(c);
        if (first != null) {
            b.append("  reported before, first seen ").append(Units.TIME.format(first));
        }
        Line line = new Line(dir, path, b.append('\n').toString());
        if (lines.size() < HELD) {
            lines.add(line);
        } else {
            print(line); // too many to hold: in the differ's order, each under its directory
        }
    }

    private void print(Line line) {
        if (group == null || !Arrays.equals(group, line.dir())) {
            group = line.dir();
            out.write("\n" + (group.length == 0 ? "." : Display.path(group)) + ":\n");
        }
        out.write(line.text());
    }

    /** Lists the changes held, by directory, each directory's in name order. */
    @Override
    public void end(Comparison c) {
        lines.sort((x, y) -> {
            int d = Arrays.compareUnsigned(x.dir(), y.dir());
            return d != 0 ? d : Arrays.compareUnsigned(x.path(), y.path());
        });
        for (Line line : lines) {
            print(line);
        }
        lines.clear();
    }

    /**
     * What the report says of a change after its name, each part after two spaces: an added or
     * removed file's size, each changed field's old and new value, and the verdict of a corrupt,
     * tampered, unreadable or racy entry.
     *
     * @param c the change
     * @return the text, empty when there is nothing to say
     */
    static String detail(Change c) {
        StringBuilder b = new StringBuilder();
        Entry only = c.kind() == Change.Kind.ADDED ? c.after() : c.kind() == Change.Kind.REMOVED ? c.before() : null;
        if (only != null && only.type() == EntryType.FILE) {
            b.append("  ").append(Units.bytes(only.size()));
        }
        if (c.before() != null && c.after() != null && !c.fields().isEmpty()) {
            String sep = "  ";
            for (Field f : c.fields()) {
                b.append(sep).append(value(f, c.before(), c.after()));
                sep = ", ";
            }
        }
        if (c.kind() == Change.Kind.CORRUPT) {
            b.append("  CORRUPT: content changed, size, times and inode did not; baseline verified ")
                    .append(Units.TIME.format(c.after().content().verified())).append(", now reads ")
                    .append(Display.digest(c.after().content().read()));
        } else if (c.kind() == Change.Kind.TAMPERED) {
            b.append(c.fields().contains(Field.MTIME) ? "  TAMPERED: it only grows, and grew, but what it held before was changed"
                    : "  TAMPERED: content and ctime changed, mtime was put back");
        } else if (c instanceof Change.Unreadable u) {
            b.append("  ").append(u.side() == Change.Side.BOTH ? "still unreadable" : u.side() == Change.Side.OLD
                    ? "unreadable last time, read now" : "unreadable").append(": ").append(u.error().message())
                    .append(" (").append(u.error().code()).append(')');
        } else if (c.kind() == Change.Kind.RACY) {
            b.append("  racy: read inside the old scan's time window");
        }
        return b.toString();
    }

    /** Whether a change has a line of its own in this report. */
    private boolean shown(Change c) {
        Comparison k = comparison;
        if (c.kind() == Change.Kind.RACY) {
            return listsRacy();
        }
        if (k.detail().verbose()) {
            return true;
        }
        return k.tally().rolledInto(c.path(), c.kind()) == null && !k.tally().causedByEntries(c);
    }

    /** A field's old and new values as people read them: {@code size 6 B -> 18 B}, {@code mode 0644 -> 0600}. */
    static String value(Field f, Entry before, Entry after) {
        if (f.kind() == Field.Kind.TIME && before.has(f) && after.has(f)
                && before.time(f).getEpochSecond() == after.time(f).getEpochSecond()) {
            return f.label() + ' ' + time(before.time(f), true) + " -> " + time(after.time(f), true);
        }
        String label = switch (f) {
            case UID -> "owner";
            case GID -> "group";
            case NLINK -> "links";
            case INO -> "inode";
            default -> f.label();
        };
        if (f == Field.CONTENT && before.content() != null && after.content() != null) {
            // the approved digest against what is read now: a file still corrupt keeps its good one as baseline
            return label + ' ' + Display.digest(before.content().digest()) + " -> "
                    + Display.digest(after.content().read());
        }
        String changes = f == Field.XATTRS ? Display.xattrChanges(before, after) : null;
        if (changes != null) {
            return label + ' ' + changes;
        }
        return label + ' ' + text(f, before) + " -> " + text(f, after);
    }

    private static String text(Field f, Entry e) {
        if (!e.has(f)) {
            return "(not read)";
        }
        switch (f.kind()) {
            case TIME:
                return time(e.time(f), false);
            case MODE:
                return String.format(Locale.ROOT, "%04o", e.mode() & 07777);
            case TYPE:
                return e.type().label();
            case TARGET:
                return e.target() == null ? "(none)" : Display.path(e.target());
            case FLAGS:
                return e.flags();
            case XATTRS:
                return Display.xattrs(e, f);
            case CONTENT:
                return e.content() == null ? "(none)" : Display.digest(e.content().read());
            default:
                break;
        }
        Principals names = Principals.local();
        if (f == Field.UID) {
            String n = names.user(e.uid());
            return n == null ? Long.toString(e.uid()) : n;
        }
        if (f == Field.GID) {
            String n = names.group(e.gid());
            return n == null ? Long.toString(e.gid()) : n;
        }
        if (f == Field.SIZE) {
            return e.size() < 1024 ? e.size() + " B" : Units.bytes(e.size()) + " (" + e.size() + ")";
        }
        return Long.toString(e.value(f));
    }

    /** A time in the local zone to the second; with its nanoseconds when two differ within one. */
    private static String time(Instant t, boolean nanos) {
        return Units.TIME.format(t) + (nanos ? String.format(Locale.ROOT, ".%09d", t.getNano()) : "");
    }

    @Override
    public void flush() {
        out.flush();
        entries.flush();
    }
}
