package dev.fsnap.cli;

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
final class ProgressLine {
    private static final long PERIOD_MS = 250;
    private final Thread thread;
    private final PrintStream err;
    private volatile boolean running = true;

    private ProgressLine(Scan scan, PrintStream err) {
        this.err = err;
        this.thread = new Thread(() -> draw(scan), "fsnap-progress");
        this.thread.setDaemon(true);
    }

    static ProgressLine startIfTerminal(Scan scan, PrintStream err) {
        if (!Boolean.getBoolean("fsnap.progress")) {
            return null;
        }
        ProgressLine line = new ProgressLine(scan, err);
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
                ScanProgress p = scan.progress();
                double seconds = p.elapsed().toNanos() / 1e9;
                synchronized (err) {
                    err.print(String.format(Locale.ROOT, "\r\033[K%d entries, %.0f entries/s, %d directories waiting, "
                            + "%d errors, %.1f s", p.entries(), seconds > 0 ? p.entries() / seconds : 0,
                            p.directoriesWaiting(), p.errors(), seconds));
                    err.flush();
                }
            }
        }
    }

    void stop() {
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
