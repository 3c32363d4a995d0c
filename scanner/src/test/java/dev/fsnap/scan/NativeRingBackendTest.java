package dev.fsnap.scan;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract, on the native backend stating entries through io_uring ({@code --stat uring}). */
class NativeRingBackendTest extends NativeBackendTest {
    @BeforeEach
    void theRingIsAvailable() {
        Rings.assumeAvailable(dir);
    }

    @Override
    ScanOptions.Builder options(java.nio.file.Path root) {
        return super.options(root).statCalls(ScanOptions.StatCalls.RING);
    }

    @Test
    void theSummarySaysTheStatsWentThroughTheRing() throws Exception {
        Result r = scan(options(everyKind()).build());
        assertTrue(r.summary().backendReason().endsWith(", stats through io_uring"), r.summary().backendReason());
    }
}
