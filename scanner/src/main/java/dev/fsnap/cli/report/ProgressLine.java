package dev.fsnap.cli.report;

import dev.fsnap.cli.console.Console;
import dev.fsnap.cli.console.Units;

import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanProgress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A live progress line on a terminal's stderr, redrawn four times a second and erased at the end.
 * Nothing is drawn when stderr is not a terminal, so logs and pipes stay clean. Java cannot tell
 * whether stderr alone is a terminal; the launcher can ({@code [ -t 2 ]}) and says so in
 * {@code -Dfsnap.progress=true}. Run without the launcher, fsnap draws no progress line.
 */
public final class ProgressLine {
    private static final long PERIOD_MS = 250;
    private final Thread thread;
    private final PrintStream err;
    private volatile boolean running = true;

    /** The bytes of unchanged files the verification schedule reads again, or 0. */
    private final long scheduledBytes;

    private ProgressLine(Scan scan, PrintStream err, long scheduledBytes) {
        this.err = err;
        this.scheduledBytes = scheduledBytes;
        this.thread = new Thread(() -> draw(scan), "fsnap-progress");
        this.thread.setDaemon(true);
    }

    /**
     * @param scan the running scan
     * @param console where to draw, if it is a terminal
     * @param scheduledBytes what the verification schedule reads again, or 0
     * @return the line, drawing, or null when stderr is no terminal
     */
    public static ProgressLine startIfTerminal(Scan scan, Console console, long scheduledBytes) {
        if (!console.terminal()) {
            return null;
        }
        ProgressLine line = new ProgressLine(scan, console.err(), scheduledBytes);
        line.thread.start();
        return line;
    }

    private void draw(Scan scan) {
        while (running) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (running) {
                String text = text(scan.progress(), scheduledBytes);
                synchronized (err) {
                    err.print("\r\033[K" + text);
                    err.flush();
                }
            }
        }
    }

    /**
     * @param p the scan's counters
     * @param scheduledBytes what the verification schedule reads again, or 0
     * @return the line: entries, their rate, directories waiting, errors, time; and, when content is
     *         read, its bytes, their rate and the schedule's part done
     */
    public static String text(ScanProgress p, long scheduledBytes) {
        double seconds = p.elapsed().toNanos() / 1e9;
        String line = String.format(Locale.ROOT, "%d entries, %.0f entries/s, %d directories waiting, %d errors, %.1f s",
                p.entries(), seconds > 0 ? p.entries() / seconds : 0, p.directoriesWaiting(), p.errors(), seconds);
        if (p.contentRead() > 0 || scheduledBytes > 0) {
            line += ", content " + Units.bytes(p.contentRead()) + " at "
                    + Units.rate(p.contentRead(), seconds);
        }
        if (scheduledBytes > 0) {
            line += String.format(Locale.ROOT, ", due again %s of %s (%.0f %%)", Units.bytes(p.reverified()),
                    Units.bytes(scheduledBytes), 100.0 * Math.min(p.reverified(), scheduledBytes) / scheduledBytes);
        }
        return line;
    }

    public void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
