package dev.fsnap.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON for the files fsnap writes besides its JSON lines (an HTML page's data, a shard plan):
 * strings quoted and escaped so that they are safe inside an HTML script element as well
 * ({@code <}, {@code >} and {@code &} as escapes, so {@code </script>} never appears), and a reader
 * for what a plan file holds.
 */
public final class Json {
    private Json() {
    }

    /**
     * @param out where to append
     * @param s the text
     * @return {@code out}, with the text as a JSON string
     */
    public static StringBuilder quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * How deep arrays and objects may nest in what {@link #parse} reads: far more than any file fsnap
     * writes (a plan nests three deep), far less than what would overflow the reader's stack (it
     * descends by recursion; a file of 200,000 brackets would end the JVM's thread).
     */
    public static final int MAX_DEPTH = 64;

    /**
     * Reads one JSON value: objects as maps in their order, arrays as lists, numbers as
     * {@code Long} when integral and {@code Double} otherwise, {@code true}, {@code false} and
     * {@code null}.
     *
     * @param text the JSON text
     * @return the value
     * @throws IllegalArgumentException naming the character where the text is not JSON, or where
     *         it nests deeper than {@link #MAX_DEPTH}
     */
    public static Object parse(String text) {
        Reader r = new Reader(text);
        Object v = r.value();
        r.space();
        if (r.at < text.length()) {
            throw r.error("more after the value");
        }
        return v;
    }

    private static final class Reader {
        private final String s;
        private int at;
        /** The arrays and objects open around the value being read. */
        private int depth;

        Reader(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not JSON at character " + at + ": " + what);
        }

        void space() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
        }

        char next() {
            space();
            if (at >= s.length()) {
                throw error("the text ends early");
            }
            return s.charAt(at);
        }

        void expect(char c) {
            if (next() != c) {
                throw error("expected '" + c + "'");
            }
            at++;
        }

        Object value() {
            char c = next();
            if ((c == '{' || c == '[') && depth == MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " arrays and objects");
            }
            depth += c == '{' || c == '[' ? 1 : 0;
            try {
                return valueFrom(c);
            } finally {
                depth -= c == '{' || c == '[' ? 1 : 0;
            }
        }

        /** The value that starts with {@code c}, the next character. */
        private Object valueFrom(char c) {
            switch (c) {
                case '{' -> {
                    at++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (next() == '}') {
                        at++;
                        return m;
                    }
                    do {
                        if (next() != '"') {
                            throw error("expected a name");
                        }
                        String name = string();
                        expect(':');
                        if (m.put(name, value()) != null) {
                            throw error("\"" + name + "\" twice");
                        }
                    } while (comma('}'));
                    return m;
                }
                case '[' -> {
                    at++;
                    List<Object> l = new ArrayList<>();
                    if (next() == ']') {
                        at++;
                        return l;
                    }
                    do {
                        l.add(value());
                    } while (comma(']'));
                    return l;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    for (String word : new String[] {"true", "false", "null"}) {
                        if (s.startsWith(word, at)) {
                            at += word.length();
                            return word.equals("null") ? null : Boolean.valueOf(word);
                        }
                    }
                    return number();
                }
            }
        }

        /** After a member: true at a comma (another follows), false at the closing character. */
        boolean comma(char close) {
            char c = next();
            at++;
            if (c == ',') {
                return true;
            }
            if (c != close) {
                at--;
                throw error("expected ',' or '" + close + "'");
            }
            return false;
        }

        String string() {
            at++; // the opening quote
            StringBuilder b = new StringBuilder();
            while (true) {
                if (at >= s.length()) {
                    throw error("a string does not end");
                }
                char c = s.charAt(at++);
                if (c == '"') {
                    return b.toString();
                }
                if (c < 0x20) {
                    throw error("a control character in a string");
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (at >= s.length()) {
                    throw error("a string does not end");
                }
                char e = s.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (at + 4 > s.length()) {
                            throw error("a \\u escape is cut");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("a \\u escape is not hexadecimal");
                        }
                        at += 4;
                    }
                    default -> throw error("an unknown escape \\" + e);
                }
            }
        }

        Object number() {
            int from = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
                at++;
            }
            String n = s.substring(from, at);
            if (n.isEmpty()) {
                throw error("expected a value");
            }
            try {
                return n.matches("-?\\d{1,18}") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
            } catch (NumberFormatException x) {
                at = from;
                throw error("a malformed number");
            }
        }
    }
}
