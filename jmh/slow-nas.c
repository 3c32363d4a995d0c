/*
 * slow-nas: a read-only FUSE passthrough that adds a fixed latency to every operation, with the
 * kernel's attribute and entry caches off: a cold NFS client's view of a server LATENCY away.
 *
 * The Java fixture (dev.fsnap.testdata.fuse.SlowNas) plays the same part in tests, but its daemon
 * tops out at a few thousand operations a second; this one is for measuring scans against the C
 * floor, where the daemon must not be the bottleneck. It is written for FUSE 3 because libfuse 2
 * keeps at most 10 idle threads: with 64 requests in flight, each sleeping the latency, it started
 * and ended threads for most requests and spent more CPU on that than on serving them.
 *
 *   cc -O2 -Wall slow-nas.c -o slow-nas $(pkg-config --cflags --libs fuse3)   # libfuse3-dev
 *   ./slow-nas SOURCE MOUNTPOINT LATENCY_MICROSECONDS        # stays in the foreground
 *   fusermount -u MOUNTPOINT                                 # or umount -l, or Ctrl-C
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse3/fuse.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

static int source_fd;
static struct timespec latency;

/* Every operation first waits the latency: the round trip to the server. */
static void round_trip(void) {
    struct timespec left = latency;
    while (nanosleep(&left, &left) == -1 && errno == EINTR) {
    }
}

/* FUSE paths start with '/'; relative to the source directory, "/" is ".". */
static const char *rel(const char *path) {
    return path[1] == '\0' ? "." : path + 1;
}

static void *nas_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void) conn;
    cfg->use_ino = 1;
    cfg->readdir_ino = 1;
    cfg->attr_timeout = 0; /* nothing cached: every stat is a round trip, as on a cold client */
    cfg->entry_timeout = 0;
    cfg->negative_timeout = 0;
    return NULL;
}

static int nas_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void) fi;
    round_trip();
    return fstatat(source_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int nas_readlink(const char *path, char *buf, size_t size) {
    round_trip();
    ssize_t n = readlinkat(source_fd, rel(path), buf, size - 1);
    if (n < 0) {
        return -errno;
    }
    buf[n] = '\0';
    return 0;
}

static int nas_opendir(const char *path, struct fuse_file_info *fi) {
    round_trip();
    int fd = openat(source_fd, rel(path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        int e = errno;
        close(fd);
        return -e;
    }
    fi->fh = (uint64_t) (uintptr_t) d;
    return 0;
}

static int nas_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
                       enum fuse_readdir_flags flags) {
    (void) path;
    (void) flags;
    round_trip();
    DIR *d = (DIR *) (uintptr_t) fi->fh;
    if (offset == 0) {
        rewinddir(d);
    } else {
        seekdir(d, offset);
    }
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        memset(&st, 0, sizeof st);
        st.st_ino = e->d_ino;
        st.st_mode = (mode_t) DTTOIF(e->d_type);
        if (fill(buf, e->d_name, &st, telldir(d), 0)) {
            return 0; /* the kernel's buffer is full: it asks again from this offset */
        }
    }
    return errno ? -errno : 0;
}

static int nas_releasedir(const char *path, struct fuse_file_info *fi) {
    (void) path;
    round_trip();
    closedir((DIR *) (uintptr_t) fi->fh);
    return 0;
}

static int nas_open(const char *path, struct fuse_file_info *fi) {
    round_trip();
    if ((fi->flags & O_ACCMODE) != O_RDONLY) {
        return -EROFS;
    }
    int fd = openat(source_fd, rel(path), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    fi->fh = (uint64_t) fd;
    return 0;
}

static int nas_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi) {
    (void) path;
    round_trip();
    ssize_t n = pread((int) fi->fh, buf, size, offset);
    return n < 0 ? -errno : (int) n;
}

static int nas_release(const char *path, struct fuse_file_info *fi) {
    (void) path;
    close((int) fi->fh);
    return 0;
}

/* Extended attributes, a round trip each as on NFSv4.2 (LISTXATTRS, GETXATTR): the source's own, links not followed. */
static int nas_listxattr(const char *path, char *list, size_t size) {
    round_trip();
    char p[PATH_MAX];
    snprintf(p, sizeof p, "/proc/self/fd/%d/%s", source_fd, rel(path));
    ssize_t n = llistxattr(p, list, size);
    return n < 0 ? -errno : (int) n;
}

static int nas_getxattr(const char *path, const char *name, char *value, size_t size) {
    round_trip();
    char p[PATH_MAX];
    snprintf(p, sizeof p, "/proc/self/fd/%d/%s", source_fd, rel(path));
    ssize_t n = lgetxattr(p, name, value, size);
    return n < 0 ? -errno : (int) n;
}

static int nas_statfs(const char *path, struct statvfs *sv) {
    (void) path;
    round_trip();
    return fstatvfs(source_fd, sv) == 0 ? 0 : -errno;
}

static const struct fuse_operations operations = {
    .init = nas_init,
    .getattr = nas_getattr,
    .readlink = nas_readlink,
    .opendir = nas_opendir,
    .readdir = nas_readdir,
    .releasedir = nas_releasedir,
    .open = nas_open,
    .read = nas_read,
    .release = nas_release,
    .statfs = nas_statfs,
    .listxattr = nas_listxattr,
    .getxattr = nas_getxattr,
};

int main(int argc, char *argv[]) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s SOURCE MOUNTPOINT LATENCY_MICROSECONDS\n", argv[0]);
        return 2;
    }
    source_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (source_fd < 0) {
        perror(argv[1]);
        return 2;
    }
    char *end;
    long us = strtol(argv[3], &end, 10);
    if (*end != '\0' || us < 0) {
        fprintf(stderr, "%s: LATENCY_MICROSECONDS must be a whole number, not '%s'\n", argv[0], argv[3]);
        return 2;
    }
    latency.tv_sec = us / 1000000;
    latency.tv_nsec = (us % 1000000) * 1000;
    char *fuse_argv[] = {
        argv[0], argv[2], "-f",
        "-o", "ro,default_permissions,allow_other,fsname=slow-nas,subtype=slownas",
        "-o", "max_threads=1024,max_idle_threads=1024", /* one thread per request in flight, kept */
        NULL,
    };
    return fuse_main((int) (sizeof fuse_argv / sizeof fuse_argv[0]) - 1, fuse_argv, &operations, NULL);
}
