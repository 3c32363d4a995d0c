/**
 * Where the command line writes and how it says things: the console (standard output and error,
 * whether a person watches), the one table of exit statuses, names, sizes and times as people
 * read them, and files written whole or not at all.
 *
 * <p>Owns: the conventions every room of the command line shares; it knows none of them.
 *
 * <p>May import: {@code dev.fsnap.repository}, {@code dev.fsnap.scan}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.cli.console;
