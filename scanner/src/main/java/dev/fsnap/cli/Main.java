package dev.fsnap.cli;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.CommandLine;
import dev.fsnap.cli.console.Console;
import dev.fsnap.cli.console.ExitStatus;

import dev.fsnap.cli.command.CheckCommand;
import dev.fsnap.cli.command.Command;
import dev.fsnap.cli.command.DiffCommand;
import dev.fsnap.cli.command.ForgetCommand;
import dev.fsnap.cli.command.HistoryCommand;
import dev.fsnap.cli.command.LsCommand;
import dev.fsnap.cli.command.MergeCommand;
import dev.fsnap.cli.command.PlanCommand;
import dev.fsnap.cli.command.ScanCommand;
import dev.fsnap.cli.command.TuneCommand;
import dev.fsnap.cli.command.VerifyCommand;
import dev.fsnap.cli.command.KeyCommand;
import dev.fsnap.cli.command.ApproveCommand;
import dev.fsnap.cli.command.PolicyCommand;

import dev.fsnap.scan.Scanner;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Properties;

/**
 * The {@code fsnap} command line: picks the command the first argument names, parses the rest
 * into it ({@link Arguments}), runs it, and exits with its status.
 */
public final class Main {
    private static final String[] DESCRIPTION = {
        "Reads file metadata at native speed and detects what changed in a filesystem."};
    private Main() {
    }

    /** @return every command, in the order help lists them */
    private static Command[] commands() {
        return new Command[] {new ScanCommand(), new LsCommand(), new DiffCommand(), new CheckCommand(),
            new TuneCommand(), new VerifyCommand(), new HistoryCommand(), new ForgetCommand(), new PlanCommand(), new MergeCommand(),
            new KeyCommand(), new ApproveCommand(), new PolicyCommand()};
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Loading the native library takes tens of milliseconds; for a scan, do it on another core
        // while the command line is parsed, instead of after.
        if (args.length > 0 && (args[0].equals("scan") || args[0].equals("check") || args[0].equals("tune"))) {
            Thread preload = new Thread(Scanner::isAvailable, "fsnap-preload");
            preload.setDaemon(true);
            preload.start();
        }
        int status = run(Console.ofProcess(), CommandLine.arguments(args));
        finish(status);
        System.exit(status);
    }

