package dev.fsnap.walk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The requests a scan sent to an NFS server, where the kernel counts them: the NFS client keeps,
 * per mount, how many calls of each kind it made ({@code /proc/self/mountstats}, its "per-op
 * statistics"), and the difference from before the scan to after it is what the scan cost the
 * server, in round trips. Other processes using the same mount in the meantime count too: the
 * figure is an upper bound. No other filesystem exposes such a count (a FUSE server could, but
 * the kernel does not): elsewhere there is none.
 */
final class RoundTrips {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final Path MOUNTSTATS = Path.of("/proc/self/mountstats");

    private final String mountPoint;
    private final long before;

    private RoundTrips(String mountPoint, long before) {
        this.mountPoint = mountPoint;
        this.before = before;
    }

    /**
     * Starts counting the calls on the NFS mount holding a scan's root.
     *
     * @param device the root's device number, as {@code st_dev} gives it
     * @param filesystem the root's filesystem
     * @return the count, or null where the filesystem is not NFS or the kernel does not say
     */
    static RoundTrips start(long device, Concurrency.Filesystem filesystem) {
        if (!filesystem.name().startsWith("nfs")) {
            return null;
        }
        try {
            String mountPoint = mountPoint(read(MOUNTINFO), device);
            if (mountPoint == null) {
                return null;
            }
            long now = calls(read(MOUNTSTATS), mountPoint);
            return now < 0 ? null : new RoundTrips(mountPoint, now);
        } catch (IOException | RuntimeException e) {
            return null; // a count is a figure for the summary, never a reason to fail
        }
    }

    /** @return the calls made on the mount since {@link #start}, or -1 when they can no longer be read */
    long since() {
        try {
            long now = calls(read(MOUNTSTATS), mountPoint);
            return now < before ? -1 : now - before;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }

    /**
     * The mount point of an NFS mount of a device, from {@code /proc/self/mountinfo}: fields are
     * separated by spaces, the third is {@code major:minor}, the fifth the mount point (octal
     * escapes for space, tab, newline and backslash), and after the {@code -} separator the type.
     *
     * @param mountinfo the file's text
     * @param device the device number as {@code st_dev} encodes it (glibc's {@code makedev})
     * @return the mount point, escaped as both files escape it, or null when no NFS mount has it
     */
    static String mountPoint(String mountinfo, long device) {
        long major = (device >>> 8) & 0xfffL | (device >>> 32) & ~0xfffL;
        long minor = device & 0xffL | (device >>> 12) & ~0xffL;
        String id = major + ":" + minor;
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            if (f.length < 7 || !f[2].equals(id)) {
                continue;
            }
            for (int k = 6; k < f.length - 1; k++) {
                if (f[k].equals("-")) {
                    if (f[k + 1].startsWith("nfs")) {
                        return f[4];
                    }
                    break;
                }
            }
        }
        return null;
    }

    /**
     * The calls the NFS client made on a mount: the sum of the first number (operations) of every
     * line of the mount's "per-op statistics" in {@code /proc/self/mountstats}.
     *
     * @param mountstats the file's text
     * @param mountPoint the mount point, escaped as the file escapes it
     * @return the sum, or -1 when the mount, or its statistics, are not there
     */
    static long calls(String mountstats, String mountPoint) {
        String header = "device ";
        String on = " mounted on " + mountPoint + " with fstype ";
        boolean inMount = false;
        boolean perOp = false;
        long sum = -1;
        for (String line : mountstats.split("\n")) {
            if (line.startsWith(header)) {
                if (inMount) {
                    break; // the next mount's block
                }
                inMount = line.contains(on) && line.substring(line.indexOf(on) + on.length()).startsWith("nfs");
                continue;
            }
            if (!inMount) {
                continue;
            }
            String t = line.trim();
            if (t.equals("per-op statistics")) {
                perOp = true;
                sum = 0;
                continue;
            }
            if (!perOp || t.isEmpty()) {
                continue;
            }
            int colon = t.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String rest = t.substring(colon + 1).trim();
            int space = rest.indexOf(' ');
            String ops = space < 0 ? rest : rest.substring(0, space);
            try {
                sum += Long.parseLong(ops);
            } catch (NumberFormatException e) {
                return -1; // not the layout this reads: no figure rather than a wrong one
            }
        }
        return sum;
    }
}
