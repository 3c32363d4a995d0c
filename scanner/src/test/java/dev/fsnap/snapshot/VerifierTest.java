package dev.fsnap.snapshot;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.testdata.TreeBuilder;
import dev.fsnap.testdata.TreeGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verifying on several threads answers what verifying front to back on one thread answers
 * ({@link SequentialVerifier}, the verification as it was): the same counts for a whole file, and
 * for a damaged one the same damage, the first in file order, however the file is cut into pieces
 * and whichever thread checks which piece; and a damaged file is refused before anything compares
 * it, wherever the damage lies.
 */
class VerifierTest {
    @TempDir
    static Path dir;
    /** A tree of several pieces: a directory whose block is longer than a piece among many short blocks. */
    private static Path large;
    /** Small files with every kind of block: unreadable lists, free blocks, the fuzzer's seeds. */
    private static final List<Path> SMALL = new ArrayList<>();
    /** Pieces from the least that holds a frame's head to the default, for the small files. */
    private static final int[] PIECES = {12, 13, 40, 97, 256, 1000, 4096, Verifier.PIECE};

    @BeforeAll
    static void snapshots() throws Exception {
        Path tree = dir.resolve("t");
        TreeGenerator.generate(tree.resolve("wide"), 16_000, 16_000, 1);
        TreeGenerator.generate(tree.resolve("deep"), 16_000);
        large = dir.resolve("large.snap");
        Snapshots.take(tree, large, Duration.ZERO);

        Path loop = TreeBuilder.at(dir.resolve("loop")).file("a/b/c", 3).file("a/d", 1).symlink("l", "a")
                .dir("empty").file("real/f", 1).symlink("real/up", "..").root();
        Path unreadable = dir.resolve("unreadable.snap"); // following links meets a loop: an unreadable list
        Snapshots.take(ScanOptions.builder(loop).threads(2).followSymlinks(true).build(), unreadable, Duration.ZERO);
        SMALL.add(unreadable);

        Path g = TreeBuilder.at(dir.resolve("g")).file("a/b/c/f", 1).file("a/b/g", 1).file("h", 1).root();
        Path base = dir.resolve("base.snap");
        Snapshots.take(g, base, Duration.ZERO);
        Files.write(g.resolve("a/b/c/f"), new byte[5]);
        Path later = dir.resolve("later.snap");
        Snapshots.take(g, later, Duration.ZERO);
        Path grafted = dir.resolve("grafted.snap"); // the directories replaced are free blocks (version 8)
        try (Snapshot b = Snapshot.open(base); Snapshot l = Snapshot.open(later)) {
            SnapshotGraft.graft(b, l, List.of("a/b/c/f".getBytes(StandardCharsets.UTF_8)), List.of(), grafted);
        }
        SMALL.add(base);
        SMALL.add(grafted);
        try (Stream<Path> seeds = Files.list(Path.of("src/test/resources/dev/fsnap/snapshot",
                "SnapshotReaderFuzzTestInputs", "readingAnyFileEndsInAnAnswerOrInDamage"))) {
            seeds.sorted().forEach(SMALL::add);
        }
    }

    /** What a verification answers for a file: its counts, or the damage it reports (its message names the offset). */
    private static String outcome(Path file, int piece) {
        try (SnapshotReader r = SnapshotReader.open(file)) {
            return "verified " + (piece == 0 ? SequentialVerifier.verify(r) : Verifier.verify(r, piece));
        } catch (CorruptSnapshotException | IncompatibleSnapshotException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** @return what one thread answers for the file, which the threaded verification answered too */
    private static String sameAsOneThread(Path file, String what, int... pieces) {
        String expected = outcome(file, 0);
        for (int piece : pieces) {
            assertEquals(expected, outcome(file, piece), what + ", pieces of " + piece + " bytes");
        }
        return expected;
    }

    /** The kind of an answer: the message without its file, offset and numbers. */
    private static String kind(String outcome) {
        return outcome.replaceAll("^[^:]*: [^:]*: corrupt snapshot at byte offset \\d+: ", "").replaceAll("\\d+", "N");
    }

    @Test
    void aWholeFileGivesTheCountsOfOneThreadInPiecesOfAnySize() throws Exception {
        assertTrue(Files.size(large) > 2 * Verifier.PIECE, "several pieces: " + Files.size(large));
        long longest = 0;
        try (SnapshotReader r = SnapshotReader.open(large)) {
            for (long at = r.headerEnd(); at < r.footerOffset(); ) {
                long end = r.readAnyBlock(at).end();
                longest = Math.max(longest, end - at);
                at = end;
            }
        }
        assertTrue(longest > Verifier.PIECE, "a block longer than a piece: " + longest);
        sameAsOneThread(large, "large", 12, 1000, 4096, 60_000, Verifier.PIECE, 1 << 20);
        for (Path f : SMALL) {
            sameAsOneThread(f, f.getFileName().toString(), PIECES);
        }
        try (Snapshot s = Snapshot.open(SMALL.get(2))) {
            assertTrue(s.verification().freeBytes() > 0, "the grafted file holds free blocks");
        }
        try (Snapshot s = Snapshot.open(SMALL.get(0))) {
            assertTrue(s.verification().unreadableBlocks() > 0, "the file of a loop holds an unreadable list");
        }
    }

    @Test
    void damageAnywhereIsTheDamageOneThreadMeetsFirst() throws Exception {
        Random random = new Random(7);
        Path bad = dir.resolve("damaged-small.snap");
        java.util.Set<String> met = new java.util.TreeSet<>();
        for (Path f : SMALL) {
            byte[] good = Files.readAllBytes(f);
            for (int i = 0; i < 60; i++) {
                byte[] b = good.clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                }
                // as damaged, and with every checksum made good again: the damage behind them
                Files.write(bad, b);
                met.add(kind(sameAsOneThread(bad, f.getFileName() + " damaged, round " + i, PIECES)));
                Files.write(bad, SnapshotReaderFuzzTest.mended(b));
                met.add(kind(sameAsOneThread(bad, f.getFileName() + " damaged and mended, round " + i, PIECES)));
            }
        }
        // the damage met is of many kinds: checksums, references, the decoders behind them
        assertTrue(met.contains("checksum mismatch in a 'D' block"), met.toString());
        assertTrue(met.stream().anyMatch(m -> m.contains("hash its parent holds")), met.toString());
        assertTrue(met.size() >= 15, met.size() + " kinds: " + met);
    }

    @Test
    void damageInALargeFileIsTheDamageOneThreadMeetsFirst() throws Exception {
        byte[] good = Files.readAllBytes(large);
        Random random = new Random(11);
        Path bad = dir.resolve("damaged-large.snap");
        for (int i = 0; i < 30; i++) {
            byte[] b = good.clone();
            // two places at once: the first in file order is the one reported, whichever piece is checked first
            for (int k = 0; k < 2; k++) {
                b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            }
            Files.write(bad, i % 2 == 0 ? b : SnapshotReaderFuzzTest.mended(b));
            sameAsOneThread(bad, "large, round " + i, 4096, 60_000, Verifier.PIECE);
        }
    }

    @Test
    void aDamagedBlockLateInTheFileIsRefusedBeforeAnyComparison() throws Exception {
        byte[] good = Files.readAllBytes(large);
        Path copy = dir.resolve("copy.snap");
        Files.write(copy, good);
        long last = lastBlockBeforeTheRoot();
        for (boolean mend : new boolean[] {false, true}) {
            byte[] b = good.clone();
            b[(int) last + 5] ^= 0x40;
            Path bad = dir.resolve(mend ? "late-mended.snap" : "late.snap");
            Files.write(bad, mend ? SnapshotReaderFuzzTest.mended(b) : b);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> Snapshots.diff(copy, bad));
            assertTrue(e.getMessage().startsWith(bad + ": corrupt snapshot at byte offset "), e.getMessage());
            if (!mend) {
                assertTrue(e.getMessage().contains("checksum mismatch in a 'D' block"), e.getMessage());
            }
            assertEquals(outcome(bad, 0), outcome(bad, Verifier.PIECE));
        }
    }

