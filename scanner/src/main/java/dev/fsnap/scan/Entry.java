package dev.fsnap.scan;

import java.time.Instant;
import java.util.Arrays;

/**
 * One filesystem entry's metadata, as one {@code lstat} saw it.
 *
 * @param path the path relative to the scan root, raw bytes with {@code '/'} between components;
 *             empty for the root itself. Linux names are bytes, not text: these are never decoded.
 * @param type the entry type
 * @param size {@code st_size}
 * @param mtimeSec {@code st_mtim.tv_sec}
 * @param mtimeNsec {@code st_mtim.tv_nsec}
 * @param ctimeSec {@code st_ctim.tv_sec}
 * @param ctimeNsec {@code st_ctim.tv_nsec}
 * @param inode {@code st_ino}
 * @param device {@code st_dev}
 * @param mode the full {@code st_mode}, type bits included
 * @param uid {@code st_uid}
 * @param gid {@code st_gid}
 * @param linkCount {@code st_nlink}
 * @param target a symbolic link's target bytes; null for every other type
 */
public record Entry(byte[] path, EntryType type, long size, long mtimeSec, int mtimeNsec, long ctimeSec,
                    int ctimeNsec, long inode, long device, int mode, long uid, long gid, long linkCount,
                    byte[] target) {

    /**
     * Validates.
     *
     * @param path the path relative to the scan root, raw bytes with {@code '/'} between components; empty for the root itself. Linux names are bytes, not text: these are never decoded.
     * @param type the entry type
     * @param size {@code st_size}
     * @param mtimeSec {@code st_mtim.tv_sec}
     * @param mtimeNsec {@code st_mtim.tv_nsec}
     * @param ctimeSec {@code st_ctim.tv_sec}
     * @param ctimeNsec {@code st_ctim.tv_nsec}
     * @param inode {@code st_ino}
     * @param device {@code st_dev}
     * @param mode the full {@code st_mode}, type bits included
     * @param uid {@code st_uid}
     * @param gid {@code st_gid}
     * @param linkCount {@code st_nlink}
     * @param target a symbolic link's target bytes; null for every other type
     * @throws NullPointerException when the path or type is null
     * @throws IllegalArgumentException when a nanosecond field is out of range
     */
    public Entry {
        if (path == null || type == null) {
            throw new NullPointerException("path and type are required");
        }
        if (mtimeNsec < 0 || mtimeNsec > 999_999_999 || ctimeNsec < 0 || ctimeNsec > 999_999_999) {
            throw new IllegalArgumentException("nanoseconds out of range for " + Paths.display(path));
        }
    }

    /** @return a copy of the path bytes */
    @Override
    public byte[] path() {
        return path.clone();
    }

    /** @return a copy of the link target bytes, or null when this is not a symbolic link */
    @Override
    public byte[] target() {
        return target == null ? null : target.clone();
    }

    /**
     * The path for display: UTF-8 with invalid bytes replaced, {@code .} for the root. Never use it
     * to reach the file again: names that are not UTF-8 do not survive it.
     *
     * @return the display path
     */
    public String displayPath() {
        return Paths.display(path);
    }

    /** @return the modification time */
    public Instant mtime() {
        return Instant.ofEpochSecond(mtimeSec, mtimeNsec);
    }

    /** @return the status change time */
    public Instant ctime() {
        return Instant.ofEpochSecond(ctimeSec, ctimeNsec);
    }

    /** @return the permission bits of the mode ({@code 07777}) */
    public int permissions() {
        return mode & 07777;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(path, e.path) && type == e.type && size == e.size
                && mtimeSec == e.mtimeSec && mtimeNsec == e.mtimeNsec && ctimeSec == e.ctimeSec
                && ctimeNsec == e.ctimeNsec && inode == e.inode && device == e.device && mode == e.mode
                && uid == e.uid && gid == e.gid && linkCount == e.linkCount && Arrays.equals(target, e.target);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(path) * 31 + Long.hashCode(inode);
    }

    @Override
    public String toString() {
        return "Entry[" + displayPath() + " " + type.label() + " size=" + size + " mode=" + Integer.toOctalString(mode)
                + " ino=" + inode + " dev=" + device + " nlink=" + linkCount + " uid=" + uid + " gid=" + gid
                + " mtime=" + mtimeSec + "." + mtimeNsec + " ctime=" + ctimeSec + "." + ctimeNsec
                + (target == null ? "" : " -> " + Paths.display(target)) + "]";
    }
}
