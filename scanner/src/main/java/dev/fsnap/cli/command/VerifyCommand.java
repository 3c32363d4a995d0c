package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.cli.args.ScanArguments;

import dev.fsnap.snapshot.Snapshot;
import dev.fsnap.snapshot.Verification;

import java.io.IOException;
import java.nio.file.Path;

/** {@code fsnap verify FILE}: checks a whole snapshot, for scripts that keep them. */
public final class VerifyCommand extends Command {
    Path file;
    final Signing signing = new Signing();


    public VerifyCommand() {
        super("verify", new String[] {
                "Verifies that a snapshot is whole.",
                "Checks every block's checksum, every directory block against the hash its parent holds,",
                "each block referenced once, and the unreadable list; prints one line to stdout when all hold."
            }, new String[] {
                " 0:the snapshot is whole (and, with --trust-key, signed by that key as it is)",
                " 5:--trust-key: the snapshot's signature is missing, invalid, or another key's",
                " 2:the snapshot is missing, damaged, truncated, or of another format version"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("FILE", "The snapshot: a file, or a run in a repository (DIR@latest, DIR@-1).",
                v -> file = ScanArguments.snapshot(v));
        signing.declareTrust(a, "the snapshot");
    }

    @Override
    int call() throws IOException {
        dev.fsnap.signature.TrustedKey key;
        try {
            key = signing.trustedKey();
        } catch (IOException e) {
            err.println("fsnap: " + dev.fsnap.internal.IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        }
        try (Signing.Trusted t = Signing.open(key, file, err)) {
            return t.status() != ExitStatus.OK ? t.status() : verify(t.path(), key);
        }
    }

    private int verify(Path read, dev.fsnap.signature.TrustedKey key) throws IOException {
        try (Snapshot s = SnapshotFiles.open(read, err)) {
            if (s == null) {
                return ExitStatus.TROUBLE;
            }
            Verification v = s.verification();
            out.println(file + ": verified: " + s.entries() + " entries of " + s.root() + ", taken "
                    + s.started() + "; " + v.directoryBlocks() + " directory blocks, " + v.unreadableBlocks()
                    + " unreadable-list blocks, " + v.bytes() + " bytes; tree hash "
                    + (s.treeHash() == null ? "none (the root is unreadable)" : s.treeHash())
                    + (s.shardPlan().isEmpty() ? "" : "; shard " + s.shardIndex() + " of plan " + s.shardPlan())
                    + (key == null ? "" : "; signed by key " + key.id()));
            return ExitStatus.OK;
        }
    }
}
