package dev.fsnap.cli.report;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.AtomicFile;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.scan.Field;

import java.util.Locale;
import java.util.Set;

/** The report a command writes to standard output: the one place its options are declared. */
public final class ReportOptions {
    /** The formats: for a person (grouped, totals first), a line per change, JSON lines. */
    enum Format { TEXT, LINES, JSON }

    Format format = Format.TEXT;
    boolean quiet;
    boolean verbose;
    boolean showRacy;
    /** The last comparison's totals, once it is done (for --metrics); null before. */
    public ChangeTally tally;
    /** Against an approved baseline: when each difference was first reported (see {@link Comparison}); else null. */
    public Comparison.FirstSeen firstSeen;
    /** Where --report writes the page, or null. */
    public java.nio.file.Path page;
    /** --mass-change: the share of a directory's files, in percent, past which their rewrite is one verdict; or null. */
    public Double massChange;
    /** What --policy compares where; {@link dev.fsnap.scan.Policy#NONE} without it. */
    public dev.fsnap.scan.Policy policy = dev.fsnap.scan.Policy.NONE;
    /** The bytes of the --policy file given, as read (what a repository keeps), or null when none was given. */
    public byte[] policyText;
    /** The fields --ignore leaves out of the comparison. */
    public final Set<Field> ignore = java.util.EnumSet.noneOf(Field.class);

    public void declare(Arguments a) {
        a.flag("Write the report as JSON lines: one object per entry (scan, ls) or per change (diff, check), "
                + "and for diff and check a last object with the totals. The same as --format json.",
                () -> format = Format.JSON, "--json");
        a.flag("Print nothing unless something changed or failed: for cron, which mails what a job prints.",
                () -> quiet = true, "-q", "--quiet");
    }

    /** Declares, besides {@link #declare}, what a comparison's report may show. */
    public void declareComparison(Arguments a) {
        declare(a);
        a.option("FORMAT", "text (the default): totals first, then the changes by directory with old and new "
                + "values; lines: one line per change with its marker (+ - M > ! ? C T), for scripts; json: as "
                + "--json.", v -> format = format(v), "--format");
        a.flag("Show everything: added and removed trees entry by entry, directories changed only by their "
                + "entries coming and going, racy entries.", () -> verbose = true, "-v", "--verbose");
        a.flag("List racy entries (unchanged, read inside the old scan's time window), not only count them.",
                () -> showRacy = true, "--show-racy");
        a.option("FIELD,...", "Do not compare these fields, as mtree -k leaves them out: a change in them alone is "
                + "no change (ctime,nlink; also " + labels() + "; atime is never compared). Repeatable.",
                this::ignore, "--ignore");
        a.option("FILE", "Compare at each path what the rules of FILE say there (docs/integrity.md, \"A policy\"): "
                + "PATTERN and fields, a group (all, perms, times, content, inode), growing or exclude, one rule a "
                + "line, the last that applies deciding. What it excludes is not scanned. fsnap policy explain "
                + "FILE PATH shows the rule of a path.", v -> {
                    try {
                        policy = dev.fsnap.scan.Policy.read(ScanArguments.path(v));
                        policyText = policy.text();
                    } catch (dev.fsnap.scan.Policy.PolicyException e) {
                        throw new IllegalArgumentException(e.getMessage());
                    } catch (java.io.IOException e) {
                        throw new IllegalArgumentException(v + ": " + dev.fsnap.internal.IoMessages.describe(e));
                    }
                }, "--policy");
        a.option("PERCENT", "Report each directory (of at least " + ChangeTally.MASS_CHANGE_LEAST_FILES + " files) where "
                + "more than PERCENT of the files had their content or size changed as one mass change (ransomware, a "
                + "runaway script), in the report, the summary and the metrics, with exit status 6: 20%, 50%.", v -> {
                    String n = v.endsWith("%") ? v.substring(0, v.length() - 1) : v;
                    double p;
                    try {
                        p = Double.parseDouble(n);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("not a share such as 20%: '" + v + "'");
                    }
                    if (!(p > 0 && p < 100)) {
                        throw new IllegalArgumentException("must be more than 0% and less than 100%, not '" + v + "'");
                    }
                    massChange = p;
                }, "--mass-change");
        a.option("FILE.html", "Also write the report as one HTML page that needs nothing else (no network): the "
                + "totals, a tree of where the changes are with counts and bytes, filters by kind.",
                v -> page = ScanArguments.path(v), "--report");
    }

    /**
     * Refuses, before the run, a {@code --report} page that the run could not or must not write.
     *
     * @param snapshots the snapshots the run reads or writes: the page may be none of them
     * @throws IllegalArgumentException naming the page and the reason
     */
    public void checkPage(java.nio.file.Path... snapshots) {
        if (page != null) {
            AtomicFile.checkTarget(page, "--report", snapshots);
        }
    }

    private static String labels() {
        java.util.StringJoiner j = new java.util.StringJoiner(", ");
        for (Field f : Field.values()) {
            if (f != Field.TYPE) {
                j.add(f.label());
            }
        }
        return j.toString();
    }

    private void ignore(String list) {
        for (String name : list.split(",")) {
            String n = name.strip().toLowerCase(Locale.ROOT);
            if (n.isEmpty() || n.equals("atime")) {
                continue; // access times are never recorded: nothing to leave out
            }
            Field found = null;
            for (Field f : Field.values()) {
                if (f.label().equals(n) && f != Field.TYPE) {
                    found = f;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("no field '" + name.strip() + "'; the fields are "
                        + labels());
            }
            ignore.add(found);
        }
    }

    private static Format format(String v) {
        try {
            return Format.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be text, lines or json, not '" + v + "'");
        }
    }

    /** @return what a comparison's report shows beyond the changes a person acts on */
    public Comparison.Detail detail() {
        return new Comparison.Detail(quiet, verbose, showRacy);
    }

    /**
     * The report, on standard output.
     *
     * @param stdout standard output
     * @param absent the fields the entries' backend could not read: JSON leaves them out
     * @return the report
     */
    public Report open(java.io.OutputStream stdout, Set<Field> absent) {
        Report out = switch (format) {
            case JSON -> new JsonLines(stdout, absent);
            case LINES -> new LineReport(stdout);
            default -> new TextReport(stdout);
        };
        return page == null ? out : Report.both(out, new HtmlReport(page));
    }

    /**
     * The report of a scan's entries, which only JSON has: a text scan reports its summary alone.
     *
     * @param stdout standard output
     * @param absent the fields the backend cannot read
     * @return the report, or null when the entries are not written
     */
    public Report entriesOfScan(java.io.OutputStream stdout, Set<Field> absent) {
        return format == Format.JSON ? open(stdout, absent) : null;
    }
}
