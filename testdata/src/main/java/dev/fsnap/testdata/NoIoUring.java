package dev.fsnap.testdata;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command as a container would: under a seccomp filter that answers the io_uring system
 * calls with {@code EPERM} (Docker's default profile does since 25.0). A small C program, compiled on
 * first use.
 */
public final class NoIoUring {
    private NoIoUring() {
    }

    /**
     * @return why the filter cannot be set here (no C compiler), or null when it can
     */
    public static String unavailableReason() {
        return CProgram.onPath("cc") == null ? "no C compiler: cc is not on the PATH (Debian: apt-get install gcc)"
                : null;
    }

    /**
     * The command, prefixed so that it runs under the filter.
     *
     * @param command the command and its arguments
     * @return the command line to run
     * @throws IOException when the filter's program cannot be compiled
     */
    public static List<String> command(List<String> command) throws IOException {
        Path wrapper = CProgram.compile(NoIoUring.class, "no-io-uring.c", "no-io-uring", List.of());
        List<String> all = new ArrayList<>();
        all.add(wrapper.toString());
        all.addAll(command);
        return all;
    }
}
