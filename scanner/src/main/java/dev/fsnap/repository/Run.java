package dev.fsnap.repository;

import dev.fsnap.internal.IoMessages;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A run of a root in a repository: its snapshot ({@code KEY/NAME.snap}) and its summary
 * ({@code KEY/NAME.json}), named by its start in UTC to the millisecond. A value: making one
 * touches no file.
 *
 * @param directory the root's directory in the repository ({@link RunSeries#dir()})
 * @param started when the run started; its name is that instant to the millisecond
 */
public record Run(Path directory, Instant started) {
    static final String SNAPSHOT = ".snap";
    static final String SUMMARY = ".json";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'", Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT).withZone(ZoneOffset.UTC);
    private static final Pattern RUN_NAME = Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z");

    /**
     * @param directory the root's directory in the repository
     * @param started when the run started (what is finer than a millisecond is dropped, as the name drops it)
     * @throws NullPointerException when either is null
     */
    public Run {
        Objects.requireNonNull(directory, "directory");
        started = Instant.ofEpochMilli(Objects.requireNonNull(started, "started").toEpochMilli());
    }

    /** @return the run's name: its start, {@code 20261129T021503.123Z} */
    public String name() {
        return NAME.format(started);
    }

    /** @return where the run's snapshot is (or goes) */
    public Path snapshot() {
        return directory.resolve(name() + SNAPSHOT);
    }

    /** @return where the run's summary is (or goes) */
    public Path summaryFile() {
        return directory.resolve(name() + SUMMARY);
    }

    /**
     * Reads the run's summary, as written now or by an earlier fsnap (see {@link RunSummary}); the
     * file is opened without following a link and without waiting, and read only when it is a
     * regular file.
     *
     * @return the summary; empty when the run left none (a snapshot copied in, a run that ended first)
     * @throws DamagedSummaryException when it left one that cannot be read as one, or that is no regular file
     */
    public Optional<RunSummary> readSummary() throws DamagedSummaryException {
        byte[] bytes;
        try {
            bytes = SafeFiles.readSmall(summaryFile(), RunSummary.MAX_BYTES);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException e) {
            throw new DamagedSummaryException(summaryFile(), "unreadable: " + IoMessages.describe(e));
        }
        return Optional.of(RunSummary.parse(summaryFile(), bytes));
    }

    /** @return the run's verdict from its summary; empty when it left none or a damaged one */
    public Optional<Verdict> verdict() {
        try {
            return readSummary().map(RunSummary::verdict);
        } catch (DamagedSummaryException damaged) {
            return Optional.empty();
        }
    }

    /** @return when a run of this name started; null when the name is no run's (or no date) */
    static Instant started(String name) {
        if (!RUN_NAME.matcher(name).matches()) {
            return null;
        }
        try {
            return Instant.from(NAME.parse(name));
        } catch (DateTimeException noSuchDate) {
            return null;
        }
    }
}
