package dev.fsnap.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Hands items from producer threads that push (a scan's workers, the differ's walk) to a consumer
 * that pulls them as a {@link Stream}. Bounded: a producer waits while the consumer is behind, so
 * memory stays bounded whatever the size of the tree. When the consumer closes the stream, waiting
 * producers are released and every later {@link #put} says so.
 *
 * @param <T> the items
 */
public final class Handoff<T> {
    private static final Object END = new Object();
    private static final long WAIT_MS = 50;

    private final BlockingQueue<Object> queue;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** @param capacity items held at most before producers wait */
    public Handoff(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Offers one item, waiting while the consumer is behind.
     *
     * @param item the item
     * @return false when the consumer has closed the stream: the producer should stop
     */
    public boolean put(T item) {
        return offer(item);
    }

    /**
     * No more items: the stream ends after those already handed over, and throws the failure, if any.
     *
     * @param failure why the producer stopped early, or null when it finished
     */
    public void end(Throwable failure) {
        this.failure = failure;
        offer(END);
    }

    /** The work of a producer thread; what it throws ends the stream with that failure. */
    @FunctionalInterface
    public interface Producer {
        /**
         * Produces, through {@link #put}, until done or until {@code put} returns false.
         *
         * @throws Exception why it stopped early
         */
        void run() throws Exception;
    }

    /**
     * Runs a producer on a daemon thread of its own, then {@link #end ends} the stream with what it
     * threw, if anything.
     *
     * @param name the thread's name
     * @param producer the work
     */
    public void produce(String name, Producer producer) {
        Thread t = new Thread(() -> {
            Throwable failure = null;
            try {
                producer.run();
            } catch (Throwable e) {
                failure = e;
            }
            end(failure);
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** @return whether the consumer has closed the stream */
    public boolean isClosed() {
        return closed;
    }

    /** The consumer's side: stops taking, releases producers, drops what was not taken. */
    public void close() {
        closed = true;
        queue.clear();
    }

    private boolean offer(Object o) {
        try {
            while (!closed) {
                if (queue.offer(o, WAIT_MS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * The consumer's stream: sequential, ordered as handed over; closing it runs {@link #close()}, then
     * {@code onClose}.
     *
     * @param onClose what else closing does (cancelling the producer), or null
     * @return the stream
     */
    public Stream<T> stream(Runnable onClose) {
        Spliterator<T> s = new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
            private boolean done;

            @Override
            @SuppressWarnings("unchecked")
            public boolean tryAdvance(Consumer<? super T> action) {
                if (done || closed) {
                    return false;
                }
                Object o;
                try {
                    o = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    done = true;
                    throw new UncheckedIOException(new InterruptedIOException("interrupted while waiting for the next item"));
                }
                if (o == END) {
                    done = true;
                    Throwable f = failure;
                    if (f instanceof IOException io) {
                        throw new UncheckedIOException(io.getMessage(), io);
                    } else if (f instanceof RuntimeException re) {
                        throw re;
                    } else if (f instanceof Error err) {
                        throw err;
                    } else if (f != null) {
                        throw new IllegalStateException(f);
                    }
                    return false;
                }
                action.accept((T) o);
                return true;
            }
        };
        return StreamSupport.stream(s, false).onClose(() -> {
            close();
            if (onClose != null) {
                onClose.run();
            }
        });
    }
}
