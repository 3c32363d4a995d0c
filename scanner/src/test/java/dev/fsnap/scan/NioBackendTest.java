package dev.fsnap.scan;

/** The contract, on the pure-Java NIO backend. */
class NioBackendTest extends BackendContract {
    @Override
    Backend backend() {
        return Backend.NIO;
    }
}
