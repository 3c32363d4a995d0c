package dev.fsnap.testdata.fuse;

/**
 * Keeps a handler on {@code SIGUSR1} for as long as this JVM lives, so that FUSE filesystems mounted
 * side by side in it cannot kill it.
 *
 * <p>A filesystem mounted with {@code intr} has libfuse send {@code SIGUSR1} to the thread serving a
 * request the kernel interrupts. libfuse installs its handler for that signal only where none is
 * installed, when the filesystem is mounted, and puts back the default (terminate the process)
 * when that filesystem is unmounted, even while another one, mounted after it, still relies on the
 * handler: the next interrupt it sends then ends the JVM ("User defined signal 1", exit 138). With a
 * handler of this JVM's own in place first, libfuse neither installs nor removes one. The handler
 * does nothing: the signal only has to reach the thread.
 */
final class InterruptSignal {
    static {
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> { });
    }

    private InterruptSignal() {
    }

    /** Installs the handler, once; call before the first mount. */
    static void keep() {
        // the static initializer does it
    }
}
