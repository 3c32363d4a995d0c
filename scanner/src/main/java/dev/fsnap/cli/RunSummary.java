package dev.fsnap.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's summary in a repository ({@code KEY/RUN.json}), read strictly: one JSON object of numbers
 * and strings with at most one nested object ({@code changes}), as {@link Repository} writes it.
 * Anything else (other bytes than UTF-8, a file cut short, a field of the wrong kind) is damage,
 * said as such, never taken for a run that found nothing.
 */
public record RunSummary(Map<String, String> fields, Map<String, String> changes) {
    /** Larger than any summary fsnap writes: a bigger file is not one. */
    static final int MAX_BYTES = 64 * 1024;

    /** Why a summary cannot be read as one. */
    public static final class Damaged extends Exception {
        Damaged(String reason) {
            super(reason, null, false, false);
        }
    }

    /** @return the run's exit status, or -1 when the summary has none */
    int exit() {
        try {
            return Integer.parseInt(fields.getOrDefault("exit", "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** @return a field as written (a number's digits, a string's text), or empty */
    public String field(String name) {
        return fields.getOrDefault(name, "");
    }

    /** @return what kind of run wrote it (check, scan, merge), or empty for a summary that does not say */
    public String run() {
        return field("run");
    }

    /**
     * @param bytes the file's content
     * @return the summary
     * @throws Damaged naming what is wrong, never quoting the content
     */
    static RunSummary parse(byte[] bytes) throws Damaged {
        if (bytes.length > MAX_BYTES) {
            throw new Damaged("larger than a summary (" + bytes.length + " bytes)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Damaged("not UTF-8");
        }
        Parser p = new Parser(text);
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> changes = new LinkedHashMap<>();
        p.object(fields, changes);
        p.space();
        if (p.at < text.length()) {
            throw new Damaged("not JSON: text after the object, at character " + p.at);
        }
        String exit = fields.get("exit");
        if (exit == null || !exit.matches("[0-9]{1,3}")) {
            throw new Damaged("no exit status");
        }
        return new RunSummary(fields, changes);
    }

    /** A reader of the one shape summaries have; a nested object is allowed one level down, once. */
    private static final class Parser {
        final String s;
        int at;

        Parser(String s) {
            this.s = s;
        }

        void object(Map<String, String> into, Map<String, String> nested) throws Damaged {
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
                        throw new Damaged("not a summary: an object nested too deep, at character " + at);
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
                    throw new Damaged("not JSON: expected , or } at character " + (at - 1));
                }
            }
        }

        String string() throws Damaged {
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
                        default -> throw new Damaged("not a summary: an escape fsnap does not write, at character " + at);
                    }
                } else if (c < 0x20) {
                    throw new Damaged("not JSON: a control character in a string, at character " + (at - 1));
                } else {
                    b.append(c);
                }
            }
        }

        String number() throws Damaged {
            int from = at;
            while (at < s.length() && "0123456789.-eE+".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String n = s.substring(from, at);
            if (!n.matches("-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                throw new Damaged("not a summary: a value that is no number, at character " + from);
            }
            return n;
        }

        void space() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
        }

        char peek() throws Damaged {
            if (at >= s.length()) {
                throw new Damaged("cut short (" + s.length() + " characters)");
            }
            return s.charAt(at);
        }

        char next() throws Damaged {
            char c = peek();
            at++;
            return c;
        }

        void expect(char c) throws Damaged {
            if (next() != c) {
                throw new Damaged("not JSON: expected " + c + " at character " + (at - 1));
            }
        }
    }
}
