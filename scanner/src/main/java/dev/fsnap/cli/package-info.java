/**
 * The {@code fsnap} command line's entry: {@code Main} picks the command, runs it with the process's
 * console and exits with its status; help, manual pages and completion are made from the commands'
 * declarations.
 *
 * <p>Owns: the process (its exit, its status descriptor for the launcher). Not exported.
 *
 * <p>May import: {@code dev.fsnap.cli.command}, {@code dev.fsnap.cli.report}, {@code
 * dev.fsnap.cli.args}, {@code dev.fsnap.cli.console}, {@code dev.fsnap.repository}, {@code
 * dev.fsnap.signature}, {@code dev.fsnap.snapshot}, {@code dev.fsnap.scan}, {@code dev.fsnap.internal}, {@code
 * dev.fsnap.bindings}.
 */
package dev.fsnap.cli;
