package dev.fsnap.scan;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What to compare where: ordered rules of a path pattern and the fields compared there, as AIDE's
 * selection lines and Tripwire's policy say it. Immutable.
 *
 * <pre>
 * # PATTERN        WHAT
 * /                all
 * /etc/            all
 * /var/log/        growing            # size may grow, times move; a shrink is reported
 * /var/log/lastlog all -mtime -ctime
 * /srv/share/      perms              # mode, owners, ACLs, capabilities, labels, flags, attributes
 * /var/cache/      exclude            # not scanned, not compared
 * *.swp            exclude
 * </pre>
 *
 * <p>A pattern is written as {@code --exclude} writes one ({@code .gitignore} syntax, see
 * {@link PathRules}: anchored at the root when it holds a {@code /}, a name at any depth when not,
 * a directory only with a trailing {@code /}); {@code \ } is a space in it. A rule applies to what
 * its pattern matches and to everything below that. <b>The last rule that applies decides</b>, as
 * in {@code .gitignore} and {@code --exclude}: write the general rules first and the exceptions
 * after them. An entry no rule applies to has every field compared, as without a policy.
 *
 * <p>What to compare is one or more groups or fields, then {@code +field} and {@code -field}
 * adjustments: {@code all} (every field), {@code perms} (type, mode, uid, gid, acl, caps, selinux,
 * flags, xattrs), {@code times} (mtime, ctime, btime), {@code content} (content, size), {@code inode}
 * (ino, nlink), or a field by its name ({@link Field#label()}). The type is compared wherever
 * anything is, unless {@code -type} says otherwise. {@code growing} (alone, meaning {@code all}, or
 * with others, the size added to them) is for files that are only appended to: a size that grew, with the times and the
 * content that go with it, is no change; a size that shrank is (a directory under it may change its
 * times, size and link count: the files that come and go are reported). {@code exclude} leaves the entries
 * out of the scan and of the comparison. A line that starts with {@code #} is a comment.
 */
public final class Policy {
    /** The largest policy file read: far more rules than any tree needs. */
    private static final int MAX_BYTES = 1 << 20;

    /** No rules: every field compared everywhere. */
    public static final Policy NONE = new Policy(List.of(), "no policy", new byte[0]);

    /** The named groups of fields, in the order a listing gives them. */
    private static final Map<String, Set<Field>> GROUPS = new LinkedHashMap<>();

    static {
        GROUPS.put("all", Collections.unmodifiableSet(EnumSet.allOf(Field.class)));
        GROUPS.put("perms", Collections.unmodifiableSet(EnumSet.of(Field.TYPE, Field.MODE, Field.UID, Field.GID,
                Field.ACL, Field.CAPS, Field.SELINUX, Field.FLAGS, Field.XATTRS)));
        GROUPS.put("times", Collections.unmodifiableSet(EnumSet.of(Field.MTIME, Field.CTIME, Field.BTIME)));
        GROUPS.put("content", Collections.unmodifiableSet(EnumSet.of(Field.CONTENT, Field.SIZE)));
        GROUPS.put("inode", Collections.unmodifiableSet(EnumSet.of(Field.INO, Field.NLINK)));
    }

    /** The fields a file that only grows may change without a report, when its size grew. */
    private static final Set<Field> GROWTH = Collections.unmodifiableSet(EnumSet.of(Field.SIZE, Field.MTIME,
            Field.CTIME, Field.CONTENT));
    /** What moves with a directory's files under a growing rule (logs rotated: files come and go, reported as such). */
    private static final Set<Field> DIRECTORY_GROWTH = Collections.unmodifiableSet(EnumSet.of(Field.SIZE,
            Field.MTIME, Field.CTIME, Field.NLINK));

    /** What a rule does where it applies. */
    public enum Action {
        /** Compare the rule's fields. */
        COMPARE,
        /** Compare them, a size that grew (with its times and content) excepted. */
        GROWING,
        /** Leave the entries out of the scan and the comparison. */
        EXCLUDE
    }

    /**
     * One rule.
     *
     * @param line its line in the file (1 for the first)
     * @param pattern its pattern, as written
     * @param action what it does
     * @param fields the fields compared where it applies (empty for {@link Action#EXCLUDE})
     * @param text the rule's line as written, without a comment
     */
    public record Rule(int line, String pattern, Action action, Set<Field> fields, String text) {
        /** @return the fields as a report names them, or {@code exclude} */
        public String describe() {
            if (action == Action.EXCLUDE) {
                return "excluded: neither scanned nor compared";
            }
            StringBuilder b = new StringBuilder();
            for (Field f : fields) {
                b.append(b.length() == 0 ? "" : ",").append(f.label());
            }
            return (fields.isEmpty() ? "nothing" : b) + (action == Action.GROWING
                    ? "; growing: a size that grew, and its times and content, are no change" : "");
        }
    }

    private final List<Rule> rules;
    /** The policy's text as read, UTF-8: what a repository keeps of it. */
    private final byte[] text;
    private final PathRules[] patterns;
    private final PathRules excludes;
    private final String source;

    private Policy(List<Rule> rules, String source, byte[] text) {
        this.text = text;
        this.rules = List.copyOf(rules);
        this.source = source;
        this.patterns = new PathRules[rules.size()];
        List<String> excluded = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            patterns[i] = PathRules.of(List.of(r.pattern()));
            if (r.action() == Action.EXCLUDE) {
                excluded.add(r.pattern());
            } else if (!excluded.isEmpty()) {
                // a later rule brings back what an earlier one left out: what it matches, and what lies below
                excluded.add("!" + r.pattern());
                String below = r.pattern().endsWith("/") ? r.pattern() + "**" : r.pattern() + "/**";
                excluded.add("!" + below);
            }
        }
        this.excludes = PathRules.of(excluded);
    }

    /**
     * Reads a policy file.
     *
     * @param file the file, UTF-8
     * @return the policy
     * @throws PolicyException when a line is not a rule (naming the file, the line and why)
     * @throws IOException when the file cannot be read
     */
    public static Policy read(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PolicyException(file + ": no such file");
        }
        if (!a.isRegularFile()) {
            throw new PolicyException(file + ": not a regular file (" + (a.isDirectory() ? "a directory" : "a device,"
                    + " FIFO or socket") + "): not a policy");
        }
        if (a.size() > MAX_BYTES) {
            throw new PolicyException(file + ": " + a.size() + " bytes, more than a policy's " + MAX_BYTES + ": not a policy");
        }
        byte[] bytes;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new PolicyException(file + ": more than a policy's " + MAX_BYTES + " bytes: not a policy");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new PolicyException(file + ": not UTF-8 text");
        }
        return parse(text, file.toString());
    }

    /**
     * Parses a policy's text.
     *
     * @param text the rules, one per line
     * @param source what to name in messages (the file)
     * @return the policy
     * @throws PolicyException when a line is not a rule (naming the source, the line and why)
     */
    public static Policy parse(String text, String source) throws PolicyException {
        List<Rule> rules = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].endsWith("\r") ? lines[n].substring(0, lines[n].length() - 1) : lines[n];
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("#")) {
                continue;
            }
            try {
                rules.add(rule(n + 1, stripped));
            } catch (IllegalArgumentException e) {
                throw new PolicyException(source + ", line " + (n + 1) + ": " + e.getMessage());
            }
        }
        return new Policy(rules, source, text.getBytes(StandardCharsets.UTF_8));
    }

    private static Rule rule(int line, String text) {
        // The pattern runs to the first space not escaped with a backslash.
        StringBuilder pattern = new StringBuilder();
        int i = 0;
        for (; i < text.length() && !Character.isWhitespace(text.charAt(i)); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == ' ') {
                pattern.append(' ');
                i++;
            } else {
                pattern.append(c);
            }
        }
        String rest = text.substring(i);
        int space = rest.indexOf(" #");
        int tab = rest.indexOf("\t#");
        int hash = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        text = text.substring(0, i) + rest.stripTrailing();
        String[] words = rest.strip().isEmpty() ? new String[0] : rest.strip().split("\\s+");
        if (words.length == 0) {
            throw new IllegalArgumentException("'" + pattern + "' says nothing of what to compare (a group such as all,"
                    + " perms, times, content, a field, growing, or exclude)");
        }
        if (pattern.toString().startsWith("!")) {
            throw new IllegalArgumentException("'" + pattern + "': a rule has no ! (a later rule overrides an earlier"
                    + " one)");
        }
        String p = pattern.toString();
        if (p.equals("/")) {
            p = "**"; // the root: everything below it
        }
        PathRules.of(List.of(p)); // the pattern's own errors, named as --exclude names them
        if (words.length == 1 && words[0].equals("exclude")) {
            return new Rule(line, p, Action.EXCLUDE, Set.of(), text);
        }
        // Only adjustments (-mtime) or growing: they adjust every field.
        boolean base = false;
        for (String w : words) {
            base |= !w.startsWith("-") && !w.equalsIgnoreCase("growing");
        }
        EnumSet<Field> fields = base ? EnumSet.noneOf(Field.class) : EnumSet.allOf(Field.class);
        boolean growing = false;
        for (String w : words) {
            String word = w.toLowerCase(Locale.ROOT);
            if (word.equals("exclude")) {
                throw new IllegalArgumentException("exclude stands alone: '" + text + "'");
            }
            if (word.equals("growing")) {
                growing = true;
                continue;
            }
            char sign = word.charAt(0);
            String name = sign == '+' || sign == '-' ? word.substring(1) : word;
            Set<Field> named = named(name);
            if (sign == '-') {
                fields.removeAll(named);
            } else {
                fields.addAll(named);
            }
        }
        if (growing) {
            fields.add(Field.SIZE); // growing watches the size: one that shrank is reported
        }
        boolean typeRemoved = false;
        for (String w : words) {
            typeRemoved |= w.equalsIgnoreCase("-type");
        }
        if (fields.isEmpty() || fields.equals(EnumSet.of(Field.TYPE)) && typeRemoved) {
            throw new IllegalArgumentException("'" + text + "' compares nothing: use exclude to leave entries out");
        }
        if (!typeRemoved) {
            fields.add(Field.TYPE);
        }
        return new Rule(line, p, growing ? Action.GROWING : Action.COMPARE, Collections.unmodifiableSet(fields), text);
    }

    private static Set<Field> named(String name) {
        Set<Field> group = GROUPS.get(name);
        if (group != null) {
            return group;
        }
        for (Field f : Field.values()) {
            if (f.label().equals(name)) {
                return EnumSet.of(f);
            }
        }
        throw new IllegalArgumentException("'" + name + "' is no group (" + String.join(", ", GROUPS.keySet())
                + ") and no field (" + fieldNames() + ")");
    }

    private static String fieldNames() {
        StringBuilder b = new StringBuilder();
        for (Field f : Field.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(f.label());
        }
        return b.toString();
    }

    /** @return the rules, in order */
    public List<Rule> rules() {
        return rules;
    }

    /** @return the policy's text, as read (UTF-8): what a repository keeps and a signature covers */
    public byte[] text() {
        return text.clone();
    }

    /** @return whether there are no rules */
    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** @return whether some rule excludes entries */
    public boolean hasExcludes() {
        return !excludes.isEmpty();
    }

    /** @return where the policy was read from, for messages */
    public String source() {
        return source;
    }

    /**
     * The rule that decides for an entry: the last whose pattern matches it or a directory above it.
     *
     * @param path the entry's path relative to the root ({@code ""}: the root)
     * @param directory whether it is a directory
     * @return the rule, or null when none applies (every field compared)
     */
    public Rule ruleFor(byte[] path, boolean directory) {
        if (path.length == 0) {
            for (int i = rules.size() - 1; i >= 0; i--) {
                if (rules.get(i).pattern().equals("**")) {
                    return rules.get(i);
                }
            }
            return null;
        }
        for (int i = rules.size() - 1; i >= 0; i--) {
            if (patterns[i].excludes(path, directory)) {
                return rules.get(i);
            }
        }
        return null;
    }

    /**
     * @return what a scan with this policy leaves out: the exclude rules, and the later rules as
     *         exceptions to them; to be added to a scan's {@link ScanOptions.Builder#exclude rules}
     */
    public PathRules excludes() {
        return excludes;
    }

    /**
     * The fields that count as a change of an entry, of those that changed.
     *
     * @param path the entry's path relative to the root
     * @param directory whether it is a directory (in the later snapshot)
     * @param changed the fields that differ between the two snapshots (left as they are)
     * @param oldSize its size before
     * @param newSize its size now
     * @return those the policy compares there, without what a growing file may change
     */
    public Set<Field> compared(byte[] path, boolean directory, Set<Field> changed, long oldSize, long newSize) {
        Rule r = ruleFor(path, directory);
        if (r == null) {
            return changed;
        }
        EnumSet<Field> kept = changed.isEmpty() ? EnumSet.noneOf(Field.class) : EnumSet.copyOf(changed);
        kept.retainAll(r.fields());
        if (r.action() == Action.GROWING && !kept.contains(Field.TYPE)) {
            if (directory) {
                kept.removeAll(DIRECTORY_GROWTH);
            } else if (newSize > oldSize) {
                kept.removeAll(GROWTH);
            }
        }
        return kept;
    }

    /** A policy file that cannot be used: the message names the file, the line and why. */
    public static final class PolicyException extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param message the file, the line, and what is wrong */
        public PolicyException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return source + " (" + rules.size() + " rules)";
    }
}
