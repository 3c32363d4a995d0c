/**
 * The command line's arguments: options declared in code and parsed without reflection, with the
 * help and manual pages made from the same declarations ({@code Arguments}); the scan's options
 * ({@code ScanArguments}); arguments as the kernel's bytes ({@code CommandLine}).
 *
 * <p>Owns: what a user may type, and the message when it is wrong.
 *
 * <p>May import: {@code dev.fsnap.cli.console}, {@code dev.fsnap.repository}, {@code
 * dev.fsnap.snapshot}, {@code dev.fsnap.scan}, {@code dev.fsnap.internal}, {@code
 * dev.fsnap.bindings}.
 */
package dev.fsnap.cli.args;
