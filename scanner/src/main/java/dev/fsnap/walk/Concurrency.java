package dev.fsnap.walk;

import java.util.Locale;
import java.util.Set;

/**
 * How many calls a scan keeps in flight, by filesystem. On a local disk a stat costs microseconds of
 * CPU: one worker per core. On a network filesystem each stat is a round trip to a server that can
 * serve many at once: a single thread manages under a thousand entries a second, many outstanding
 * requests make it tens of times faster.
 */
final class Concurrency {
    /** Calls in flight on a network filesystem when the user did not choose: where adapting starts. */
    static final int NETWORK_THREADS = 64;
    /** The range adapting keeps to on a network filesystem. */
    static final int ADAPTIVE_MIN = 4;
    static final int ADAPTIVE_MAX = 256;

    /**
     * The filesystems whose calls are network round trips, by name: as the native reader names them
     * (from Linux's statfs magic or macOS's f_fstypename), and as NIO does (the mount table's type).
     */
    private static final Set<String> NETWORK_NAMES = Set.of("nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "smb2",
            "lustre", "ceph", "9p", "afs", "kafs", "gpfs", "beegfs", "ibrix", "glusterfs", "fuse.glusterfs",
            "fuse.sshfs",
            // macOS's statfs f_fstypename of its network clients and FUSE
            "afpfs", "webdav", "macfuse", "osxfuse");

    private Concurrency() {
    }

    /** A filesystem as the scan sees it: its name and whether calls on it are network round trips. */
    record Filesystem(String name, boolean network) {
        static final Filesystem UNKNOWN = new Filesystem("unknown", false);

        static Filesystem ofName(String type) {
            String t = type.toLowerCase(Locale.ROOT);
            return new Filesystem(t, NETWORK_NAMES.contains(t) || t.startsWith("fuse"));
        }
    }

    /**
     * The thread count for a scan, and why, as the summary says it. When {@code adaptive}, the count
     * is where the scan starts: it then follows the throughput it measures (see {@link HillClimb}).
     */
    record Choice(int threads, String reason, boolean adaptive) {
    }

    static Choice choose(int requested, Filesystem fs, int processors) {
        if (requested > 0) {
            return new Choice(requested, "requested", false);
        }
        if (fs.network()) {
            return new Choice(NETWORK_THREADS, "network filesystem " + fs.name() + ": many calls in flight", true);
        }
        return new Choice(processors, fs.name() + ": one per core", false);
    }
}
