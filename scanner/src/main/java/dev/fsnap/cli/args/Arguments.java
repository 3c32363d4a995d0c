package dev.fsnap.cli.args;

import java.util.ArrayList;
import java.util.List;

/**
 * One command's options and parameters, declared in code and parsed without reflection: a
 * command-line library that builds its model from annotations costs a short-lived JVM about a
 * tenth of a second at every start (see docs/performance.md), as much as a scan of a hundred
 * thousand entries. Options are {@code --name=VALUE}, {@code --name VALUE}, {@code -n VALUE} or
 * flags; {@code --} ends the options. Every command has {@code -h, --help} and {@code -V, --version}.
 */
public final class Arguments {
    /** Takes an option's or a parameter's text. */
    public interface Value {
        /**
         * @param text the argument
         * @throws IllegalArgumentException with the reason the text is not a valid value
         */
        void set(String text);
    }

    /** A bad command line: the message says what, for the line {@code fsnap: MESSAGE}. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** What the command line asked for besides running the command. */
    public enum Outcome {
        RUN,
        HELP,
        VERSION
    }

    private record Option(String[] names, String label, String description, Value value, Runnable flag,
                          boolean required) {
        boolean takesValue() {
            return value != null;
        }

        String shown() {
            StringBuilder b = new StringBuilder();
            for (String n : names) {
                b.append(b.length() == 0 ? "" : ", ").append(n);
            }
            return takesValue() ? b.append('=').append(label).toString() : b.toString();
        }
    }

    private record Parameter(String label, String description, Value value, boolean required, boolean repeated) {
    }

    private final String command;
    private final List<Option> options = new ArrayList<>();
    private final List<Parameter> parameters = new ArrayList<>();

    /** @param command the command's name, as typed after {@code fsnap} */
    public Arguments(String command) {
        this.command = command;
    }

    /** Declares a flag: an option without a value. */
    public Arguments flag(String description, Runnable set, String... names) {
        options.add(new Option(names, null, description, null, set, false));
        return this;
    }

    /** Declares an option with a value; given again, it is set again (a list option adds). */
    public Arguments option(String label, String description, Value set, String... names) {
        options.add(new Option(names, label, description, set, null, false));
        return this;
    }

    /** Declares an option with a value that must be given. */
    public Arguments requiredOption(String label, String description, Value set, String... names) {
        options.add(new Option(names, label, description, set, null, true));
        return this;
    }

    /** Declares the next positional parameter, required. */
    public Arguments parameter(String label, String description, Value set) {
        parameters.add(new Parameter(label, description, set, true, false));
        return this;
    }

    /** Declares the last positional parameter, given once or more: each is passed to {@code set}. */
    public Arguments repeatedParameter(String label, String description, Value set) {
        parameters.add(new Parameter(label + "...", description, set, true, true));
        return this;
    }

    /** Declares the last positional parameter, given any number of times (none too): each is passed to {@code set}. */
    public Arguments optionalRepeatedParameter(String label, String description, Value set) {
        parameters.add(new Parameter(label + "...", description, set, false, true));
        return this;
    }

    /** Declares the next positional parameter, which may be left out (after the required ones). */
    public Arguments optionalParameter(String label, String description, Value set) {
        parameters.add(new Parameter(label, description, set, false, false));
        return this;
    }

