package dev.fsnap.spark;

import java.io.Serializable;
import java.util.Locale;

/**
 * What one shard's task returns to the driver: a few numbers and where its part is, never entries.
 *
 * @param index the shard's index in the plan
 * @param part the part the task wrote, or null when the shard's root could not be scanned
 * @param entries entries scanned
 * @param directories directories among them
 * @param errors entries that could not be read
 * @param contentRead bytes of content read (with digests; unchanged files with a baseline are not read)
 * @param seconds how long the scan took
 * @param executor the executor that ran it
 * @param attempt the task attempt's id: Spark numbers attempts as it launches them
 * @param startedAt when it started, milliseconds since the epoch
 * @param failure why the shard's root could not be scanned, or null
 * @serial exclude Serializable only to travel from a task to the driver of the same build; not a kept form
 */
public record ShardResult(int index, String part, long entries, long directories, long errors, long contentRead, double seconds,
                          String executor, long attempt, long startedAt, String failure) implements Serializable {
    /** @return the line the job prints for this shard */
    public String line() {
        return failure != null
                ? String.format(Locale.ROOT, "fsnap: shard %d on executor %s: not scanned: %s", index, executor, failure)
                : String.format(Locale.ROOT, "fsnap: shard %d on executor %s: %d entries, %d errors, %d bytes of content "
                        + "read, %.2f s", index, executor, entries, errors, contentRead, seconds);
    }
}
