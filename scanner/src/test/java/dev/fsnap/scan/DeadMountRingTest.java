package dev.fsnap.scan;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every dead-server case again, stat'ed through io_uring: a stat that hangs in the ring costs that
 * entry alone and the deadline, and the requests in flight keep their buffers until they return.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@org.junit.jupiter.api.parallel.Isolated("counts this JVM's descriptors or threads, which tests running beside it change")
class DeadMountRingTest extends DeadMountTest {
    @BeforeEach
    void theRingIsAvailable() {
        Rings.assumeAvailable(dir);
    }

    @Override
    ScanOptions.Builder builder(Path root) {
        return super.builder(root).statCalls(ScanOptions.StatCalls.RING);
    }

    /**
     * This server's lookups in one directory are serialized by the kernel (libfuse 2), and the ring
     * puts a directory's stats in flight together: a sibling listed before the hung name may be
     * waiting behind it when its turn comes, and be the one given up on instead. Either way one
     * entry of that directory alone is unreadable, within the deadline, and the rest is read. (Where
     * lookups run side by side, as on an NFS client, the hung name itself is reported:
     * {@code NfsLikeScanTest#aNameThatNeverAnswersThroughTheRingCostsThatEntryAlone}.)
     */
    @Override
    Set<String> reportedFor(String hung, Set<String> siblings) {
        Set<String> either = new TreeSet<>(siblings);
        either.add(hung);
        return either;
    }
}
