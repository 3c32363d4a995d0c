package dev.fsnap.scan;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every dead-server case again, stat'ed through io_uring: a stat that hangs in the ring costs that
 * entry alone and the deadline, and the requests in flight keep their buffers until they return.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
class DeadMountRingTest extends DeadMountTest {
    @BeforeEach
    void theRingIsAvailable() {
        String why = Rings.unavailableReason(dir);
        assumeTrue(why == null, () -> "io_uring refused here: " + why);
    }

    @Override
    ScanOptions.Builder builder(Path root) {
        return super.builder(root).statCalls(ScanOptions.StatCalls.RING);
    }
}
