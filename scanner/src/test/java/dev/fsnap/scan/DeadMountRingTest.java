package dev.fsnap.scan;

import dev.fsnap.testdata.Deadlines;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @Test
    void aHungStatCostsThatEntryAloneItsSiblingsAreRead() throws Exception {
        hangEntryFor("alive/a", Duration.ofMillis(3000));
        long start = System.nanoTime();
        HostileTreeTest.Seen seen = scan(2);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < Deadlines.outerLimitSeconds(2), "ended after " + seconds + " s, deadline 2 s");
        oneOfTheseAlone(seen, Set.of("alive/a", "alive/deeper"), Set.of("", "alive", "alive/a", "alive/deeper",
                "alive/deeper/b", "dead", "dead/c", "dead/below", "dead/below/d", "top", "x1", "x1/f", "x2", "x2/f",
                "x3", "x3/f"));
    }

    @Override
    @Test
    void aHungStatInTheRootCostsThatEntryAlone() throws Exception {
        hangEntryFor("top", Duration.ofMillis(3000));
        HostileTreeTest.Seen seen = scan(2);
        oneOfTheseAlone(seen, Set.of("alive", "dead", "top", "x1", "x2", "x3"), Set.of("", "alive", "alive/a",
                "alive/deeper", "alive/deeper/b", "dead", "dead/c", "dead/below", "dead/below/d", "top", "x1", "x1/f",
                "x2", "x2/f", "x3", "x3/f"));
    }

    /** One of {@code suspects} alone is unreadable with a timed-out stat; every other entry is seen. */
    private static void oneOfTheseAlone(HostileTreeTest.Seen seen, Set<String> suspects, Set<String> all) {
        assertEquals(1, seen.errors().size(), seen.errors().toString());
        String error = seen.errors().get(0);
        assertTrue(error.endsWith(" STAT ETIMEDOUT") && suspects.contains(error.substring(0, error.indexOf(' '))),
                error);
        String lost = error.substring(0, error.indexOf(' '));
        Set<String> expected = new TreeSet<>(all);
        expected.removeIf(p -> p.equals(lost) || p.startsWith(lost + "/"));
        assertEquals(expected, new TreeSet<>(seen.entries().keySet()));
    }
}
