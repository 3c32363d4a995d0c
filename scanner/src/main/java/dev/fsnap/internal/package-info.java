/**
 * What the scanner's packages share and the library does not export: the bridge to the API types'
 * package-private state ({@code ScanInternals}, registered once by {@code Entry}), the stream views' queue
 * ({@code Handoff}), path bytes ({@code Paths}, {@code PathText}), an I/O failure said in a line
 * ({@code IoMessages}) and the project's JSON ({@code Json}).
 *
 * <p>Owns: the seams between the packages; no policy.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.snapshot} (the bridge the scan facade starts
 * a snapshot scan through, {@code SnapshotAccess}), {@code dev.fsnap.bindings}.
 */
package dev.fsnap.internal;
