package dev.fsnap.walk;

import java.util.concurrent.CountedCompleter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task of a scan's pool: a directory, a chunk of a wide one, or the rescue after a hung stat. Its
 * reading part runs through {@link ScanRun#read} (which a throttle may defer), and its own part is
 * completed once, by its worker or by the watchdog that gave up on it.
 */
abstract class ScanTask extends CountedCompleter<Void> implements CallLimit.Reading {
    private static final long serialVersionUID = 1L;

    final transient ScanRun run;
    private final AtomicBoolean finished = new AtomicBoolean();

    ScanTask(CountedCompleter<?> completer, ScanRun run) {
        super(completer);
        this.run = run;
    }

    @Override
    public final void compute() {
        run.read(this, (ScanThread) Thread.currentThread());
    }

    /** Completes this task's own part, once, whoever calls it first: its worker, or the watchdog. */
    final void finish() {
        if (finished.compareAndSet(false, true)) {
            tryComplete();
        }
    }
}
