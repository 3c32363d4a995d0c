package dev.fsnap.cli.console;

/**
 * fsnap's exit statuses, one table for every command (each command's help says which of them it
 * uses and what they mean for it; docs/cli.md has the table). A cron job can tell them apart: 0 and
 * 1 are a normal night, 24 a normal night on a live filesystem, 3 and 4 need a person, 5 needs one
 * at once (a baseline not signed by the trusted key), 2 means the job did not do its work.
 */
public final class ExitStatus {
    /** Nothing changed (diff, check); everything was read (scan, ls); the snapshot is whole (verify). */
    public static final int OK = 0;
    /** diff, check: changes. */
    public static final int CHANGED = 1;
    /** Bad usage, an unusable root, a missing or damaged snapshot, an output that cannot be written. */
    public static final int TROUBLE = 2;
    /** Some entries could not be read (for diff and check: newly so): what they hold is unknown. */
    public static final int UNREADABLE = 3;
    /** diff, check with digests: corrupt or tampered files, besides any other change. */
    public static final int CORRUPT = 4;
    /**
     * A snapshot that a trusted key must have signed is not signed by it as it is (no signature, a
     * bad one, another key's): nothing was compared against it. An intruder's forgery, or a file
     * damaged or replaced: a person must look.
     */
    public static final int UNTRUSTED = 5;
    /**
     * diff, check with --mass-change: a directory had more than that share of its files rewritten
     * (content or size changed) in one comparison: ransomware, a runaway script, a restore.
     */
    public static final int MASS_CHANGE = 6;
    /**
     * Entries vanished while the scan read them, or files kept changing while their content was read
     * (a live filesystem), and nothing else was unreadable: rsync's 24.
     */
    public static final int VANISHED = 24;
    /**
     * Another run of this host holds the root's lock in the repository (sysexits' EX_TEMPFAIL: try
     * again later). A lock this host cannot judge (another host's, not fsnap's) is {@link #TROUBLE}:
     * a unit that counts 75 as success would not see it blocking every night.
     */
    public static final int LOCKED = 75;
    /** Standard output's reader went away ({@code | head}): the rest of the report was not written. */
    public static final int CLOSED_PIPE = 141;
    /** Stopped by SIGINT (the JVM exits with 128 + the signal: 130, or 143 for SIGTERM). */
    public static final int INTERRUPTED = 130;

    /** The table of {@code fsnap --help}. */
    public static final String[] TABLE = {
        " 0:nothing changed (diff, check); every entry was read (scan, ls); the snapshot is whole (verify)",
        " 1:diff, check: changes",
        " 2:bad usage, an unusable root, a missing or damaged snapshot, a snapshot of another root (check),",
        "   a report, page, metrics file or snapshot that cannot be written, or a part merge cannot use",
        " 3:some entries could not be read (diff, check: newly so; merge: by a part); what they hold is",
        "   unknown",
        " 4:diff, check with --digest: corrupt or tampered files, besides any other change",
        " 5:--trust-key: a snapshot is not signed by the trusted key as it is (its signature missing,",
        "   invalid, or another key's): nothing was compared against it",
        " 6:diff, check with --mass-change: a directory had more than that share of its files rewritten,",
        "   besides any other change (4 comes first)",
        " 24:entries vanished, or files kept changing, while the scan read them (a live filesystem);",
        "   nothing else unreadable",
        " 75:check, scan, merge, forget --repo: another run of this host holds the root's lock; this one",
        "   did nothing (a lock of another host, or one fsnap did not write, is 2)",
        " 141:the reader of standard output went away (| head): the rest of the report was not written;",
        "   check keeps the old snapshot",
        " 130, 143:stopped by SIGINT or SIGTERM; a snapshot being written is discarded, the old one kept"};

    private ExitStatus() {
    }

    /**
     * @param status a run's exit status
     * @return whether the run did its work: read the tree, reported in full, kept its snapshot
     *         (0, 1, 3, 4, 24), whatever it found
     */
    public static boolean didItsWork(int status) {
        return status == OK || status == CHANGED || status == UNREADABLE || status == CORRUPT || status == VANISHED
                || status == MASS_CHANGE;
    }

    /**
     * What a run that kept its snapshot found, as a repository records it: the one place where exit
     * statuses and verdicts meet ({@link #of} is the way back).
     *
     * @param status a run's exit status
     * @return its verdict: 0 unchanged, 1 changed, 3 unreadable, 4 corrupt, 6 mass change, 24 vanished; anything
     *         else (the snapshot in place, but trouble said) incomplete
     */
    public static dev.fsnap.repository.Verdict verdict(int status) {
        return switch (status) {
            case OK -> dev.fsnap.repository.Verdict.UNCHANGED;
            case CHANGED -> dev.fsnap.repository.Verdict.CHANGED;
            case UNREADABLE -> dev.fsnap.repository.Verdict.UNREADABLE;
            case CORRUPT -> dev.fsnap.repository.Verdict.CORRUPT;
            case VANISHED -> dev.fsnap.repository.Verdict.VANISHED;
            case MASS_CHANGE -> dev.fsnap.repository.Verdict.MASS_CHANGE;
            default -> dev.fsnap.repository.Verdict.INCOMPLETE;
        };
    }

    /**
     * @param verdict what a recorded run found
     * @return the exit status the run ended with ({@link #TROUBLE} for an incomplete one)
     */
    public static int of(dev.fsnap.repository.Verdict verdict) {
        return switch (verdict) {
            case UNCHANGED -> OK;
            case CHANGED -> CHANGED;
            case UNREADABLE -> UNREADABLE;
            case CORRUPT -> CORRUPT;
            case VANISHED -> VANISHED;
            case MASS_CHANGE -> MASS_CHANGE;
            case INCOMPLETE -> TROUBLE;
        };
    }

    /**
     * @param e a failure to write standard output
     * @return whether it is a closed pipe: the reader went away, which ends a command quietly
     */
    public static boolean closedPipe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(java.util.Locale.ROOT).contains("broken pipe")) {
                return true;
            }
        }
        return false;
    }
}
