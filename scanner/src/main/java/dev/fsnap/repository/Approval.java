package dev.fsnap.repository;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An approved baseline of a root ({@code KEY/approved.snap}): what a person accepted as the state
 * the nightly check compares against, until the next approval. Each approval has the next number;
 * signed, its number, the root, who approved it, when, from which run, and the identity of the
 * approval before it (a chain) are in the signature's trusted comment, so that none of them can be
 * changed, and an older approved baseline put back is told from the newest (a rollback).
 *
 * @param sequence the approval's number: 1 for the first, one more for each
 * @param root the root, as its runs record it
 * @param time when it was approved
 * @param approver who approved it (the user name the approval ran as, or as given)
 * @param run the run it approved (its name), from which the baseline was taken
 * @param previous the identity of the approval before it; empty for the first
 * @param identity this approval's identity: the first 16 bytes of its signature in hex where signed,
 *                 else the baseline's tree hash
 */
public record Approval(long sequence, String root, Instant time, String approver, String run, String previous,
                       String identity) {
    /** What opens the trusted comment of an approval's signature. */
    static final String TAG = "fsnap approval";

    /**
     * @param sequence the approval's number, from 1
     * @param root the root
     * @param time when it was approved
     * @param approver who approved it
     * @param run the run approved
     * @param previous the identity of the approval before it; empty for the first
     * @param identity this approval's identity
     * @throws IllegalArgumentException when the sequence is below 1 or a text holds a tab or a line break
     * @throws NullPointerException when an argument is null
     */
    public Approval {
        if (sequence < 1) {
            throw new IllegalArgumentException("an approval's number starts at 1, not " + sequence);
        }
        for (String s : new String[] {approver, run, previous, identity}) {
            if (Objects.requireNonNull(s).indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("an approval's field is one line without tabs: '" + s + "'");
            }
        }
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(time, "time");
    }

    /**
     * The signature's trusted comment: minisign's own fields first ({@code minisign -V} prints it
     * whole), then the approval's, the root last (it may hold a tab).
     */
    String trustedComment() {
        return "timestamp:" + time.getEpochSecond() + "\tfile:approved.snap\thashed\t" + TAG + "\tsequence:" + sequence
                + "\tprevious:" + (previous.isEmpty() ? "none" : previous) + "\tapprover:" + approver + "\trun:" + run
                + "\troot:" + root.replace('\n', ' ').replace('\r', ' ');
    }

    /**
     * Reads a trusted comment back.
     *
     * @param comment the comment, verified
     * @param identity the signature's identity
     * @return the approval, or null when the comment is no approval's
     */
    static Approval ofTrustedComment(String comment, String identity) {
        int rootAt = comment.indexOf("\troot:");
        if (rootAt < 0) {
            return null;
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (String part : comment.substring(0, rootAt).split("\t")) {
            int colon = part.indexOf(':');
            f.put(colon < 0 ? part : part.substring(0, colon), colon < 0 ? "" : part.substring(colon + 1));
        }
        if (!f.containsKey(TAG)) {
            return null;
        }
        try {
            String previous = f.getOrDefault("previous", "none");
            return new Approval(Long.parseLong(f.getOrDefault("sequence", "")), comment.substring(rootAt + 6),
                    Instant.ofEpochSecond(Long.parseLong(f.getOrDefault("timestamp", ""))), f.getOrDefault("approver", ""),
                    f.getOrDefault("run", ""), previous.equals("none") ? "" : previous, identity);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
