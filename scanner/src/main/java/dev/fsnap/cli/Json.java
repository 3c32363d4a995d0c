package dev.fsnap.cli;

import java.util.Locale;

/**
 * JSON strings for the files fsnap writes besides its JSON lines (an HTML page's data, a plan): the
 * text quoted and escaped, and safe inside an HTML script element as well ({@code <}, {@code >} and
 * {@code &} as escapes, so {@code </script>} never appears).
 */
final class Json {
    private Json() {
    }

    /**
     * @param out where to append
     * @param s the text
     * @return {@code out}, with the text as a JSON string
     */
    static StringBuilder quote(StringBuilder out, String s) {
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
}
