package dev.fsnap.repository;

import dev.fsnap.snapshot.Change;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Which differences of a run from the approved baseline an approval takes: all of them, those at
 * some paths and below them, or exactly the changes a report listed. What is not taken stays a
 * difference, reported on every check until it is approved.
 *
 * <p>Paths are relative to the root, as reports give them ({@code ""} is the root's own entry), as
 * their bytes. A change is a report's line: a move is taken by its new path or its old, and then
 * whole (the entry leaves its old place and arrives at its new one). A directory removed takes what
 * it held along; a path whose directory the approved baseline lacks brings that directory along.
 */
public final class ApprovalScope {
    private static final ApprovalScope ALL = new ApprovalScope(null, false);

    /** The paths given, or null for all. */
    private final NavigableSet<byte[]> paths;
    /** Whether a path takes what lies below it too. */
    private final boolean subtrees;

    private ApprovalScope(NavigableSet<byte[]> paths, boolean subtrees) {
        this.paths = paths;
        this.subtrees = subtrees;
    }

    /** @return every difference of the run: its snapshot becomes the approved baseline as it is */
    public static ApprovalScope all() {
        return ALL;
    }

    /**
     * @param paths paths relative to the root; at least one
     * @return the differences at these paths and below them
     */
    public static ApprovalScope under(Collection<byte[]> paths) {
        return new ApprovalScope(set(paths), true);
    }

    /**
     * @param paths paths relative to the root, as a report lists its changes; at least one
     * @return the differences at exactly these paths
     */
    public static ApprovalScope changes(Collection<byte[]> paths) {
        return new ApprovalScope(set(paths), false);
    }

    private static NavigableSet<byte[]> set(Collection<byte[]> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("an approval of some differences names at least one path");
        }
        NavigableSet<byte[]> s = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[] p : paths) {
            s.add(p.clone());
        }
        return s;
    }

    /** @return whether every difference is taken */
    public boolean isAll() {
        return paths == null;
    }

    /** @return the paths given (empty for all) */
    public List<byte[]> paths() {
        return paths == null ? List.of() : paths.stream().map(byte[]::clone).toList();
    }

    /** @return whether a path takes what lies below it too */
    boolean subtrees() {
        return subtrees;
    }

    /** The path given that a change's path is at (or below, for subtrees), or null. */
    byte[] match(byte[] path) {
        if (paths == null) {
            return path;
        }
        if (paths.contains(path)) {
            return paths.ceiling(path);
        }
        if (!subtrees) {
            return null;
        }
        if (paths.contains(new byte[0])) {
            return new byte[0];
        }
        for (int i = 0; i < path.length; i++) {
            if (path[i] == '/') {
                byte[] above = Arrays.copyOf(path, i);
                if (paths.contains(above)) {
                    return paths.ceiling(above);
                }
            }
        }
        return null;
    }

    /** The path given a change is taken by, or null when it is not: by its path, or a move by its old one. */
    byte[] match(Change c) {
        byte[] m = match(c.path());
        if (m == null && c instanceof Change.Moved moved) {
            m = match(moved.from());
        }
        return m;
    }

    @Override
    public String toString() {
        return paths == null ? "all" : paths.size() + (subtrees ? " paths and below" : " changes");
    }
}
