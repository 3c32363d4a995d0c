package dev.fsnap.scan;

import dev.fsnap.internal.Paths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Which entries a scan leaves out: glob patterns relative to the root, in the syntax of
 * {@code .gitignore}. Immutable.
 *
 * <ul>
 * <li>{@code *} matches any bytes but {@code /}; {@code ?} one character but {@code /};
 *     {@code [a-z]}, {@code [!0-9]} one character of (or not of) a set; {@code \} quotes the next
 *     character.</li>
 * <li>{@code **} as a whole component matches any number of directories: {@code **}{@code /cache},
 *     {@code logs/**}, {@code a/**}{@code /b}.</li>
 * <li>A pattern without a {@code /} (other than a trailing one) matches a name at any depth
 *     ({@code *.tmp}, {@code .cache}); with one, it matches the path from the root ({@code build/out},
 *     {@code /tmp}: a leading {@code /} only anchors).</li>
 * <li>A trailing {@code /} matches directories only ({@code cache/}).</li>
 * <li>A leading {@code !} makes an exception: it brings back what an earlier pattern left out. The
 *     last pattern that matches decides. An excluded directory is not entered at all, so nothing
 *     below it can be brought back.</li>
 * </ul>
 *
 * <p>Names are bytes: patterns are encoded as UTF-8 and compared with the raw name bytes; {@code ?}
 * and sets match one UTF-8 character, or one byte where the name is not valid UTF-8.
 */
public final class PathRules {
    /** No rules: nothing is left out. */
    public static final PathRules NONE = new PathRules(List.of(), new Rule[0]);

    private final List<String> patterns;
    private final Rule[] rules;
    /** Whether some rule matches from the root, and so needs an entry's whole path rather than its name. */
    private final boolean anyAnchored;

    private PathRules(List<String> patterns, Rule[] rules) {
        this.patterns = patterns;
        this.rules = rules;
        boolean anchored = false;
        for (Rule r : rules) {
            anchored |= r.anchored;
        }
        this.anyAnchored = anchored;
    }

    /**
     * Rules from patterns, in order (later ones win).
     *
     * @param patterns the patterns; {@code !} before one makes it an exception
     * @return the rules
     * @throws IllegalArgumentException when a pattern is empty, holds a NUL byte or an unclosed
     *                                  {@code [}, or ends in a lone {@code \}; the message names it
     * @throws NullPointerException when the list or a pattern is null
     */
    public static PathRules of(List<String> patterns) {
        List<String> copy = List.copyOf(patterns);
        Rule[] rules = new Rule[copy.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = Rule.compile(copy.get(i));
        }
        return create(copy, rules);
    }

    /**
     * Rules from a file in {@code .gitignore} syntax: one pattern per line; blank lines and lines
     * starting with {@code #} are skipped (write {@code \#} for a name starting with {@code #}).
     *
     * @param file the file, UTF-8
     * @return the rules
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException when it cannot be read, or a line holds a pattern that is not valid (the
     *                     message names the file, the line and the reason)
     */
    public static PathRules read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> patterns = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(Rule.compile(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ", line " + (n + 1) + ": " + e.getMessage(), e);
            }
            patterns.add(line);
        }
        return create(List.copyOf(patterns), rules.toArray(new Rule[0]));
    }

    /**
     * These rules followed by others (which win where both match).
     *
     * @param more the rules to add
     * @return the combined rules
     */
    public PathRules and(PathRules more) {
        if (more.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return more;
        }
        List<String> all = new ArrayList<>(patterns);
        all.addAll(more.patterns);
        Rule[] both = Arrays.copyOf(rules, rules.length + more.rules.length);
        System.arraycopy(more.rules, 0, both, rules.length, more.rules.length);
        return create(List.copyOf(all), both);
    }

    private static PathRules create(List<String> patterns, Rule[] rules) {
        return rules.length == 0 ? NONE : new PathRules(patterns, rules);
    }

    /** @return the patterns as given, in order ({@code !} marking exceptions) */
    public List<String> patterns() {
        return Collections.unmodifiableList(patterns);
    }

    /** @return whether there are no rules */
    public boolean isEmpty() {
        return rules.length == 0;
    }

    /**
     * Whether an entry is left out by the rules themselves, without looking at its ancestors.
     *
     * @param path the path relative to the root, bytes with {@code /} between components
     * @param directory whether the entry is a directory (patterns ending in {@code /} match only those)
     * @return true when the last matching pattern excludes it
     */
    public boolean excludesEntry(byte[] path, boolean directory) {
        int nameStart = lastSlash(path, path.length) + 1;
        return decide(path, nameStart, path.length, directory);
    }

    /**
     * Whether an entry would be missing from a scan with these rules: it is excluded, or one of the
     * directories above it is.
     *
     * @param path the path relative to the root
     * @param directory whether the entry is a directory
     * @return true when a scan with these rules would not report it
     */
    public boolean excludes(byte[] path, boolean directory) {
        if (rules.length == 0 || path.length == 0) {
            return false;
        }
        for (int end = 0; end < path.length; end++) {
            if (path[end] == '/' && decide(path, lastSlash(path, end) + 1, end, true)) {
                return true;
            }
        }
        return excludesEntry(path, directory);
    }

    /** A name in a directory: used by the scan, which already knows no ancestor is excluded. */
    boolean excludesName(byte[] parent, byte[] names, int offset, int length, boolean directory) {
        if (!anyAnchored) {
            return decide(names, offset, offset + length, directory); // the name alone: no path built
        }
        byte[] path = Paths.child(parent, names, offset, length);
        return decide(path, path.length - length, path.length, directory);
    }

    private boolean decide(byte[] path, int nameStart, int end, boolean directory) {
        for (int i = rules.length - 1; i >= 0; i--) {
            Rule r = rules[i];
            if (r.directoryOnly && !directory) {
                continue;
            }
            boolean matches = r.anchored ? Glob.matches(r.glob, 0, path, 0, end)
                    : Glob.matches(r.glob, 0, path, nameStart, end);
            if (matches) {
                return !r.exception;
            }
        }
        return false;
    }

    private static int lastSlash(byte[] path, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (path[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathRules r && r.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }

    /** One compiled pattern. */
    private static final class Rule {
        final byte[] glob;
        final boolean exception;
        final boolean anchored;
        final boolean directoryOnly;

        private Rule(byte[] glob, boolean exception, boolean anchored, boolean directoryOnly) {
            this.glob = glob;
            this.exception = exception;
            this.anchored = anchored;
            this.directoryOnly = directoryOnly;
        }

        static Rule compile(String pattern) {
            Objects.requireNonNull(pattern, "pattern");
            String p = pattern;
            boolean exception = p.startsWith("!");
            if (exception) {
                p = p.substring(1);
            }
            boolean directoryOnly = p.endsWith("/") && !p.endsWith("\\/");
            while (p.endsWith("/") && !p.endsWith("\\/")) {
                p = p.substring(0, p.length() - 1);
            }
            boolean anchored = p.indexOf('/') >= 0;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("pattern '" + pattern + "' matches no name: it is empty");
            }
            if (p.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("pattern '" + pattern + "' holds a NUL byte, which no name can");
            }
            byte[] glob = p.getBytes(StandardCharsets.UTF_8);
            String problem = Glob.check(glob);
            if (problem != null) {
                throw new IllegalArgumentException("pattern '" + pattern + "': " + problem);
            }
            return new Rule(glob, exception, anchored, directoryOnly);
        }
    }
}
