package dev.fsnap.cli;

import dev.fsnap.scan.Field;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.util.Set;

/** The report format a command writes to standard output: the one place its option is declared. */
final class ReportOptions {
    boolean json;

    void declare(Arguments a) {
        a.flag("Write the report as JSON lines: one object per entry (scan, ls) or per change (diff, check).",
                () -> json = true, "--json");
    }

    /**
     * The report, on standard output.
     *
     * @param absent the fields the entries' backend could not read: JSON leaves them out
     * @return the report
     */
    Report open(Set<Field> absent) {
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        return json ? new JsonLines(stdout, absent) : new TextReport(stdout);
    }

    /**
     * The report of a scan's entries, which only JSON has: a text scan reports its summary alone.
     *
     * @param absent the fields the backend cannot read
     * @return the report, or null when the entries are not written
     */
    Report entriesOfScan(Set<Field> absent) {
        return json ? open(absent) : null;
    }
}
