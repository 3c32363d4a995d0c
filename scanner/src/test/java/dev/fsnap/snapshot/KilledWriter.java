package dev.fsnap.snapshot;

import dev.fsnap.walk.DirectoryListing;
import dev.fsnap.walk.DirectoryVisitor;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.Scanner;

import java.nio.file.Path;

/**
 * A process that starts writing a snapshot, says so, and then hangs mid-scan until it is killed:
 * what a nightly job looks like when the machine is rebooted under it.
 */
public final class KilledWriter {
    private KilledWriter() {
    }

    public static void main(String[] args) throws Exception {
        ScanOptions options = ScanOptions.builder(Path.of(args[0])).threads(1).build();
        SnapshotWriter w = SnapshotWriter.create(Path.of(args[1]), options);
        Scanner.of(options).start(new DirectoryVisitor() {
            private int written;

            @Override
            public void root(Entry root) {
                w.root(root);
            }

            @Override
            public Object directory(DirectoryListing l) {
                Object r = w.directory(l);
                if (++written == 3) {
                    System.out.println("writing");
                    System.out.flush();
                    while (true) {
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                return r;
            }
        });
        Thread.sleep(Long.MAX_VALUE);
    }
}
