package dev.fsnap.repository;

import java.util.Locale;

/**
 * What a run found, as its summary records it: the run's outcome in the domain's words. A program
 * maps it to its own signals (the command line to its exit status).
 */
public enum Verdict {
    /** Every entry was read and, when the run compared, nothing changed (a first run, a scan: nothing compared). */
    UNCHANGED,
    /** The comparison found changes, and every entry was read. */
    CHANGED,
    /** Some entries could not be read (when compared: newly so): what they hold is unknown. */
    UNREADABLE,
    /** With content digests: corrupt or tampered files (content changed, metadata not), besides any other change. */
    CORRUPT,
    /**
     * Entries vanished, or files kept changing, while the run read them (a live filesystem), and
     * nothing else was unreadable.
     */
    VANISHED,
    /**
     * A directory had more than the share of its files rewritten that the run was told to watch
     * for ({@code --mass-change}): ransomware, a runaway script. Not a good baseline: what it holds
     * may be what a person restores from.
     */
    MASS_CHANGE,
    /** The run did not complete its work: its snapshot is in place, but something went wrong (said when it ran). */
    INCOMPLETE;

    /**
     * @return whether a run with this verdict is a good baseline to compare the next run against:
     *         it read the tree and found nothing corrupt, no mass change and nothing newly unreadable (retention
     *         never forgets the newest such run)
     */
    public boolean isGoodBaseline() {
        return this == UNCHANGED || this == CHANGED || this == VANISHED;
    }

    /** @return the lower-case name a summary records ({@code unchanged}, {@code changed}, ...) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label a name {@link #label()} gave
     * @return the verdict
     * @throws IllegalArgumentException when it is none
     */
    static Verdict ofLabel(String label) {
        for (Verdict v : values()) {
            if (v.label().equals(label)) {
                return v;
            }
        }
        throw new IllegalArgumentException("no verdict is named '" + label + "'");
    }
}
