package dev.fsnap.walk;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanProgress;
import dev.fsnap.scan.ScanStream;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.internal.Handoff;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** A scan feeding a {@link Handoff}: the entry visitor puts, the stream takes. */
final class StreamingScan implements ScanStream {
    /** Entries read ahead of the consumer at most. */
    private static final int AHEAD = 4096;

    private final Handoff<Entry> handoff = new Handoff<>(AHEAD);
    private final CompletableFuture<ScanSummary> result = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();
    private ScanRun run;

    /** Starts the scan, and the thread that ends the stream when the scan ends. */
    static StreamingScan start(ScanOptions options, ScanListener errors) throws java.io.IOException {
        StreamingScan s = new StreamingScan();
        s.run = Walk.prepare(options, new EntryVisitor() {
            @Override
            public void visit(Entry entry) {
                if (!s.handoff.put(entry)) {
                    s.run.cancel(); // the stream was closed
                }
            }

            @Override
            public void error(ScanError error) {
                if (errors != null) {
                    errors.error(error);
                }
            }
        });
        s.run.start();
        s.handoff.produce("fsnap-stream-end", () -> {
            try {
                s.result.complete(s.run.await());
            } catch (Throwable e) {
                s.result.completeExceptionally(e);
                throw e;
            }
        });
        return s;
    }

    @Override
    public Stream<Entry> entries() {
        if (!taken.compareAndSet(false, true)) {
            throw new IllegalStateException("the entries of a scan can be streamed once");
        }
        return handoff.stream(this::cancelUnlessDone);
    }

    private void cancelUnlessDone() {
        if (!result.isDone()) {
            run.cancel();
        }
    }

    @Override
    public ScanProgress progress() {
        return run.progress();
    }

    @Override
    public void cancel() {
        run.cancel();
        handoff.close();
    }

    @Override
    public ScanSummary await() throws InterruptedException {
        try {
            return result.get();
        } catch (ExecutionException e) {
            throw ScanRun.unchecked(e.getCause());
        }
    }

    @Override
    public void close() {
        if (!result.isDone()) {
            cancel();
        }
        boolean interrupted = false;
        while (true) {
            try {
                result.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                break; // await() reports it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
