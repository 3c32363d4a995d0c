package dev.fsnap.walk;

import org.junit.jupiter.api.Test;

import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Where the count of calls in flight goes on throughput curves of known shape. */
class HillClimbTest {
    /** Runs the climb for a number of periods on a curve of entries per second by count. */
    private static HillClimb climb(IntToDoubleFunction curve, int periods) {
        HillClimb c = new HillClimb(64, 4, 256);
        int count = 64;
        for (int i = 0; i < periods; i++) {
            count = c.next(curve.applyAsDouble(count));
        }
        return c;
    }

    @Test
    void risesWhileMoreCallsReadMore() {
        HillClimb c = climb(n -> 50.0 * n, 30);
        assertEquals(256, c.count());
    }

    @Test
    void stopsAtThePeak() {
        // Entries per second rise to 96 calls in flight, then fall (the server thrashes).
        HillClimb c = climb(n -> n <= 96 ? 50.0 * n : 50.0 * (192 - n), 30);
        assertEquals(96, c.count());
        assertEquals(144, c.highest());
    }

    @Test
    void fallsWhereFewerCallsReadMore() {
        HillClimb c = climb(n -> 100_000.0 / n, 40);
        assertEquals(4, c.count());
    }

    @Test
    void aFlatCurveKeepsTheStartAfterTryingBothWays() {
        HillClimb c = climb(n -> 5_000, 30);
        assertEquals(64, c.count());
        assertEquals(42, c.lowest());
        assertEquals(96, c.highest());
    }

    @Test
    void noiseBelowTheGainDoesNotMoveIt() {
        // Alternating 4 % above and below: never the 10 % a step must gain.
        int[] period = {0};
        HillClimb c = climb(n -> 5_000 * (period[0]++ % 2 == 0 ? 1.04 : 0.96), 40);
        assertEquals(64, c.count());
    }

    @Test
    void followsTheCurveWhenItMoves() {
        // The best count is 144 for a while, then 42 (another part of the tree, or a busier server).
        int[] period = {0};
        HillClimb c = new HillClimb(64, 4, 256);
        int count = 64;
        for (; period[0] < 40; period[0]++) {
            int best = period[0] < 20 ? 144 : 42;
            count = c.next(20_000 - 100.0 * Math.abs(count - best));
            if (period[0] == 19) {
                assertEquals(144, c.count());
            }
        }
        assertEquals(42, c.count());
    }

    @Test
    void refusesARangeThatDoesNotHoldTheStart() {
        assertThrows(IllegalArgumentException.class, () -> new HillClimb(2, 4, 256));
        assertThrows(IllegalArgumentException.class, () -> new HillClimb(300, 4, 256));
    }
}
