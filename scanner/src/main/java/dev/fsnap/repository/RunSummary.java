package dev.fsnap.repository;

import dev.fsnap.internal.Json;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.snapshot.Change;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A run's summary ({@code KEY/NAME.json} beside its snapshot): what ran, its verdict, what it read
 * and what its comparison found. Written as one JSON object:
 *
 * <pre>
 * {"verdict":"changed","run":"check","entries":12,"bytes":4096,"unreadable":0,"seconds":0.031,
 *  "changes":{"added":1,"removed":0,"modified":1,"moved":0,"unreadable":0,"racy":0,"corrupt":0,"tampered":0}}
 * </pre>
 *
 * <p>Summaries that an earlier fsnap wrote, which recorded its exit status ({@code {"exit":1,...}})
 * instead of a verdict, are read as well: exit 0 is {@link Verdict#UNCHANGED}, 1
 * {@link Verdict#CHANGED}, 3 {@link Verdict#UNREADABLE}, 4 {@link Verdict#CORRUPT}, 24
 * {@link Verdict#VANISHED}, any other {@link Verdict#INCOMPLETE}.
 *
 * @param run what kind of run wrote it ({@code check}, {@code scan}, {@code merge}, or a program's
 *        own word); empty for a summary that does not say
 * @param verdict what the run found
 * @param scanned what the run read; empty when it recorded nothing of it
 * @param changes what its comparison found, entries by kind; empty when nothing was compared
 */
public record RunSummary(String run, Verdict verdict, Optional<Counts> scanned, Map<Change.Kind, Long> changes) {
    /** Larger than any summary fsnap writes: a bigger file is not one. */
    static final int MAX_BYTES = 64 * 1024;

    /**
     * What a run read.
     *
     * @param entries the entries scanned
     * @param bytes their bytes
     * @param unreadable the entries (or directories) that could not be read
     * @param elapsed how long the scan took
     */
    public record Counts(long entries, long bytes, long unreadable, Duration elapsed) {
        /**
         * @param entries the entries scanned
         * @param bytes their bytes
         * @param unreadable the entries that could not be read
         * @param elapsed how long the scan took
         * @throws IllegalArgumentException when a count is negative
         * @throws NullPointerException when {@code elapsed} is null
         */
        public Counts {
            if (entries < 0 || bytes < 0 || unreadable < 0) {
                throw new IllegalArgumentException("counts are not negative: " + entries + ", " + bytes + ", "
                        + unreadable);
            }
            Objects.requireNonNull(elapsed, "elapsed");
        }

        /**
         * @param summary a scan's summary
         * @return what it read
         */
        public static Counts of(ScanSummary summary) {
            return new Counts(summary.entries(), summary.bytes(), summary.errors(), summary.elapsed());
        }
    }

    /**
     * @param run what kind of run wrote it; empty when unsaid
     * @param verdict what the run found
     * @param scanned what the run read, if anything
     * @param changes entries by kind; empty when nothing was compared
     * @throws NullPointerException when an argument or a count is null
     * @throws IllegalArgumentException when {@code run} holds a line break or a count is negative
     */
    public RunSummary {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(scanned, "scanned");
        if (run.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a run's kind is one word, not '" + run + "'");
        }
        EnumMap<Change.Kind, Long> copy = new EnumMap<>(Change.Kind.class);
        for (Map.Entry<Change.Kind, Long> e : changes.entrySet()) {
            if (Objects.requireNonNull(e.getValue(), "count") < 0) {
                throw new IllegalArgumentException(e.getKey().label() + ": a count is not negative");
            }
            copy.put(Objects.requireNonNull(e.getKey(), "kind"), e.getValue());
        }
        changes = Collections.unmodifiableMap(copy);
    }

    /** @return whether the run compared against an earlier one */
    public boolean compared() {
        return !changes.isEmpty();
    }

    /** The summary as its file holds it: one JSON object and a line end, UTF-8. */
    byte[] json() {
        StringBuilder b = new StringBuilder("{\"verdict\":");
        Json.quote(b, verdict.label());
        b.append(",\"run\":");
        Json.quote(b, run);
        scanned.ifPresent(s -> b.append(",\"entries\":").append(s.entries()).append(",\"bytes\":").append(s.bytes())
                .append(",\"unreadable\":").append(s.unreadable()).append(",\"seconds\":")
                .append(String.format(Locale.ROOT, "%.3f", s.elapsed().toNanos() / 1e9)));
        if (!changes.isEmpty()) {
            b.append(",\"changes\":{");
            String sep = "";
            for (Map.Entry<Change.Kind, Long> e : changes.entrySet()) {
                b.append(sep);
                Json.quote(b, e.getKey().label()).append(':').append(e.getValue());
                sep = ",";
            }
            b.append('}');
        }
        return b.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a summary's file content, in either form.
     *
     * @param file the file, for what is said
     * @param bytes its content
     * @return the summary
     * @throws DamagedSummaryException naming what is wrong, never quoting the content
     */
    static RunSummary parse(Path file, byte[] bytes) throws DamagedSummaryException {
        if (bytes.length > MAX_BYTES) {
            throw new DamagedSummaryException(file, "larger than a summary (" + bytes.length + " bytes)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DamagedSummaryException(file, "not UTF-8");
        }
        Object value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException notJson) {
            value = null; // said as the earlier form's reader says it, below
        }
        if (value instanceof Map<?, ?> fields && fields.containsKey("verdict")) {
            return fromJson(file, fields);
        }
        // The earlier form (exit status), or damage: its strict reader says which, and what is wrong.
        return LegacySummary.parse(file, text);
    }

    private static RunSummary fromJson(Path file, Map<?, ?> fields) throws DamagedSummaryException {
        Verdict verdict;
        try {
            verdict = Verdict.ofLabel(String.valueOf(fields.get("verdict")));
        } catch (IllegalArgumentException e) {
            throw new DamagedSummaryException(file, "not a summary: no verdict fsnap records");
        }
        Object run = fields.containsKey("run") ? fields.get("run") : "";
        if (!(run instanceof String kind) || kind.indexOf('\n') >= 0) {
            throw new DamagedSummaryException(file, "not a summary: run is no word");
        }
        Optional<Counts> scanned = Optional.empty();
        if (fields.containsKey("entries")) {
            Object seconds = fields.get("seconds");
            if (!(seconds instanceof Number s) || s.doubleValue() < 0 || s.doubleValue() > 1e12) {
                throw new DamagedSummaryException(file, "not a summary: seconds is no time");
            }
            scanned = Optional.of(new Counts(count(file, fields, "entries"), count(file, fields, "bytes"),
                    count(file, fields, "unreadable"), Duration.ofNanos(Math.round(s.doubleValue() * 1e9))));
        }
        Map<Change.Kind, Long> changes = new EnumMap<>(Change.Kind.class);
        Object c = fields.get("changes");
        if (c != null) {
            if (!(c instanceof Map<?, ?> byKind)) {
                throw new DamagedSummaryException(file, "not a summary: changes is no object");
            }
            for (Change.Kind k : Change.Kind.values()) {
                if (byKind.containsKey(k.label())) {
                    changes.put(k, count(file, byKind, k.label()));
                }
            }
        }
        return new RunSummary(kind, verdict, scanned, changes);
    }

    private static long count(Path file, Map<?, ?> fields, String name) throws DamagedSummaryException {
        if (fields.get(name) instanceof Long n && n >= 0) {
            return n;
        }
        throw new DamagedSummaryException(file, "not a summary: " + name + " is no count");
    }
}
