package dev.fsnap.cli;

import dev.fsnap.scan.Scanner;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/** The {@code fsnap} command line. */
@Command(name = "fsnap", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reads file metadata at native speed and detects what changed in a filesystem.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            " 0:scan, ls: everything was read; diff, check: no differences; verify: the snapshot is whole",
            " 1:diff, check: differences",
            " 2:bad usage, an unusable root, or a missing or damaged snapshot",
            " 3:scan: the scan finished, but some entries could not be read",
            " 130, 143:stopped by SIGINT or SIGTERM; a snapshot being written is discarded, the old one kept"})
public final class Main implements Runnable {
    /** Exit status: everything was read. */
    static final int OK = 0;
    /** Exit status: bad usage or an unusable root. */
    static final int USAGE = 2;
    /** Exit status: the scan finished but some entries could not be read. */
    static final int INCOMPLETE = 3;
    /** Exit status: stopped by SIGINT (the JVM exits with 128 + the signal: 130, or 143 for SIGTERM). */
    static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // Loading the native library takes tens of milliseconds; for a scan, do it on another core
        // while the command line is parsed, instead of after.
        if (args.length > 0 && (args[0].equals("scan") || args[0].equals("check") || args[0].equals("tune"))) {
            Thread preload = new Thread(Scanner::nativeUnavailableReason, "fsnap-preload");
            preload.setDaemon(true);
            preload.start();
        }
        int status = run(args);
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
        if (fd == null || status == INTERRUPTED) {
            return;
        }
        try (java.io.FileOutputStream out = new java.io.FileOutputStream("/proc/self/fd/" + Integer.parseInt(fd))) {
            out.write((status + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException | NumberFormatException gone) {
            // no launcher listening: the exit status itself says it
        }
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     * @return the exit status
     */
    static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // picocli builds a command's model by reflection when it is added, tens of milliseconds each:
        // add only the command being run, or all of them when none is named (for help and errors).
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("scan", ScanCommand::new);
        commands.put("ls", LsCommand::new);
        commands.put("diff", DiffCommand::new);
        commands.put("check", CheckCommand::new);
        commands.put("tune", TuneCommand::new);
        commands.put("verify", VerifyCommand::new);
        Supplier<Object> named = args.length > 0 ? commands.get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(args[0], named.get());
        } else {
            commands.forEach((name, command) -> cli.addSubcommand(name, command.get()));
        }
        cli.setExitCodeExceptionMapper(e -> USAGE);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("fsnap: " + e.getMessage());
            e.getCommandLine().getErr().println("Try 'fsnap " + subcommandName(e.getCommandLine()) + "--help'.");
            return USAGE;
        });
        return cli.execute(args);
    }

    private static String subcommandName(CommandLine c) {
        return c.getParent() == null ? "" : c.getCommandName() + " ";
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (scan, ls, diff, check, tune, verify)");
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"fsnap " + p.getProperty("version", "unknown")};
        }
    }
}
