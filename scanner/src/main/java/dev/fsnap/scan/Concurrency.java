package dev.fsnap.scan;

import java.util.Locale;
import java.util.Map;
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

    /** {@code statfs} magic numbers of the filesystems whose calls are network round trips. */
    private static final Map<Long, String> NETWORK_MAGIC = Map.ofEntries(
            Map.entry(0x6969L, "nfs"),
            Map.entry(0x517BL, "smb"),
            Map.entry(0xFF534D42L, "cifs"),
            Map.entry(0xFE534D42L, "smb2"),
            Map.entry(0x65735546L, "fuse"),
            Map.entry(0x0BD00BD0L, "lustre"),
            Map.entry(0x00C36400L, "ceph"),
            Map.entry(0x01021997L, "9p"),
            Map.entry(0x5346414FL, "afs"),
            Map.entry(0x47504653L, "gpfs"),
            Map.entry(0x19830326L, "beegfs"),
            Map.entry(0x013111A8L, "ibrix"),
            Map.entry(0x6B414653L, "kafs"));
    private static final Map<Long, String> LOCAL_MAGIC = Map.of(
            0xEF53L, "ext4", 0x58465342L, "xfs", 0x9123683EL, "btrfs", 0x01021994L, "tmpfs",
            0x794C7630L, "overlay", 0x2FC12FC1L, "zfs", 0xF2F52010L, "f2fs");
    /** NIO's names for the same (its FileStore type is the mount table's), and macOS's. */
    private static final Set<String> NETWORK_NAMES = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "smb2",
            "lustre", "ceph", "9p", "afs", "gpfs", "beegfs", "glusterfs", "fuse.glusterfs", "fuse.sshfs",
            // macOS's statfs f_fstypename of its network clients and FUSE
            "afpfs", "webdav", "macfuse", "osxfuse");

    private Concurrency() {
    }

    /** A filesystem as the scan sees it: its name and whether calls on it are network round trips. */
    record Filesystem(String name, boolean network) {
        static final Filesystem UNKNOWN = new Filesystem("unknown", false);

        static Filesystem ofMagic(long magic) {
            String n = NETWORK_MAGIC.get(magic);
            if (n != null) {
                return new Filesystem(n, true);
            }
            String l = LOCAL_MAGIC.get(magic);
            return new Filesystem(l != null ? l : "0x" + Long.toHexString(magic), false);
        }

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
