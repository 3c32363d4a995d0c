/**
 * Snapshots, exported: writing one while a scan runs ({@code SnapshotWriter}), opening and
 * verifying one ({@code Snapshot}), comparing two in time proportional to their differences
 * ({@code Differ}, {@code Change}), the content schedule, shard plans and merges, and the read
 * plan of an incremental backup.
 *
 * <p>Owns: what a snapshot means. Its bytes on disk are the {@code format} package's.
 *
 * <p>May import: {@code dev.fsnap.snapshot.format}, {@code dev.fsnap.scan}, {@code dev.fsnap.row}, {@code dev.fsnap.internal},
 * {@code dev.fsnap.walk}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.snapshot;
