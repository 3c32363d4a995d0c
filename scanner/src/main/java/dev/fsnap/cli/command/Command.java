package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.Console;

/**
 * One of fsnap's commands: its name, what its help says, its arguments, and what it does. The
 * commands are listed once, in {@code dev.fsnap.cli.Main}.
 */
public abstract class Command {
    /** Where the command writes: the console it was run with (set by {@link #run}). */
    Console console;
    /** The console's standard output, as text. */
    java.io.PrintStream out;
    /** The console's standard error. */
    java.io.PrintStream err;
    private final String name;
    private final String[] description;
    private final String[] exitStatus;

    /**
     * @param name the name typed after {@code fsnap}
     * @param description the help's paragraphs: the first is the line {@code fsnap --help} lists the command with
     * @param exitStatus the exit statuses, as {@code "N:meaning"} lines (a line starting with three spaces continues)
     */
    Command(String name, String[] description, String[] exitStatus) {
        this.name = name;
        this.description = description;
        this.exitStatus = exitStatus;
    }

    public final String name() {
        return name;
    }

    public final String[] description() {
        return description;
    }

    public final String[] exitStatus() {
        return exitStatus;
    }

    /**
     * Declares the options and parameters, each bound to the field it sets.
     *
     * @param arguments where to declare them
     */
    abstract void declare(Arguments arguments);

    /** @return the command's arguments, declared: to parse a command line, or to print help and pages */
    public final Arguments arguments() {
        Arguments a = new Arguments(name);
        declare(a);
        return a;
    }

    /**
     * Runs the command, its arguments set, writing to a console.
     *
     * @param console where to write
     * @return the exit status
     * @throws Exception when something unforeseen fails (reported with its stack, exit 2)
     */
    public final int run(Console console) throws Exception {
        this.console = console;
        this.out = console.out();
        this.err = console.err();
        return call();
    }

    /**
     * Runs the command with its arguments set, writing to {@link #console}.
     *
     * @return the exit status
     * @throws Exception when something unforeseen fails (reported with its stack, exit 2)
     */
    abstract int call() throws Exception;
}