    /**
     * Lets go of whoever waits for this process before it exits. A thread stuck in the kernel on a
     * server that ignores interrupts keeps an exited process from being reaped, and keeps its
     * descriptors open: a parent waiting for it, or cron reading its output to the end, would wait
     * until the server answers. So standard output and error are closed (the JDK puts
     * {@code /dev/null} in their place), and the exit status is written to the descriptor the
     * launcher names ({@code -Dfsnap.statusFd}), which the launcher exits with at once. A run stopped
     * by a signal writes no status: the JVM's own (130, 143) is the answer.
     */
    private static void finish(int status) {
        System.out.close();
        System.err.close();
        String fd = System.getProperty("fsnap.statusFd");
        if (fd == null || status == ExitStatus.INTERRUPTED) {
            return;
        }
        try (java.io.FileOutputStream out = new java.io.FileOutputStream("/proc/self/fd/" + Integer.parseInt(fd))) {
            out.write((status + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException | NumberFormatException gone) {
            // no launcher listening: the exit status itself says it
        }
    }

    /**
     * Runs the command line, writing to a console.
     *
     * @param console where to write
     * @param args the arguments
     * @return the exit status
     */
    static int run(Console console, String... args) {
        if (!quiet(args)) {
            return dispatch(console, args);
        }
        // -q: what goes to stderr is held, and printed only when the run did not end with 0.
        java.io.ByteArrayOutputStream held = new java.io.ByteArrayOutputStream();
        Console quiet = console.holdingErr(held);
        int status;
        try {
            status = dispatch(quiet, args);
        } finally {
            quiet.err().flush();
        }
        if (status != ExitStatus.OK) {
            console.err().write(held.toByteArray(), 0, held.size());
            console.err().flush();
        }
        return status;
    }

    /** Whether {@code -q} or {@code --quiet} is among a command's options (before {@code --}). */
    private static boolean quiet(String[] args) {
        for (int i = 1; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("-q") || args[i].equals("--quiet")) {
                return true;
            }
        }
        return false;
    }

    private static int dispatch(Console console, String... args) {
        PrintStream out = console.out();
        PrintStream err = console.err();
        if (args.length > 0 && args[0].equals("help")) {
            if (args.length == 1) {
                out.print(help());
                return ExitStatus.OK;
            }
            return dispatch(console, args[1], "--help");
        }
        if (args.length > 0 && (args[0].equals("man") || args[0].equals("completion"))) {
            return documents(args, out, err);
        }
        if (args.length == 0) {
            err.println("fsnap: a command is required (" + names() + ")");
            err.println("Try 'fsnap --help'.");
            return ExitStatus.TROUBLE;
        }
        if (args[0].equals("-h") || args[0].equals("--help")) {
            out.print(help());
            return ExitStatus.OK;
        }
        if (args[0].equals("-V") || args[0].equals("--version")) {
            out.println(version());
            return ExitStatus.OK;
        }
        Command command = null;
        for (Command c : commands()) {
            if (c.name().equals(args[0])) {
                command = c;
            }
        }
        if (command == null) {
            err.println("fsnap: Unknown command: '" + args[0] + "' (" + names() + ")");
            err.println("Try 'fsnap --help'.");
            return ExitStatus.TROUBLE;
        }
        Arguments arguments = command.arguments();
        try {
            switch (arguments.parse(args, 1)) {
                case HELP:
                    out.print(arguments.help(command.description(), command.exitStatus()));
                    return ExitStatus.OK;
                case VERSION:
                    out.println(version());
                    return ExitStatus.OK;
                default:
                    break;
            }
        } catch (Arguments.UsageException e) {
            err.println("fsnap: " + e.getMessage());
            err.println("Try 'fsnap " + command.name() + " --help'.");
            return ExitStatus.TROUBLE;
        }
        try {
            return command.run(console);
        } catch (Exception e) {
            if (shuttingDown()) {
                // SIGINT or SIGTERM: the shutdown hook has discarded what the run was writing, and
                // what fails under it now is that, not a fault; the JVM exits with 130 or 143.
                return ExitStatus.INTERRUPTED;
            }
            e.printStackTrace(err);
            return ExitStatus.TROUBLE;
        }
    }

    /** Whether the JVM is running its shutdown hooks (a signal is ending the process). */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException inProgress) {
            return true;
        }
    }

    /**
     * {@code fsnap man [COMMAND]}: a manual page in roff ({@code fsnap man check | man -l -});
     * {@code fsnap completion bash}: a bash completion script ({@code source <(fsnap completion bash)}).
     * Both are made from the same declarations as the help, so they cannot disagree with it.
     */
    private static int documents(String[] args, PrintStream out, PrintStream err) {
        String version = version().substring("fsnap ".length());
        if (args[0].equals("completion")) {
            if (args.length != 2 || !args[1].equals("bash")) {
                err.println("fsnap: completion takes the shell: fsnap completion bash");
                return ExitStatus.TROUBLE;
            }
            out.print(completion());
            return ExitStatus.OK;
        }
        if (args.length == 1) {
            out.print(manual(version));
            return ExitStatus.OK;
        }
        if (args.length == 3 && args[1].equals("--into")) {
            // Every page into a directory (the release's share/man/man1): fsnap.1, fsnap-COMMAND.1.
            try {
                java.nio.file.Path into = java.nio.file.Files.createDirectories(java.nio.file.Path.of(args[2]));
                java.nio.file.Files.writeString(into.resolve("fsnap.1"), manual(version));
                for (Command c : commands()) {
                    Arguments a = c.arguments();
                    java.nio.file.Files.writeString(into.resolve("fsnap-" + c.name() + ".1"),
                            a.manual(c.description(), c.exitStatus(), version, ""));
                }
                return ExitStatus.OK;
            } catch (IOException e) {
                err.println("fsnap: " + args[2] + ": " + IoMessages.describe(e));
                return ExitStatus.TROUBLE;
            }
        }
        for (Command c : commands()) {
            if (c.name().equals(args[1])) {
                Arguments a = c.arguments();
                out.print(a.manual(c.description(), c.exitStatus(), version, ""));
                return ExitStatus.OK;
            }
        }
        err.println("fsnap: Unknown command: '" + args[1] + "' (" + names() + ")");
        return ExitStatus.TROUBLE;
    }

    private static String names() {
        java.util.StringJoiner j = new java.util.StringJoiner(", ");
        for (Command c : commands()) {
            j.add(c.name());
        }
        return j.toString();
    }

    /** The page fsnap(1): the commands, each with its own page, and the exit statuses. */
    private static String manual(String version) {
        StringBuilder b = new StringBuilder(".TH FSNAP 1 \"\" \"").append(version).append("\" \"fsnap manual\"\n");
        b.append(".SH NAME\nfsnap \\- ").append(Arguments.roff(DESCRIPTION[0].toLowerCase(java.util.Locale.ROOT)
                .replaceAll("\\.$", ""))).append('\n');
        b.append(".SH SYNOPSIS\n.B fsnap\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        b.append(".SH COMMANDS\n");
        for (Command c : commands()) {
            b.append(".TP\n.B ").append(c.name()).append('\n').append(Arguments.roff(c.description()[0]))
                    .append(" See \\fBfsnap\\-").append(c.name()).append("\\fR(1).\n");
        }
        b.append(".TP\n.B help \\fR[\\fICOMMAND\\fR]\nThe help of fsnap, or of a command.\n");
        b.append(".TP\n.B man \\fR[\\fICOMMAND\\fR | \\fB\\-\\-into\\fR \\fIDIR\\fR]\nThis page, or a command's, in roff; "
                + "or every page into DIR.\n");
        b.append(".TP\n.B completion bash\nA bash completion script: \\fBsource <(fsnap completion bash)\\fR.\n");
        Arguments.manualExitStatus(b, ExitStatus.TABLE);
        b.append(".SH SEE ALSO\n");
        String sep = "";
        for (Command c : commands()) {
            b.append(sep).append(".BR fsnap\\-").append(c.name()).append(" (1)");
            sep = ",\n";
        }
        return b.append('\n').toString();
    }

    /** A bash completion script: the commands, then each command's options, else file names. */
    private static String completion() {
        StringBuilder b = new StringBuilder("# bash completion for fsnap: source <(fsnap completion bash)\n");
        b.append("_fsnap() {\n    local cur=${COMP_WORDS[COMP_CWORD]} opts\n");
        b.append("    if [ \"$COMP_CWORD\" -eq 1 ]; then\n        COMPREPLY=($(compgen -W \"");
        for (Command c : commands()) {
            b.append(c.name()).append(' ');
        }
        b.append("help man completion --help --version\" -- \"$cur\"))\n        return\n    fi\n");
        b.append("    case ${COMP_WORDS[1]} in\n");
        for (Command c : commands()) {
            Arguments a = c.arguments();
            b.append("        ").append(c.name()).append(") opts=\"").append(String.join(" ", a.optionNames()))
                    .append("\" ;;\n");
        }
        b.append("        help|man) COMPREPLY=($(compgen -W \"").append(names().replace(",", ""))
                .append("\" -- \"$cur\")); return ;;\n");
        b.append("        completion) COMPREPLY=($(compgen -W \"bash\" -- \"$cur\")); return ;;\n");
        b.append("        *) return ;;\n    esac\n");
        b.append("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n");
        b.append("    else\n        COMPREPLY=($(compgen -f -- \"$cur\"))\n    fi\n}\n");
        b.append("complete -o filenames -F _fsnap fsnap\n");
        return b.toString();
    }

    /** The help of {@code fsnap --help}: the commands and the exit statuses. */
    private static String help() {
        StringBuilder b = new StringBuilder("Usage: fsnap COMMAND [OPTIONS] [ARGUMENTS]\n");
        for (String d : DESCRIPTION) {
            b.append(d).append('\n');
        }
        b.append("\nCommands:\n");
        for (Command c : commands()) {
            Arguments.row(b, c.name(), c.description()[0], 12);
        }
        Arguments.row(b, "help", "The help of fsnap, or of a command: fsnap help COMMAND.", 12);
        Arguments.row(b, "man", "A manual page in roff: fsnap man check | man -l -", 12);
        Arguments.row(b, "completion", "A bash completion script: source <(fsnap completion bash)", 12);
        b.append("\n  -h, --help     Show this help message and exit.\n");
        b.append("  -V, --version  Print version information and exit.\n");
        b.append("\n'fsnap COMMAND --help' (or 'fsnap help COMMAND') shows a command's options.\n\nExit status:\n");
        Arguments.exitStatus(b, ExitStatus.TABLE);
        return b.toString();
    }

    /** @return the version Maven wrote into the jar: {@code fsnap 0.1.0-SNAPSHOT} */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version recorded: said as unknown
        }
        return "fsnap " + p.getProperty("version", "unknown");
    }
}
