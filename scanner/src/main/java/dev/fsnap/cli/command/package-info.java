/**
 * The commands ({@code scan}, {@code check}, {@code diff}, {@code ls}, {@code verify}, {@code tune},
 * {@code history}, {@code forget}, {@code plan}, {@code merge}, {@code key}, {@code approve}), each a {@code Command} that declares
 * its options and writes to the console it is run with; {@code ScanJob} runs a scan into a snapshot
 * for the commands that take one, {@code RepositoryRun} one run of a root in a repository,
 * {@code Signing} the signature options.
 *
 * <p>Owns: what each command does, in which order, and its exit status.
 *
 * <p>May import: {@code dev.fsnap.cli.report}, {@code dev.fsnap.cli.args}, {@code
 * dev.fsnap.cli.console}, {@code dev.fsnap.repository}, {@code dev.fsnap.signature}, {@code dev.fsnap.snapshot}, {@code
 * dev.fsnap.scan}, {@code dev.fsnap.walk}, {@code dev.fsnap.internal}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.cli.command;
