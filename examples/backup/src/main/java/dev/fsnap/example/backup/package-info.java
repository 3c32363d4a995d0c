/**
 * An incremental backup tool written only against fsnap's exported API: a content-addressed store
 * ({@code ObjectStore}, the scan's {@link dev.fsnap.scan.ContentSink}), one fsnap snapshot per run
 * kept in a repository as the catalogue ({@code Backup}), and a restore that recreates a run byte
 * for byte ({@code Restore}).
 *
 * <p>Owns: the store's layout ({@code objects/ab/cdef...} by SHA-256, {@code runs/} a repository)
 * and the command line of the example.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.snapshot}, {@code dev.fsnap.repository}
 * (the exported API, and nothing else of fsnap's).
 */
package dev.fsnap.example.backup;
