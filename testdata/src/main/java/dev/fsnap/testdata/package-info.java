/**
 * Trees for tests and benchmarks: built by name ({@code TreeBuilder}) or generated in a shape
 * ({@code TreeGenerator}), ext4 images on loop devices, and the outer limits of timing tests
 * ({@code Deadlines}).
 *
 * <p>Owns: fixtures; it knows nothing of fsnap.
 *
 * <p>May import: nothing of fsnap.
 */
package dev.fsnap.testdata;
