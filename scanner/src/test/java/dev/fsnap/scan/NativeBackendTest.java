package dev.fsnap.scan;

import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The contract, on the native Linux backend. */
class NativeBackendTest extends BackendContract {
    @BeforeEach
    void nativeIsAvailable() {
        assumeTrue(Scanner.isAvailable(), () -> String.valueOf(Scanner.unavailabilityCause().orElse(null)));
    }

    @Override
    Backend backend() {
        return Backend.NATIVE;
    }
}
