package dev.fsnap.walk;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The round trips of a scan on NFS come from the client's own counts: the mount is found by the
 * root's device in {@code /proc/self/mountinfo}, and its requests summed from the per-op statistics
 * of {@code /proc/self/mountstats}, in the layout the kernel writes (an NFSv4.2 and an NFSv3 mount
 * beside local ones, a mount point with a space in it).
 */
class RoundTripsTest {
    private static String sample(String name) throws IOException {
        try (InputStream in = RoundTripsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** glibc's makedev. */
    private static long device(long major, long minor) {
        return (major & 0xfff) << 8 | (major & ~0xfffL) << 32 | minor & 0xff | (minor & ~0xffL) << 12;
    }

    @Test
    void theMountOfTheRootsDeviceIsFoundWhenItIsNfsAndOnlyThen() throws IOException {
        String mountinfo = sample("mountinfo-nfs.txt");
        assertEquals("/home", RoundTrips.mountPoint(mountinfo, device(0, 53)));
        // Escaped as both files escape it; the first mount of a device bound twice.
        assertEquals("/mnt/my\\040data", RoundTrips.mountPoint(mountinfo, device(0, 61)));
        assertNull(RoundTrips.mountPoint(mountinfo, device(8, 1)), "ext4 is counted by no one");
        assertNull(RoundTrips.mountPoint(mountinfo, device(259, 3)), "xfs on a device number above 255");
        assertNull(RoundTrips.mountPoint(mountinfo, device(0, 99)), "no such mount");
    }

    @Test
    void theCallsOfOneMountAreTheSumOfItsOperationsAndNoOtherMounts() throws IOException {
        String stats = sample("mountstats-nfs.txt");
        // NFSv4.2: NULL 1, READ 2560, OPEN 401, GETATTR 1802, LOOKUP 1204, ACCESS 58, READDIR 7, FSINFO 2,
        // SERVER_CAPS 3; the xprt line's 6032 sends are not added again.
        assertEquals(6038, RoundTrips.calls(stats, "/home"));
        // NFSv3 listing with READDIRPLUS: 16,001 directories, a few stats.
        assertEquals(16231, RoundTrips.calls(stats, "/mnt/my\\040data"));
        assertEquals(-1, RoundTrips.calls(stats, "/"), "a local filesystem has no per-op statistics");
        assertEquals(-1, RoundTrips.calls(stats, "/mnt/my"), "a mount point is matched whole");
        assertEquals(-1, RoundTrips.calls(stats, "/nowhere"));
    }

    @Test
    void aLayoutThisDoesNotKnowGivesNoFigureRatherThanAWrongOne() {
        String odd = "device s:/e mounted on /m with fstype nfs statvers=1.2\n\tper-op statistics\n\t GETATTR: many 1 0\n";
        assertEquals(-1, RoundTrips.calls(odd, "/m"));
        String none = "device s:/e mounted on /m with fstype nfs statvers=1.1\n\topts:\tro\n";
        assertEquals(-1, RoundTrips.calls(none, "/m"), "statistics not shown");
    }

    @Test
    void noCountIsStartedOnAFilesystemThatIsNotNfs() {
        assertNull(RoundTrips.start(device(8, 1), Concurrency.Filesystem.ofName("ext4")));
        assertNull(RoundTrips.start(device(0, 40), Concurrency.Filesystem.ofName("fuse")));
    }
}
