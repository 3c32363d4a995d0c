package dev.fsnap.example;

import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.snapshot.Change;
import dev.fsnap.snapshot.ReadPlan;
import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.SnapshotScan;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An incremental backup planner: which files must tonight's backup read?
 *
 * <p>Usage: {@code BackupPlanner ROOT STATE_DIR}. The first run plans every file; each later run
 * plans what changed since the last one.
 */
public final class BackupPlanner {
    private BackupPlanner() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path last = Path.of(args[1], "last.snap");
        Path tonight = Path.of(args[1], "tonight.snap");
        PrintStream out = System.out;

        // Scan into tonight's snapshot, leaving out what no backup wants.
        ScanOptions options = ScanOptions.builder(root).exclude("*.tmp").exclude(".cache/").build();
        ScanSummary scan;
        try (SnapshotScan running = Scanner.of(options).writingTo(tonight)
                .start(error -> System.err.println("not read: " + error))) {
            scan = running.await();
            running.commit(); // tonight.snap is written only now, and only when the scan was not cancelled
        }

        // Compare it with the last one: the files to read, in a stable order, with their sizes.
        ReadPlan plan;
        try (Snapshot now = Snapshot.open(tonight)) {
            if (Files.exists(last)) {
                try (Snapshot before = Snapshot.open(last)) {
                    plan = ReadPlan.between(before, now);
                }
            } else {
                plan = ReadPlan.everything(now);
            }
        }
        for (ReadPlan.FileToRead f : plan.files()) {
            out.println("read " + f.reason().name().toLowerCase() + " " + f.size() + " " + f.entry().displayPath());
        }
        for (Change.Moved m : plan.moved()) {
            out.println("moved " + new String(m.from(), "UTF-8") + " -> " + m.displayPath());
        }
        for (Change.Removed r : plan.removed()) {
            out.println("removed " + r.displayPath());
        }
        for (Change.Unreadable u : plan.unreadable()) {
            out.println("unknown " + u.displayPath() + ": " + u.error().message());
        }
        out.println(plan.files().size() + " files, " + plan.bytes() + " bytes to read; " + scan.entries()
                + " entries scanned, " + scan.backend().name().toLowerCase() + " backend");

        // Here the backup reads the files. Once it has succeeded, tonight's snapshot becomes the last.
        Files.move(tonight, last, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
