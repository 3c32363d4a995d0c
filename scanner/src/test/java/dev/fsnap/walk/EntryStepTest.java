package dev.fsnap.walk;

import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Descriptors;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.Operation;
import dev.fsnap.scan.ScanError;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.testdata.Deadlines;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-entry step after the stat: it sees every entry on the scan's own threads, its failure is
 * recorded for the entry (which is kept), and a step that blocks is given up on at the deadline.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
class EntryStepTest {
    @TempDir
    Path dir;

    /** Reads each regular file's content through the JDK, as a digest step will; refuses names ending in .bad. */
    private static final class ReadContent implements EntryStep {
        final Path root;
        final Map<String, String> read = new ConcurrentHashMap<>();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        ReadContent(Path root) {
            this.root = root;
        }

        @Override
        public Operation operation() {
            return Operation.READ;
        }

        @Override
        public Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i) {
            threads.add(Thread.currentThread().getName().replaceAll("[0-9]+$", ""));
            if (batch.type[i] != EntryType.FILE) {
                return null;
            }
            String path = new String(batch.path(i), StandardCharsets.UTF_8);
            if (path.endsWith(".bad")) {
                return new Failure("EIO", "Input/output error");
            }
            try {
                read.put(path, Files.readString(root.resolve(path)));
            } catch (IOException e) {
                return Failure.of(e);
            }
            return null;
        }
    }

    record Seen(Map<String, Entry> entries, List<String> errors, ScanSummary summary) {
    }

    private static Seen scan(ScanOptions options, EntryStep... steps) throws Exception {
        Map<String, Entry> entries = Collections.synchronizedMap(new TreeMap<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        ScanRun run = Walk.prepare(options, new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                entries.put(new String(e.path(), StandardCharsets.UTF_8), e);
            }

            @Override
            public void error(ScanError e) {
                errors.add(new String(e.path(), StandardCharsets.UTF_8) + " " + e.operation() + " " + e.code() + " "
                        + e.message());
            }
        });
        for (EntryStep step : steps) {
            run.addStep(step);
        }
        run.start();
        ScanSummary summary = run.await();
        Collections.sort(errors);
        return new Seen(entries, errors, summary);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NATIVE", "NIO"})
    void aStepSeesEveryEntryAndItsFailureIsRecordedForAnEntryThatIsKept(Backend backend) throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a.txt", 3).file("b.bad", 4).file("sub/c.bad", 5)
                .file("sub/d.txt", 6).root();
        ReadContent step = new ReadContent(root);
        Seen seen = scan(ScanOptions.builder(root).backend(backend).threads(2).build(), step);

        assertEquals(Set.of("a.txt", "sub/d.txt"), step.read.keySet());
        assertEquals(Files.readString(root.resolve("sub/d.txt")), step.read.get("sub/d.txt"));
        assertEquals(List.of("b.bad READ EIO Input/output error", "sub/c.bad READ EIO Input/output error"),
                seen.errors());
        // the entries whose step failed are kept, with what their stat read
        assertEquals(4, seen.entries().get("b.bad").size());
        assertEquals(5, seen.entries().get("sub/c.bad").size());
        assertEquals(6, seen.summary().entries(), "root, sub and four files");
        assertEquals(2, seen.summary().errors());
        assertEquals(Set.of("fsnap-scan-"), step.threads, "the step runs on the scan's worker threads");
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"NATIVE", "NIO"})
    void aStepThatBlocksIsGivenUpOnAtTheDeadlineAndTheScanGoesOn(Backend backend) throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t"));
        for (int k = 0; k < 20; k++) {
            tree.file("f" + k, k);
        }
        Path root = tree.file("stuck", 1).root();
        CountDownLatch never = new CountDownLatch(1);
        EntryStep blocking = new EntryStep() {
            @Override
            public Operation operation() {
                return Operation.READ;
            }

            @Override
            public Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i) {
                if (new String(batch.path(i), StandardCharsets.UTF_8).equals("stuck")) {
                    // as a thread in the kernel on a dead server: interrupts do not end it
                    while (never.getCount() > 0) {
                        try {
                            never.await();
                        } catch (InterruptedException ignored) {
                            // keeps waiting
                        }
                    }
                }
                return null;
            }
        };
        int descriptors = Descriptors.count();
        try {
            long start = System.nanoTime();
            Seen seen = scan(ScanOptions.builder(root).backend(backend).threads(2).opTimeout(Duration.ofSeconds(1))
                    .build(), blocking);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < Deadlines.outerLimitSeconds(1), "ended after " + seconds + " s, deadline 1 s");
            assertEquals(1, seen.errors().size(), seen.errors().toString());
            assertTrue(seen.errors().get(0).startsWith("stuck STAT ETIMEDOUT"), seen.errors().toString());
            for (int k = 0; k < 20; k++) {
                assertEquals(k, seen.entries().get("f" + k).size(), "f" + k);
            }
            assertEquals(21, seen.summary().entries(), "the root and twenty files; the stuck one is recorded");
        } finally {
            never.countDown();
        }
        // The stuck worker, once its step returns, drops what it read and lets go of the directory.
        // Other threads of this test JVM open and close descriptors of their own meanwhile (a jar, a
        // reaped child's pipes): the count must come back to where it was, not stay there throughout.
        long until = System.nanoTime() + 10_000_000_000L;
        while ((!Descriptors.openBelow(root).isEmpty() || Descriptors.count() != descriptors)
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), Descriptors.openBelow(root), "nothing of the tree open once the stuck step returned");
        assertEquals(descriptors, Descriptors.count(), () -> "descriptors once the stuck step returned: "
                + Descriptors.list());
    }

    /**
     * The attribute step after a step that removes the file it is on: the file is gone between its
     * listing (and stat) and the reading of its attributes. It is recorded as such (READ, ENOENT),
     * kept with what its stat read, and its attribute fields are absent, not "none".
     */
    @org.junit.jupiter.api.Test
    void aFileRemovedBeforeItsAttributesAreReadIsRecordedAsSuchAndKept() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("doomed", 7).file("kept", 3).root();
        EntryStep remove = new EntryStep() {
            @Override
            public Operation operation() {
                return Operation.READ;
            }

            @Override
            public Failure apply(FileSystemAccess.Worker worker, EntryBatch batch, int i) {
                try {
                    Files.deleteIfExists(root.resolve(new String(batch.path(i), StandardCharsets.UTF_8)
                            .equals("doomed") ? "doomed" : "not-there"));
                } catch (IOException e) {
                    return Failure.of(e);
                }
                return null;
            }
        };
        Seen seen = scan(ScanOptions.builder(root).threads(1).build(), remove, XattrStep.INSTANCE);
        Map<String, Entry> entries = seen.entries();
        assertEquals(List.of("doomed READ ENOENT No such file or directory"), seen.errors());
        assertEquals(7, entries.get("doomed").size(), "kept with what its stat read");
        assertEquals(null, entries.get("doomed").xattrs(dev.fsnap.scan.Field.XATTRS), "not read: absent");
        assertEquals(List.of(), entries.get("kept").xattrs(dev.fsnap.scan.Field.XATTRS), "read: none");
    }
}
