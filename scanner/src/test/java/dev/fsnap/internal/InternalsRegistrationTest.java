package dev.fsnap.internal;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The internals {@code dev.fsnap.scan} registers for the rest of fsnap are registered once: code on
 * the class path that registers again is refused, and scans go on as before. (Not among the
 * black-box tests of {@code dev.fsnap.library}: this package is not exported, which only a caller
 * on the class path can get around.)
 */
class InternalsRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRegistrationIsRefusedAndScansAreUnaffected() throws Exception {
        ScanInternals registered = ScanInternals.get();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ScanInternals.register(registered));
        assertEquals("the scan internals are registered once, by dev.fsnap.scan, and are already: "
                + registered.getClass().getName() + " is refused", e.getMessage());
        assertSame(registered, ScanInternals.get());

        Path root = TreeBuilder.at(dir.resolve("t")).file("a/b", 3).root();
        ScanSummary s = Scanner.of(ScanOptions.builder(root).threads(1).build()).scan(new EntryVisitor() {
            @Override
            public void visit(Entry entry) {
            }
        });
        assertEquals(3, s.entries());
    }
}
