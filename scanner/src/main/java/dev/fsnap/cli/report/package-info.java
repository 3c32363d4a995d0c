/**
 * The report formats behind one interface ({@code Report}: text, lines, JSON, the HTML page), the
 * metrics file, the progress line, and a comparison's totals ({@code ChangeTally}), which every
 * format shows the same.
 *
 * <p>Owns: what a person or a program reads of a scan or a comparison.
 *
 * <p>May import: {@code dev.fsnap.cli.args}, {@code dev.fsnap.cli.console}, {@code dev.fsnap.snapshot},
 * {@code dev.fsnap.scan}, {@code dev.fsnap.internal}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.cli.report;
