package dev.fsnap.cli;

import dev.fsnap.cli.report.ProgressLine;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.Units;

import dev.fsnap.scan.ScanProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Sizes and times as a user types them into --verify-budget and reads them back on the terminal. */
class UnitsTest {
    @Test
    void aBudgetIsATimeWithSMinHOrDAndASizeOtherwise() {
        assertEquals(Duration.ofHours(2), ScanArguments.budgetTime("2h"));
        assertEquals(Duration.ofMinutes(45), ScanArguments.budgetTime("45min"));
        assertEquals(Duration.ofSeconds(90), ScanArguments.budgetTime("90s"));
        assertEquals(Duration.ofDays(1), ScanArguments.budgetTime("1d"));
        assertNull(ScanArguments.budgetTime("500m"), "m is a size here: 500 MiB");
        assertEquals(500L << 20, ScanArguments.bytes("500m"));
        assertEquals(200L << 30, ScanArguments.bytes("200G"));
        String range = "must be a size from 0 to 8388607T (1000, 200K, 50M, 200G, 2T) or a time from 1s to 365d "
                + "(90s, 45min, 2h, 1d), not ";
        assertEquals(range + "'0h'",
                assertThrows(IllegalArgumentException.class, () -> ScanArguments.budgetTime("0h")).getMessage());
        assertEquals(range + "'soon'",
                assertThrows(IllegalArgumentException.class, () -> ScanArguments.bytes("soon")).getMessage());
        assertEquals(8388607L << 40, ScanArguments.bytes("8388607T"), "the largest size");
        assertEquals(range + "'8388608T'",
                assertThrows(IllegalArgumentException.class, () -> ScanArguments.bytes("8388608T")).getMessage());
        assertEquals(Duration.ofDays(365), ScanArguments.budgetTime("365d"), "the longest time");
        assertEquals(range + "'366d'",
                assertThrows(IllegalArgumentException.class, () -> ScanArguments.budgetTime("366d")).getMessage());
    }

    @Test
    void sizesAndTimesReadAsPeopleWriteThem() {
        assertEquals("512 B", Units.bytes(512));
        assertEquals("1.5 KiB", Units.bytes(1536));
        assertEquals("50 MiB", Units.bytes(50L << 20));
        assertEquals("3.0 GiB", Units.bytes(3L << 30));
        assertEquals("2h", Units.duration(Duration.ofHours(2)));
        assertEquals("1h30min", Units.duration(Duration.ofMinutes(90)));
        assertEquals("1d2s", Units.duration(Duration.ofSeconds(86402)));
        assertEquals("0s", Units.duration(Duration.ZERO));
    }

    @Test
    void theProgressLineShowsContentReadItsRateAndTheScheduleDone() {
        ScanProgress plain = new ScanProgress(1000, 0, 3, 0, Duration.ofSeconds(2));
        assertEquals("1000 entries, 500 entries/s, 3 directories waiting, 0 errors, 2.0 s", ProgressLine.text(plain, 0));
        ScanProgress reading = new ScanProgress(1000, 0, 3, 0, Duration.ofSeconds(2), 2L << 30, 512L << 20, 0);
        assertEquals("1000 entries, 500 entries/s, 3 directories waiting, 0 errors, 2.0 s, content 2.0 GiB at 1.0 GiB/s,"
                + " due again 512 MiB of 1.0 GiB (50 %)", ProgressLine.text(reading, 1L << 30));
    }
}
