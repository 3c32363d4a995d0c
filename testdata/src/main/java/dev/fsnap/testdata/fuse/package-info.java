/**
 * FUSE filesystems that play a NAS: slow, dead for one directory, deaf to interrupts, failing a
 * directory's sync; they count the calls that reach them.
 *
 * <p>Owns: servers that misbehave on purpose; it knows nothing of fsnap.
 *
 * <p>May import: dev.fsnap.testdata, which compiles its C programs.
 */
package dev.fsnap.testdata.fuse;
