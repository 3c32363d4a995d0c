/**
 * The snapshot file format, version 1 to 7, in one place: header, blocks and their frames, directory
 * records, entry columns and their codec, the footer and trailer (docs/snapshot-format.md).
 *
 * <p>Owns: every byte of a snapshot file. It reads a scanned directory through
 * {@code dev.fsnap.row.Rows}, never the walk; it throws the {@code snapshot} package's
 * exceptions for damage and other versions, and uses nothing else of it.
 *
 * <p>May import: {@code dev.fsnap.snapshot}, {@code dev.fsnap.scan}, {@code dev.fsnap.row},
 * {@code dev.fsnap.internal}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.snapshot.format;
