package dev.fsnap.repository;

import dev.fsnap.snapshot.Change;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reader of summaries as fsnap wrote them before it recorded a verdict: one JSON object of
 * numbers and strings with at most one nested object ({@code changes}), its {@code exit} the
 * command line's exit status. Read strictly, as then: anything else (a file cut short, a field of
 * the wrong kind, another shape of JSON) is damage, said as such, never taken for a run that found
 * nothing. Repositories keep these files for as long as their runs are kept.
 */
final class LegacySummary {
    private LegacySummary() {
    }

    /**
     * @param file the file, for what is said
     * @param text its content, UTF-8 decoded
     * @return the summary, its exit status as a verdict
     * @throws DamagedSummaryException naming what is wrong, never quoting the content
     */
    static RunSummary parse(Path file, String text) throws DamagedSummaryException {
        Parser p = new Parser(file, text);
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> changes = new LinkedHashMap<>();
        p.object(fields, changes);
        p.space();
        if (p.at < text.length()) {
            throw new DamagedSummaryException(file, "not JSON: text after the object, at character " + p.at);
        }
        String exit = fields.get("exit");
        if (exit == null || !exit.matches("[0-9]{1,3}")) {
            throw new DamagedSummaryException(file, "no exit status");
        }
        Optional<RunSummary.Counts> scanned = Optional.empty();
        if (fields.containsKey("entries")) {
            scanned = Optional.of(new RunSummary.Counts(count(file, fields, "entries"), count(file, fields, "bytes"),
                    count(file, fields, "unreadable"), seconds(file, fields.getOrDefault("seconds", "0"))));
        }
        Map<Change.Kind, Long> byKind = new EnumMap<>(Change.Kind.class);
        for (Change.Kind k : Change.Kind.values()) {
            if (changes.containsKey(k.label())) {
                byKind.put(k, count(file, changes, k.label()));
            }
        }
        return new RunSummary(fields.getOrDefault("run", ""), verdict(Integer.parseInt(exit)), scanned, byKind);
    }

    /** The exit statuses the command line recorded, as what the run found. */
    private static Verdict verdict(int exit) {
        return switch (exit) {
            case 0 -> Verdict.UNCHANGED;
            case 1 -> Verdict.CHANGED;
            case 3 -> Verdict.UNREADABLE;
            case 4 -> Verdict.CORRUPT;
            case 24 -> Verdict.VANISHED;
            default -> Verdict.INCOMPLETE;
        };
    }

    private static long count(Path file, Map<String, String> fields, String name) throws DamagedSummaryException {
        String n = fields.getOrDefault(name, "0");
        if (!n.matches("[0-9]{1,18}")) {
            throw new DamagedSummaryException(file, "not a summary: " + name + " is no count");
        }
        return Long.parseLong(n);
    }

    private static Duration seconds(Path file, String text) throws DamagedSummaryException {
        double s;
        try {
            s = Double.parseDouble(text);
        } catch (NumberFormatException quoted) {
            s = -1; // a string where the number goes
        }
        if (!(s >= 0 && s <= 1e12)) {
            throw new DamagedSummaryException(file, "not a summary: seconds is no time");
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /** A reader of the one shape summaries had; a nested object is allowed one level down, once. */
    private static final class Parser {
        final Path file;
        final String s;
        int at;

        Parser(Path file, String s) {
            this.file = file;
            this.s = s;
        }

        DamagedSummaryException damaged(String reason) {
            return new DamagedSummaryException(file, reason);
        }

        void object(Map<String, String> into, Map<String, String> nested) throws DamagedSummaryException {
            expect('{');
            space();
            if (peek() == '}') {
                at++;
                return;
            }
            while (true) {
                space();
                String name = string();
                space();
                expect(':');
                space();
                char c = peek();
                if (c == '{') {
                    if (nested == null) {
                        throw damaged("not a summary: an object nested too deep, at character " + at);
                    }
                    object(nested, null);
                } else if (c == '"') {
                    into.put(name, string());
                } else {
                    into.put(name, number());
                }
                space();
                char next = next();
                if (next == '}') {
                    return;
                }
                if (next != ',') {
                    throw damaged("not JSON: expected , or } at character " + (at - 1));
                }
            }
        }

        String string() throws DamagedSummaryException {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case '"', '\\', '/' -> b.append(e);
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        default -> throw damaged("not a summary: an escape fsnap does not write, at character " + at);
                    }
                } else if (c < 0x20) {
                    throw damaged("not JSON: a control character in a string, at character " + (at - 1));
                } else {
                    b.append(c);
                }
            }
        }

        String number() throws DamagedSummaryException {
            int from = at;
            while (at < s.length() && "0123456789.-eE+".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String n = s.substring(from, at);
            if (!n.matches("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                throw damaged("not a summary: a value that is no number, at character " + from);
            }
            return n;
        }

        void space() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
        }

        char peek() throws DamagedSummaryException {
            if (at >= s.length()) {
                throw damaged("cut short (" + s.length() + " characters)");
            }
            return s.charAt(at);
        }

        char next() throws DamagedSummaryException {
            char c = peek();
            at++;
            return c;
        }

        void expect(char c) throws DamagedSummaryException {
            if (next() != c) {
                throw damaged("not JSON: expected " + c + " at character " + (at - 1));
            }
        }
    }
}
