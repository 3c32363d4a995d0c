package dev.fsnap.cli;

/**
 * One of fsnap's commands: its name, what its help says, its arguments, and what it does. The
 * commands are listed once, in {@link Main}.
 */
interface Command {
    /** @return the name typed after {@code fsnap} */
    String name();

    /** @return the help's paragraphs: the first is the line {@code fsnap --help} lists the command with */
    String[] description();

    /** @return the exit statuses, as {@code "N:meaning"} lines (a line starting with three spaces continues) */
    String[] exitStatus();

    /**
     * Declares the options and parameters, each bound to the field it sets.
     *
     * @param arguments where to declare them
     */
    void declare(Arguments arguments);

    /**
     * Runs the command with its arguments set.
     *
     * @return the exit status
     * @throws Exception when something unforeseen fails (reported with its stack, exit 2)
     */
    int call() throws Exception;
}
