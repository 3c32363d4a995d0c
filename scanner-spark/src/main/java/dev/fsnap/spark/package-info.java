/**
 * Shards of a plan scanned as Spark tasks, on the library's exported API alone: each task scans
 * one shard into a part, and the driver merges the parts into one snapshot.
 *
 * <p>Owns: how shards travel through Spark.
 *
 * <p>May import: {@code dev.fsnap.scan}, {@code dev.fsnap.snapshot}.
 */
package dev.fsnap.spark;
