/**
 * The kernel, reached through jffi: one class per system with one method per call (its C prototype
 * as javadoc), the struct layouts and their offsets, directory readers per system
 * (open, list, stat in batches into reused buffers), errno as
 * a typed constant turned into the {@code java.nio.file} exception that names the path, snapshot
 * files opened and published safely, SHA-256 through libcrypto.
 *
 * <p>Owns: every pointer, struct offset and errno number of fsnap; nothing above it sees one.
 * Exported to the scanner module alone.
 *
 * <p>May import: nothing of fsnap.
 */
package dev.fsnap.bindings;
