package dev.fsnap.scan;

/**
 * The contract, on the native backend stating each chunk in two passes, the names listed as
 * directories first, as it does on network filesystems: on local trees, where every case can be built.
 */
class NativeDirectoriesFirstBackendTest extends NativeBackendTest {
    @Override
    ScanOptions.Builder options(java.nio.file.Path root) {
        return super.options(root).directoriesFirst(true);
    }
}