    /**
     * Parses the arguments after the command's name.
     *
     * @return whether to run the command or to show help or the version
     * @throws UsageException naming the argument that is wrong and why
     */
    public Outcome parse(String[] args, int from) throws UsageException {
        int next = 0;
        boolean optionsEnded = false;
        List<Option> given = new ArrayList<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!optionsEnded && a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            if (!optionsEnded && a.length() > 1 && a.startsWith("-")) {
                if (a.equals("-h") || a.equals("--help")) {
                    return Outcome.HELP;
                }
                if (a.equals("-V") || a.equals("--version")) {
                    return Outcome.VERSION;
                }
                int eq = a.startsWith("--") ? a.indexOf('=') : -1;
                String name = eq < 0 ? a : a.substring(0, eq);
                Option o = find(name);
                if (o == null) {
                    throw new UsageException("Unknown option: '" + a + "'");
                }
                if (!o.takesValue()) {
                    if (eq >= 0) {
                        throw new UsageException("Option '" + name + "' takes no value, not '" + a.substring(eq + 1)
                                + "'");
                    }
                    o.flag().run();
                    continue;
                }
                String text;
                if (eq >= 0) {
                    text = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    text = args[++i];
                } else {
                    throw new UsageException("Missing required parameter for option '" + name + "' (" + o.label()
                            + ")");
                }
                set(o.value(), text, "option '" + name + "'");
                given.add(o);
                continue;
            }
            if (next == parameters.size()) {
                if (next == 0 || !parameters.get(next - 1).repeated()) {
                    throw new UsageException("Unmatched argument: '" + a + "'");
                }
                next--;
            }
            Parameter p = parameters.get(next++);
            set(p.value(), a, "positional parameter " + p.label());
        }
        if (next < parameters.size() && parameters.get(next).required()) {
            StringBuilder labels = new StringBuilder();
            for (int k = next; k < parameters.size() && parameters.get(k).required(); k++) {
                labels.append(labels.length() == 0 ? "" : ", ").append('\'').append(parameters.get(k).label())
                        .append('\'');
            }
            throw new UsageException("Missing required parameter" + (labels.indexOf(",") > 0 ? "s" : "") + ": "
                    + labels);
        }
        StringBuilder missing = new StringBuilder();
        int count = 0;
        for (Option o : options) {
            if (o.required() && !given.contains(o)) {
                missing.append(count++ == 0 ? "" : ", ").append('\'').append(o.names()[o.names().length - 1])
                        .append('=').append(o.label()).append('\'');
            }
        }
        if (count > 0) {
            throw new UsageException("Missing required option" + (count > 1 ? "s" : "") + ": " + missing);
        }
        return Outcome.RUN;
    }

    private Option find(String name) {
        for (Option o : options) {
            for (String n : o.names()) {
                if (n.equals(name)) {
                    return o;
                }
            }
        }
        return null;
    }

    private static void set(Value value, String text, String what) throws UsageException {
        try {
            value.set(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("Invalid value for " + what + ": " + e.getMessage());
        }
    }

    /** An integer option's value, or why the text is not one. */
    public static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an int");
        }
    }

    /**
     * A count within its range: a number too large for any type says the range, as a number just
     * outside it does, instead of that it is no number.
     *
     * @param text the argument
     * @param min the least value accepted
     * @param max the largest
     * @return the count
     * @throws IllegalArgumentException {@code must be between MIN and MAX, not TEXT}, or that it is no integer
     */
    public static int integer(String text, int min, int max) {
        if (!text.matches("[-+]?[0-9]+")) {
            throw new IllegalArgumentException("'" + text + "' is not an int");
        }
        java.math.BigInteger n = new java.math.BigInteger(text);
        if (n.compareTo(java.math.BigInteger.valueOf(min)) < 0 || n.compareTo(java.math.BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", not " + text);
        }
        return n.intValue();
    }

    /**
     * A time as {@code timeout(1)} and systemd write it: a number with {@code ms}, {@code s},
     * {@code m} or {@code min}, {@code h}, {@code d}; a bare number is seconds. Decimals allowed.
     *
     * @param text the argument
     * @return the time
     * @throws IllegalArgumentException when it is none
     */
    public static java.time.Duration duration(String text) {
        java.time.Duration t = time(text);
        if (t == null) {
            throw new IllegalArgumentException("'" + text + "' is too long a time");
        }
        return t;
    }

    /** A time, or null when it is one longer than a {@code long} of nanoseconds holds (292 years). */
    private static java.time.Duration time(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+(?:\\.[0-9]*)?)(ms|s|m|min|h|d)?")
                .matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a time such as 500ms, 30s, 2m, 12h or 30d");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = n * switch (unit) {
            case "ms" -> 1e6;
            case "m", "min" -> 60e9;
            case "h" -> 3600e9;
            case "d" -> 86400e9;
            default -> 1e9;
        };
        return nanos >= Long.MAX_VALUE ? null : java.time.Duration.ofNanos((long) nanos);
    }

    /**
     * A time ({@link #duration(String)}) within its range: one too long for any clock says the
     * range, as one just outside it does.
     *
     * @param text the argument
     * @param min the shortest time accepted, as the help writes it ({@code 10ms})
     * @param max the longest ({@code 1000000s})
     * @return the time
     * @throws IllegalArgumentException {@code must be between MIN and MAX, not 'TEXT'}, or that it is no time
     */
    public static java.time.Duration duration(String text, String min, String max) {
        java.time.Duration t = time(text);
        if (t == null || t.compareTo(duration(min)) < 0 || t.compareTo(duration(max)) > 0) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", not '" + text + "'");
        }
        return t;
    }

    /**
     * The command's help: usage, description, parameters, options and exit statuses.
     *
     * @param description paragraphs of what the command does
     * @param exitStatus lines {@code "N:meaning"}; a line that starts with three spaces continues the one before
     */
    public String help(String[] description, String[] exitStatus) {
        StringBuilder b = new StringBuilder("Usage: fsnap ").append(command).append(" [OPTIONS]");
        for (Parameter p : parameters) {
            b.append(' ').append(p.required() ? p.label() : "[" + p.label() + "]");
        }
        b.append("\n");
        for (String d : description) {
            wrap(b, d, 0, 0);
        }
        if (!parameters.isEmpty()) {
            b.append("\nParameters:\n");
            for (Parameter p : parameters) {
                row(b, p.label(), p.description());
            }
        }
        b.append("\nOptions:\n");
        for (Option o : options) {
            row(b, o.shown(), o.description());
        }
        row(b, "-h, --help", "Show this help message and exit.");
        row(b, "-V, --version", "Print version information and exit.");
        b.append("\nExit status:\n");
        exitStatus(b, exitStatus);
        return b.toString();
    }

    /** @return every option's names, for shell completion: {@code --against -o --output ...} */
    public List<String> optionNames() {
        List<String> names = new ArrayList<>();
        for (Option o : options) {
            names.addAll(List.of(o.names()));
        }
        names.addAll(List.of("-h", "--help", "-V", "--version"));
        return names;
    }

    /**
     * The command's manual page in roff ({@code man 7 groff_man}): what {@link #help} says, laid
     * out as {@code fsnap-COMMAND(1)}.
     *
     * @param description paragraphs of what the command does, the first its one-line summary
     * @param exitStatus lines {@code "N:meaning"}; a line that starts with three spaces continues the one before
     * @param version the version the page documents
     * @param date the page's date, {@code YYYY-MM-DD}
     * @return the page
     */
    public String manual(String[] description, String[] exitStatus, String version, String date) {
        StringBuilder b = new StringBuilder();
        b.append(".TH FSNAP-").append(command.toUpperCase(java.util.Locale.ROOT)).append(" 1 \"").append(date)
                .append("\" \"").append(version).append("\" \"fsnap manual\"\n");
        b.append(".SH NAME\nfsnap\\-").append(command).append(" \\- ").append(roff(lowerFirst(description[0])))
                .append('\n');
        b.append(".SH SYNOPSIS\n.B fsnap ").append(command).append("\n[\\fIOPTIONS\\fR]");
        for (Parameter p : parameters) {
            b.append(" \\fI").append(roff(p.label())).append("\\fR");
        }
        b.append("\n.SH DESCRIPTION\n");
        for (int i = 1; i < description.length; i++) {
            b.append(roff(description[i])).append('\n');
        }
        if (!parameters.isEmpty()) {
            b.append(".SH PARAMETERS\n");
            for (Parameter p : parameters) {
                b.append(".TP\n\\fI").append(roff(p.label())).append("\\fR\n").append(roff(p.description())).append('\n');
            }
        }
        b.append(".SH OPTIONS\n");
        for (Option o : options) {
            b.append(".TP\n");
            String sep = "";
            for (String n : o.names()) {
                b.append(sep).append("\\fB").append(roff(n)).append("\\fR");
                sep = ", ";
            }
            if (o.takesValue()) {
                b.append("=\\fI").append(roff(o.label())).append("\\fR");
            }
            b.append('\n').append(roff(o.description())).append('\n');
        }
        b.append(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow the help and exit.\n");
        manualExitStatus(b, exitStatus);
        b.append(".SH SEE ALSO\n.BR fsnap (1)\n");
        return b.toString();
    }

    private static String lowerFirst(String s) {
        String t = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        return t.isEmpty() ? t : Character.toLowerCase(t.charAt(0)) + t.substring(1);
    }

    /** Text for roff: backslashes and hyphens escaped, a line never starting with a control character. */
    public static String roff(String text) {
        String t = text.replace("\\", "\\e").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }

    /**
     * Appends exit status lines {@code "N:meaning"} as rows; a line that starts with three spaces
     * continues the meaning before it.
     */
    public static void exitStatus(StringBuilder b, String[] lines) {
        for (String[] status : exitStatuses(lines)) {
            row(b, status[0], status[1], 12);
        }
    }

    /** Appends exit status lines as the section EXIT STATUS of a manual page. */
    public static void manualExitStatus(StringBuilder b, String[] lines) {
        b.append(".SH EXIT STATUS\n");
        for (String[] status : exitStatuses(lines)) {
            b.append(".TP\n.B ").append(status[0]).append('\n').append(roff(status[1].strip())).append('\n');
        }
    }

    /** Exit status lines {@code "N:meaning"}, continuations joined: each status and its meaning. */
    private static List<String[]> exitStatuses(String[] lines) {
        List<String[]> statuses = new ArrayList<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (line.startsWith("   ") || colon < 0) {
                String[] last = statuses.get(statuses.size() - 1);
                last[1] = last[1] + ' ' + line.strip();
            } else {
                statuses.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1)});
            }
        }
        return statuses;
    }

    private static final int WIDTH = 80;
    private static final int LABELS = 28;

    public static void row(StringBuilder b, String label, String description) {
        row(b, label, description, LABELS);
    }

    /** Appends {@code label}, then {@code description} from column {@code column}, wrapped. */
    public static void row(StringBuilder b, String label, String description, int column) {
        String head = "  " + label;
        if (head.length() + 2 > column) {
            b.append(head).append('\n');
            b.append(" ".repeat(column));
        } else {
            b.append(head).append(" ".repeat(column - head.length()));
        }
        wrap(b, description, column, 0);
    }

    /**
     * Appends {@code text} wrapped at {@link #WIDTH}, ending the line. The first line starts at
     * column {@code indent} (after {@code lead} spaces appended here: 0 when the caller has already
     * filled the columns before it); later lines are indented by {@code indent}.
     */
    private static void wrap(StringBuilder b, String text, int indent, int lead) {
        b.append(" ".repeat(lead));
        int column = indent;
        boolean any = false;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (any && column + 1 + word.length() > WIDTH) {
                b.append('\n').append(" ".repeat(indent));
                column = indent;
                any = false;
            }
            if (any) {
                b.append(' ');
                column++;
            }
            b.append(word);
            column += word.length();
            any = true;
        }
        b.append('\n');
    }
}
