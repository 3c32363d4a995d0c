package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One directory of a million entries: every worker takes part, and memory stays small. */
class WideDirectoryTest {
    static final int ENTRIES = 1_000_000;

    @TempDir
    Path dir;

    private boolean mounted;

    @AfterEach
    void removeQuickly() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", "-l", dir.resolve("t").toString()).start().waitFor(60, TimeUnit.SECONDS);
        } else {
            new ProcessBuilder("rm", "-rf", dir.resolve("t").toString()).start().waitFor(120, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMillionEntriesScanInParallelInBoundedMemory() throws Exception {
        Path t = Files.createDirectories(dir.resolve("t"));
        // On a tmpfs where one can be mounted (root): making a million names on a disk takes minutes.
        mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1g", "fsnap-wide", t.toString()).start()
                .waitFor() == 0;
        Path root = Files.createDirectories(t.resolve("wide"));
        // Hard links (60,000 to a file, under ext4's limit): a million names for little more than their entries.
        Process make = new ProcessBuilder("python3", "-c", "import os, sys\n"
                + "d = sys.argv[1]; open(os.path.join(d, 'f0'), 'w').close()\n"
                + "fd = os.open(d, os.O_RDONLY)\n"
                + "for i in range(1, int(sys.argv[2])):\n"
                + "    if i % 60000 == 0: os.close(os.open('f%d' % i, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))\n"
                + "    else: os.link('f%d' % (i - i % 60000), 'f%d' % i, src_dir_fd=fd, dst_dir_fd=fd)\n",
                root.toString(), Integer.toString(ENTRIES)).inheritIO().start();
        assertTrue(make.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, make.exitValue());

        Map<String, AtomicLong> byThread = new ConcurrentHashMap<>();
        ScanSummary s = Scanner.of(ScanOptions.builder(root).threads(2).build()).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                byThread.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicLong()).incrementAndGet();
            }
        });
        assertEquals(ENTRIES + 1L, s.entries());
        assertEquals(0, s.errors());
        assertEquals(2, byThread.size(), "both workers stat'ed entries of the one directory: " + byThread);
        for (AtomicLong n : byThread.values()) {
            // At least a whole getdents64 batch each; how much more depends on the scheduler.
            assertTrue(n.get() >= 2048, "each stat'ed whole chunks: " + byThread);
        }

        // The same scan in a JVM with a 12 MiB heap: the directory's names (32 MB of getdents
        // records) must never be all in memory at once. (Unbounded, it ran out of memory at 16 MiB.)
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx12m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "scan",
                root.toString(), "--threads", "2"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> { try { return new String(p.getInputStream().readAllBytes()); } catch (java.io.IOException e) { return e.toString(); } });
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = output.get(10, TimeUnit.SECONDS);
        assertTrue(ended, "the scan did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("fsnap: " + (ENTRIES + 1) + " entries, 1 directories, 0 errors"), out);
    }
}
