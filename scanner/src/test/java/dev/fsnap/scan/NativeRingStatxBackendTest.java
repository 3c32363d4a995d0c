package dev.fsnap.scan;

/** The contract through io_uring with {@code statx}'s fields beyond {@code fstatat}'s: birth time and flags. */
class NativeRingStatxBackendTest extends NativeRingBackendTest {
    @Override
    ScanOptions.Builder options(java.nio.file.Path root) {
        return super.options(root).statx(true);
    }
}
