/**
 * How a tree is walked, behind one public class ({@code Walk}): the work-stealing pool and its
 * sizing, deadlines on calls that may never return, the backends (native, NIO, Windows), batches
 * of stat results in reused buffers, the per-entry steps after the stat (digests, attributes),
 * and the listing of each directory handed to a visitor.
 *
 * <p>Owns: threads, descriptors and the order of system calls during a scan.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.row}, {@code dev.fsnap.internal}, {@code dev.fsnap.bindings}.
 */
package dev.fsnap.walk;
