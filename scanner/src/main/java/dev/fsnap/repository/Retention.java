package dev.fsnap.repository;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which runs a retention policy keeps, as restic's {@code forget} decides it ({@code ApplyPolicy}):
 * a pure function of the runs and the policy, which reads and removes nothing. The newest
 * {@code last} runs; the newest run of each of the last {@code daily} days, {@code weekly} ISO weeks
 * and {@code monthly} months that have runs; and, whatever the policy, the newest run that is a good
 * baseline ({@link Verdict#isGoodBaseline()}), so that a night which found damage never leaves
 * retention to forget the last good baseline. A run without a verdict (its summary missing or
 * damaged) counts as a run, never as a good one. Each kept run says why, in every rule that keeps it.
 */
public final class Retention {
    /** The reason of the run kept as the last good baseline. */
    public static final String LAST_GOOD = "last good baseline";

    private Retention() {
    }

    /**
     * A retention policy: how many of each to keep; 0 keeps none by that rule.
     *
     * @param last the newest runs
     * @param daily the newest run of each of the last days that have runs
     * @param weekly the newest run of each of the last ISO weeks that have runs
     * @param monthly the newest run of each of the last months that have runs
     */
    public record Policy(int last, int daily, int weekly, int monthly) {
        /**
         * @param last the newest runs
         * @param daily days
         * @param weekly ISO weeks
         * @param monthly months
         * @throws IllegalArgumentException when a count is negative
         */
        public Policy {
            if (last < 0 || daily < 0 || weekly < 0 || monthly < 0) {
                throw new IllegalArgumentException("a retention policy keeps 0 or more runs by each rule, not "
                        + last + ", " + daily + ", " + weekly + ", " + monthly);
            }
        }
    }

    /**
     * A run as retention weighs it.
     *
     * @param run the run
     * @param verdict what its summary says it found; empty when it left none or a damaged one
     */
    public record Candidate(Run run, Optional<Verdict> verdict) {
        /**
         * @param run the run
         * @param verdict its verdict, if known
         * @throws NullPointerException when either is null
         */
        public Candidate {
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(verdict, "verdict");
        }

        /**
         * @param run a run in a repository
         * @return it, with the verdict its summary records (read from the disk: empty when none or damaged)
         */
        public static Candidate of(Run run) {
            return new Candidate(run, run.verdict());
        }
    }

    /**
     * A run kept, and why.
     *
     * @param run the run
     * @param reasons every rule that keeps it: {@code last 3}, {@code daily 2026-12-01},
     *        {@code weekly 2026-W48}, {@code monthly 2026-12}, {@link #LAST_GOOD}
     */
    public record Kept(Run run, List<String> reasons) {
        /**
         * @param run the run
         * @param reasons why it is kept, at least one
         * @throws IllegalArgumentException when there is no reason
         */
        public Kept {
            Objects.requireNonNull(run, "run");
            reasons = List.copyOf(reasons);
            if (reasons.isEmpty()) {
                throw new IllegalArgumentException(run.name() + ": a run is kept for a reason");
            }
        }
    }

    /**
     * What a policy decided for a root's runs.
     *
     * @param kept the runs kept, oldest first, with their reasons
     * @param forgotten the runs no rule keeps, oldest first: a program removes their snapshots and summaries
     */
    public record Decision(List<Kept> kept, List<Run> forgotten) {
        /**
         * @param kept the runs kept
         * @param forgotten the runs forgotten
         */
        public Decision {
            kept = List.copyOf(kept);
            forgotten = List.copyOf(forgotten);
        }

        /**
         * @param run a run that was weighed
         * @return why it is kept; empty when it is forgotten (or was not weighed)
         */
        public List<String> reasons(Run run) {
            for (Kept k : kept) {
                if (k.run().equals(run)) {
                    return k.reasons();
                }
            }
            return List.of();
        }
    }

    /**
     * Applies a policy to a root's runs.
     *
     * @param runs the runs (those dated after now left out: they are neither counted nor forgotten);
     *        in any order
     * @param policy the policy
     * @param zone the time zone whose days, weeks and months count
     * @return the runs kept, with their reasons, and those forgotten
     * @throws NullPointerException when an argument is null
     */
    public static Decision apply(List<Candidate> runs, Policy policy, ZoneId zone) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(zone, "zone");
        List<Candidate> newest = new ArrayList<>(runs);
        newest.sort(Comparator.comparing((Candidate c) -> c.run().started()).reversed());
        Map<Run, List<String>> why = new LinkedHashMap<>();
        for (int i = 0; i < Math.min(policy.last(), newest.size()); i++) {
            keep(why, newest.get(i).run(), "last " + policy.last());
        }
        bucket(newest, policy.daily(), r -> "daily " + day(r, zone), why);
        bucket(newest, policy.weekly(), r -> {
            LocalDate d = day(r, zone);
            return String.format(Locale.ROOT, "weekly %d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
                    d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        }, why);
        bucket(newest, policy.monthly(), r -> "monthly " + YearMonth.from(day(r, zone)), why);
        for (Candidate c : newest) {
            if (c.verdict().map(Verdict::isGoodBaseline).orElse(false)) {
                keep(why, c.run(), LAST_GOOD);
                break;
            }
        }
        List<Kept> kept = new ArrayList<>();
        List<Run> forgotten = new ArrayList<>();
        for (int i = newest.size() - 1; i >= 0; i--) {
            Run r = newest.get(i).run();
            List<String> reasons = why.get(r);
            if (reasons != null) {
                kept.add(new Kept(r, reasons));
            } else {
                forgotten.add(r);
            }
        }
        return new Decision(kept, forgotten);
    }

    private static LocalDate day(Run r, ZoneId zone) {
        return LocalDate.ofInstant(r.started(), zone);
    }

    private static void keep(Map<Run, List<String>> why, Run run, String reason) {
        why.computeIfAbsent(run, r -> new ArrayList<>()).add(reason);
    }

    /** The newest run of each of the last {@code n} periods that have runs, the period its reason. */
    private static void bucket(List<Candidate> newest, int n, Function<Run, String> period, Map<Run, List<String>> why) {
        Set<String> seen = new HashSet<>();
        for (Candidate c : newest) {
            if (seen.size() >= n) {
                return;
            }
            String p = period.apply(c.run());
            if (seen.add(p)) {
                keep(why, c.run(), p);
            }
        }
    }
}
