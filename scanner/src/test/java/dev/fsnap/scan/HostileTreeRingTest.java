package dev.fsnap.scan;

import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Path;

/** Every hostile tree again, stat'ed through io_uring: the same entries and errors. */
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
class HostileTreeRingTest extends HostileTreeTest {
    @BeforeEach
    void theRingIsAvailable() {
        Rings.assumeAvailable(dir);
    }

    /** Its ring's descriptor, from its first stat to its end. */
    @Override
    int descriptorsPerWorker() {
        return 1;
    }

    @Override
    ScanOptions.Builder builder(Path root) {
        return super.builder(root).statCalls(ScanOptions.StatCalls.RING);
    }
}
