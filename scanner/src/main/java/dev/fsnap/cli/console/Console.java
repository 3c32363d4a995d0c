package dev.fsnap.cli.console;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a command writes, and whether a person watches: the process's standard streams, or a
 * caller's. Every command writes through the console it is given, never to {@code System.out} or
 * {@code System.err}, so {@code -q} is a console that holds what goes to stderr (not a swapped
 * global stream), and a caller can run the command line in its own process, many at once.
 *
 * @param stdout standard output as bytes: the reports (file names are bytes, not text)
 * @param out standard output as text: help, listings, verification results
 * @param err standard error: the summary, notes and errors
 * @param terminal whether stderr is a terminal a person watches (the progress line is drawn)
 */
public record Console(OutputStream stdout, PrintStream out, PrintStream err, boolean terminal) {

    /**
     * The process's own streams. Reports go to descriptor 1 directly, unbuffered by
     * {@code System.out}; text goes through {@code System.out}, flushed by each line. Java cannot
     * tell whether stderr alone is a terminal; the launcher can ({@code [ -t 2 ]}) and says so in
     * {@code -Dfsnap.progress=true}.
     *
     * @return the console of this process
     */
    public static Console ofProcess() {
        return new Console(new FileOutputStream(FileDescriptor.out), System.out, System.err,
                Boolean.getBoolean("fsnap.progress"));
    }

    /**
     * A console writing into the given streams, UTF-8, as the launcher's locale makes the process's.
     *
     * @param stdout what the command writes to standard output
     * @param stderr what it writes to standard error
     * @return the console, with no terminal
     */
    public static Console of(OutputStream stdout, OutputStream stderr) {
        return new Console(stdout, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), false);
    }

    /**
     * This console with stderr held in memory, for {@code -q}: what was held is printed only when
     * the run did not end well.
     *
     * @param held where stderr goes instead
     * @return the console holding stderr; no progress line is drawn into it
     */
    public Console holdingErr(ByteArrayOutputStream held) {
        return new Console(stdout, out, new PrintStream(held, true, StandardCharsets.UTF_8), false);
    }
}
