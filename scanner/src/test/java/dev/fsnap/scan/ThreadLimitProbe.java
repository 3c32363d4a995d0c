package dev.fsnap.scan;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A library caller in a process of its own, for {@code ScanReleaseTest}: caps the threads its user
 * may run ({@code RLIMIT_NPROC}, which a process may lower for itself) at those it runs and two more,
 * starts a scan of its argument, and says how that went and what it still holds open below the root.
 * Its user must run no other process.
 */
public final class ThreadLimitProbe {
    private ThreadLimitProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Scanner scanner = Scanner.of(ScanOptions.builder(root).threads(1).backend(Backend.NATIVE).build());
        run("/bin/true"); // starts the thread that reaps child processes, before the threads are counted
        long threads;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            threads = tasks.count();
        }
        // Room for the thread that opens the root and one more, not for the scan's pool.
        long cap = threads + 2;
        run("/usr/bin/prlimit", "--pid", String.valueOf(ProcessHandle.current().pid()), "--nproc=" + cap + ":" + cap);
        System.out.println("capped at " + cap + " threads");
        try {
            scanner.start(new EntryVisitor() {
                @Override
                public void visit(Entry e) {
                }
            }).await();
            System.out.println("scanned");
        } catch (Throwable t) {
            System.out.println("failed: " + t);
        }
        System.out.println("open below the root: " + Descriptors.openBelow(root));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": exit " + p.exitValue());
        }
    }
}
