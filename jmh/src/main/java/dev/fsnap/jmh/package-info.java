/**
 * Benchmarks (JMH, built as {@code benchmarks.jar}) and the drivers that compare a scan with the C
 * floor and with the previous jar: timings live here, never in unit tests.
 *
 * <p>Owns: every figure of docs/performance.md.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.snapshot}, {@code dev.fsnap.testdata}, {@code
 * dev.fsnap.bindings}.
 */
package dev.fsnap.jmh;
