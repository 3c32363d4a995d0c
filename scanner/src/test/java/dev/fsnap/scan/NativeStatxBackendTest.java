package dev.fsnap.scan;

import dev.fsnap.bindings.LinuxLibc;
import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The contract, on the native backend stating entries with {@code statx} instead of {@code fstatat}. */
class NativeStatxBackendTest extends NativeBackendTest {
    @BeforeEach
    void statxIsAvailable() {
        assumeTrue(LinuxLibc.hasStatx(), "the C library has no statx");
    }

    @Override
    ScanOptions.Builder options(java.nio.file.Path root) {
        return super.options(root).statx(true);
    }
}
