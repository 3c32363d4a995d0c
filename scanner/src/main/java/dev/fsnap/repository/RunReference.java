package dev.fsnap.repository;

import dev.fsnap.internal.PathText;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A reference to a run, as a user writes one where a snapshot's file goes: {@code DIR@latest},
 * {@code DIR@-1} (the one before the latest), {@code DIR@-N}, or {@code DIR@2026-11-28} (the last run
 * of that day, local time). {@code DIR} is the repository when it holds one root, else that root's
 * directory in it ({@code DIR/KEY@latest}). Runs dated after now are not counted by latest and -N.
 */
public final class RunReference {
    private static final String DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}";

    private RunReference() {
    }

    /**
     * Resolves a reference to a run.
     *
     * @param ref the text, a reference or a file's path
     * @return the run it names; empty when the text is no reference (a file's path, which may
     *         hold an {@code @} too)
     * @throws RefusedException naming what is wrong with a reference: no such run, no date, a
     *         repository of several roots named without the root, a directory that is no repository
     * @throws IOException when the repository cannot be read
     */
    public static Optional<Run> resolve(String ref) throws IOException {
        int at = ref.lastIndexOf('@');
        if (at <= 0) {
            return Optional.empty();
        }
        Path where;
        try {
            where = PathText.path(ref.substring(0, at));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        String which = ref.substring(at + 1);
        boolean runLike = which.equals("latest") || which.matches("-[0-9]+") || which.matches(DATE);
        RunSeries root;
        if (Repository.isRepository(where)) {
            List<RunSeries> roots = new Repository(where).roots();
            if (roots.size() != 1) {
                throw new RefusedException(where, where + " holds " + roots.size() + " roots: name one, as " + where
                        + "/KEY@" + which + " (fsnap history " + where + " lists them)");
            }
            root = roots.get(0);
        } else if (where.getParent() != null && Repository.isRepository(where.getParent())
                && Files.isDirectory(where, LinkOption.NOFOLLOW_LINKS)
                && Files.isRegularFile(where.resolve(RunSeries.ROOT_FILE), LinkOption.NOFOLLOW_LINKS)) {
            root = new RunSeries(where);
        } else if (runLike && !Files.exists(PathText.path(ref)) && Files.isDirectory(where)) {
            throw new RefusedException(where, where + " is not an fsnap repository (no " + Repository.MARKER
                    + " in it), so " + ref + " names no run");
        } else {
            return Optional.empty();
        }
        RunListing listing = root.listing(Instant.now());
        List<Run> runs = listing.runs();
        Run found = null;
        if (which.equals("latest") || which.matches("-[0-9]{1,9}")) {
            int back = which.equals("latest") ? 0 : Integer.parseInt(which.substring(1));
            found = back < runs.size() ? runs.get(runs.size() - 1 - back) : null;
        } else if (which.matches(DATE)) {
            LocalDate day;
            try {
                day = LocalDate.parse(which, DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
                        .withResolverStyle(ResolverStyle.STRICT));
            } catch (DateTimeException e) {
                throw new RefusedException(where, ref + ": " + which + " is no date (YYYY-MM-DD)");
            }
            for (Run r : runs) {
                if (LocalDate.ofInstant(r.started(), ZoneId.systemDefault()).equals(day)) {
                    found = r;
                }
            }
        } else {
            throw new RefusedException(where, ref + ": a run is named latest, -N or a date (YYYY-MM-DD)");
        }
        if (found == null) {
            throw new RefusedException(where, ref + ": no such run (" + runs.size() + " in " + root.dir()
                    + (listing.future().isEmpty() ? "" : ", besides " + listing.future().size() + " dated after now")
                    + ")");
        }
        return Optional.of(found);
    }
}
