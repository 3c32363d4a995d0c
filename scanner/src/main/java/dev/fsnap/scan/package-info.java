/**
 * The library's scan API, exported: {@code Scanner} and {@code ScanOptions} start a scan;
 * {@code Entry}, {@code EntryType} and {@code Field} (the row schema) describe what it reads;
 * {@code ScanListener}, {@code EntryVisitor}, {@code ScanStream} deliver it; {@code ScanSummary},
 * {@code ScanError} and {@code ScanProgress} tell how it went.
 *
 * <p>Owns: what a user of the library asks for and gets back. How a tree is walked is the
 * {@code walk} package's, which this facade reaches.
 *
 * <p>May import: {@code dev.fsnap.row}, {@code dev.fsnap.internal}, {@code dev.fsnap.walk}, {@code dev.fsnap.snapshot} (a
 * scan against a baseline, into a snapshot: {@code Scanner.against}, {@code Scanner.writingTo}),
 * {@code dev.fsnap.bindings}.
 */
package dev.fsnap.scan;
