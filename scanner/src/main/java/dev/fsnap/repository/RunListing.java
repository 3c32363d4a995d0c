package dev.fsnap.repository;

import java.util.List;
import java.util.Optional;

/**
 * A root's runs as its directory holds them.
 *
 * @param runs the runs, oldest first, none dated after now
 * @param future runs dated after now (beyond {@link Repository#FUTURE_TOLERANCE}): a clock that ran
 *        ahead, or a file put there; never the latest, never counted by retention
 * @param stray names of {@code .snap} files that are no run's (no such date)
 */
public record RunListing(List<Run> runs, List<Run> future, List<String> stray) {
    /**
     * @param runs the runs, oldest first
     * @param future runs dated after now
     * @param stray names that are no run's
     */
    public RunListing {
        runs = List.copyOf(runs);
        future = List.copyOf(future);
        stray = List.copyOf(stray);
    }

    /** @return the newest run not dated after now, if any */
    public Optional<Run> latest() {
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }
}
