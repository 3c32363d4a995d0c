package dev.fsnap.testdata.fuse;

import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Timespec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real file's attributes as a FUSE filesystem that shows that file answers {@code getattr}. */
final class RealAttributes {
    private RealAttributes() {
    }

    /**
     * Fills a stat with the real file's attributes, its own if it is a link.
     *
     * @param real the file shown
     * @param stat what the kernel gets
     * @throws IOException when the file cannot be read (the caller says which errno that is)
     */
    static void fill(Path real, FileStat stat) throws IOException {
        Map<String, Object> a = Files.readAttributes(real,
                "unix:mode,ino,nlink,uid,gid,size,lastModifiedTime,ctime,lastAccessTime", LinkOption.NOFOLLOW_LINKS);
        stat.st_mode.set((Integer) a.get("mode"));
        stat.st_ino.set((Long) a.get("ino"));
        stat.st_nlink.set((Integer) a.get("nlink"));
        stat.st_uid.set((Integer) a.get("uid"));
        stat.st_gid.set((Integer) a.get("gid"));
        stat.st_size.set((Long) a.get("size"));
        time(stat.st_mtim, (FileTime) a.get("lastModifiedTime"));
        time(stat.st_ctim, (FileTime) a.get("ctime"));
        time(stat.st_atim, (FileTime) a.get("lastAccessTime"));
    }

    private static void time(Timespec t, FileTime ft) {
        long nanos = ft.to(TimeUnit.NANOSECONDS);
        t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
    }
}
