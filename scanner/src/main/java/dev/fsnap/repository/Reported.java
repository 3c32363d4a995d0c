package dev.fsnap.repository;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The differences from a root's approved baseline that its checks have reported, each with when it
 * was first seen ({@code KEY/reported}): what tells a morning's new change from one reported before
 * and not yet approved. A check reads the file, notes each difference it reports with its first
 * night, and writes tonight's set in its place; an approval empties it. Not a security record: a
 * difference is reported whatever the file says, which only dates it.
 */
public final class Reported {
    static final String FILE = "reported";
    /** A line per path: the first night in milliseconds since the epoch, a space, the path's bytes in hex. */
    private static final int MAX_BYTES = 64 << 20;

    private final Map<String, Instant> firstSeen;

    private Reported(Map<String, Instant> firstSeen) {
        this.firstSeen = firstSeen;
    }

    /** @return an empty set, to note tonight's differences in */
    public static Reported none() {
        return new Reported(new HashMap<>());
    }

    /**
     * @param series a root's runs
     * @return the differences its last check reported; empty when none did, or after an approval
     * @throws IOException when the file cannot be read, or is damaged
     */
    public static Reported of(RunSeries series) throws IOException {
        Path file = series.dir().resolve(FILE);
        byte[] bytes;
        try {
            bytes = SafeFiles.readSmall(file, MAX_BYTES);
        } catch (NoSuchFileException none) {
            return none();
        }
        Map<String, Instant> m = new HashMap<>();
        for (String line : new String(bytes, StandardCharsets.US_ASCII).split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            try {
                m.put(line.substring(space + 1), Instant.ofEpochMilli(Long.parseLong(line.substring(0, space))));
            } catch (RuntimeException e) {
                throw new RefusedException(file, file + " is damaged: a line that is no time and path");
            }
        }
        return new Reported(m);
    }

    /**
     * @param path a path relative to the root, as its bytes
     * @return when a check first reported it, if the last one did
     */
    public Optional<Instant> firstSeen(byte[] path) {
        return Optional.ofNullable(firstSeen.get(HexFormat.of().formatHex(path)));
    }

    /**
     * Notes a difference reported tonight.
     *
     * @param path its path, as bytes
     * @param first when it was first seen (tonight, for a new one)
     */
    public void note(byte[] path, Instant first) {
        firstSeen.put(HexFormat.of().formatHex(path), first);
    }

    /** @return how many differences are noted */
    public int size() {
        return firstSeen.size();
    }

    /**
     * Writes the set noted in place of the last one, whole or not at all.
     *
     * @param series the root's runs
     * @throws IOException when it cannot be written
     */
    public void write(RunSeries series) throws IOException {
        StringBuilder b = new StringBuilder(firstSeen.size() * 48);
        for (Map.Entry<String, Instant> e : firstSeen.entrySet()) {
            b.append(e.getValue().toEpochMilli()).append(' ').append(e.getKey()).append('\n');
        }
        SafeFiles.writeWhole(series.dir().resolve(FILE), b.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Forgets the differences at some paths: what an approval of them does, so that a change there
     * after it is new again.
     *
     * @param series the root's runs
     * @param paths the paths approved
     * @throws IOException when the file cannot be read or written
     */
    static void forget(RunSeries series, java.util.Collection<byte[]> paths) throws IOException {
        Reported r = of(series);
        if (r.firstSeen.isEmpty()) {
            return;
        }
        for (byte[] p : paths) {
            r.firstSeen.remove(HexFormat.of().formatHex(p));
        }
        r.write(series);
    }

    /** Forgets every difference: what an approval of them all does. */
    static void clear(RunSeries series) throws IOException {
        Files.deleteIfExists(series.dir().resolve(FILE));
    }
}
