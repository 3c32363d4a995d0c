/**
 * fsnap: reads file metadata at native speed and finds what changed in a filesystem.
 *
 * <p>{@link dev.fsnap.scan} scans a tree ({@link dev.fsnap.scan.Scanner}); {@link dev.fsnap.snapshot}
 * writes and reads snapshots, compares them ({@link dev.fsnap.snapshot.Differ}) and plans what an
 * incremental backup must read ({@link dev.fsnap.snapshot.ReadPlan}); {@link dev.fsnap.repository}
 * keeps a root's runs (layout, lock, summaries, retention); {@link dev.fsnap.signature} signs and
 * verifies files in minisign's format. The command line lives here
 * too, in a package that is not exported.
 */
module dev.fsnap.scanner {
    requires dev.fsnap.bindings;
    requires org.jnrproject.constants;
    requires org.bouncycastle.provider;

    exports dev.fsnap.scan;
    exports dev.fsnap.snapshot;
    exports dev.fsnap.repository;
    exports dev.fsnap.signature;
}