    /**
     * The last block before the root's: in the file's last piece, in a subtree whose hash is the same
     * in the file and in a copy of it, which a comparison of the two would skip without reading it.
     */
    private static long lastBlockBeforeTheRoot() throws IOException {
        long root;
        try (Snapshot s = Snapshot.open(large)) {
            root = s.rootListing();
        }
        long last = -1;
        try (SnapshotReader r = SnapshotReader.open(large)) {
            for (long at = r.headerEnd(); at < root; at = r.readAnyBlock(at).end()) {
                last = at;
            }
        }
        assertTrue(last > Files.size(large) - Verifier.PIECE, "late in the file: " + last + " of " + Files.size(large));
        return last;
    }

    /** The command line, in a JVM of its own: what a nightly job sees. */
    private static CliRun fsnap(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "dev.fsnap.cli.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectError(dir.resolve("err").toFile()).redirectOutput(dir.resolve("out").toFile()).start();
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "fsnap did not finish");
        return new CliRun(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    private record CliRun(int status, String out, String err) {
    }

    @Test
    void diffOfADamagedFileEndsWithStatusTwoAndNoReport() throws Exception {
        byte[] good = Files.readAllBytes(large);
        Path copy = dir.resolve("cli-copy.snap");
        Files.write(copy, good);
        byte[] b = good.clone();
        b[(int) lastBlockBeforeTheRoot() + 5] ^= 0x10;
        Path bad = dir.resolve("cli-bad.snap");
        Files.write(bad, SnapshotReaderFuzzTest.mended(b)); // the damage behind a good checksum
        for (String[] args : List.of(new String[] {"diff", copy.toString(), bad.toString()},
                new String[] {"diff", "--format", "lines", bad.toString(), copy.toString()},
                new String[] {"diff", "--json", copy.toString(), bad.toString()})) {
            CliRun r = fsnap(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(bad + ": corrupt snapshot at byte offset "), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertEquals("", r.out(), "no report of a damaged file");
        }
        CliRun whole = fsnap("diff", copy.toString(), large.toString());
        assertEquals(0, whole.status(), whole.err());
    }

    @Test
    void verificationsAtOnceShareTheThreadsAndEachGetsItsOwnAnswer() throws Exception {
        List<Path> files = new ArrayList<>(SMALL);
        files.add(large);
        byte[] b = Files.readAllBytes(large);
        b[b.length / 2] ^= 0x04;
        Path bad = dir.resolve("concurrent-bad.snap");
        Files.write(bad, b);
        files.add(bad);
        List<String> expected = new ArrayList<>();
        for (Path f : files) {
            expected.add(outcome(f, 0));
        }
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 5; round++) {
                List<Future<String>> answers = new ArrayList<>();
                for (Path f : files) {
                    answers.add(threads.submit(() -> outcome(f, f == large || f == bad ? 8192 : Verifier.PIECE)));
                }
                for (int i = 0; i < files.size(); i++) {
                    assertEquals(expected.get(i), answers.get(i).get(), files.get(i).toString());
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anInterruptedThreadOpensAWholeFileAndKeepsItsInterrupt() throws Exception {
        Thread.currentThread().interrupt();
        try (Snapshot s = Snapshot.open(large)) {
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
            assertTrue(s.verification().directoryBlocks() > 100);
        } finally {
            Thread.interrupted();
        }
    }
}
