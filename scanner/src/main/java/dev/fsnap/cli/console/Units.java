package dev.fsnap.cli.console;

import java.time.Duration;
import java.util.Locale;

/** Sizes and times as people read them on a terminal: {@code 1.5 GiB}, {@code 2h30min}. */
public final class Units {
    private static final String[] BINARY = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    /** Times in the local zone, to the second: what people read in a report. */
    public static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(java.time.ZoneId.systemDefault());

    private Units() {
    }

    /**
     * @param bytes a size
     * @return it in the largest power of 1024 it reaches, with one decimal below 10
     *         ({@code 512 B}, {@code 1.5 KiB}, {@code 340 MiB})
     */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        double v = bytes / Math.pow(1024, unit);
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, BINARY[unit]);
    }

    /**
     * @param bytes bytes done
     * @param seconds in this long
     * @return the rate, {@code 340 MiB/s} ({@code 0 B/s} before any time has passed)
     */
    public static String rate(long bytes, double seconds) {
        return bytes(seconds > 0 ? (long) (bytes / seconds) : 0) + "/s";
    }

    /**
     * @param d a time
     * @return it in days, hours, minutes and seconds, the zero ones left out ({@code 2h},
     *         {@code 1h30min}, {@code 45s}; {@code 0s})
     */
    public static String duration(Duration d) {
        long s = d.toSeconds();
        StringBuilder b = new StringBuilder();
        long[] parts = {s / 86400, s / 3600 % 24, s / 60 % 60, s % 60};
        String[] names = {"d", "h", "min", "s"};
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != 0) {
                b.append(parts[i]).append(names[i]);
            }
        }
        return b.length() == 0 ? "0s" : b.toString();
    }
}
