/*
 * nfs-like-nas: a read-only FUSE passthrough that behaves like an NFS client talking to a server
 * over a slow link. Written against the libfuse 3 low-level API, so that every kind of request
 * reaches it as itself and is counted apart (the high-level API turns LOOKUP and GETATTR alike
 * into getattr). The Java fixture dev.fsnap.testdata.fuse.NfsLikeNas compiles and runs it.
 *
 *   cc -O2 -Wall -o nfs-like-nas nfs-like-nas.c $(pkg-config --cflags --libs fuse3) -lpthread
 *   ./nfs-like-nas [OPTIONS] SOURCE MOUNTPOINT    # stays in the foreground; SIGTERM or Ctrl-C unmounts
 *
 * Options (a bad one ends it with a message and exit status 2):
 *   --latency-us N            every round trip first waits N microseconds (default 0)
 *   --readdirplus on|off      on (default): every listing is READDIRPLUS, each entry carrying its
 *                             attributes, as NFSv3 READDIRPLUS does; off: plain READDIR, names only
 *   --attr-timeout SECONDS    how long the kernel may trust attributes it was given (default 0)
 *   --entry-timeout SECONDS   how long it may trust a name it looked up (default 0); together they
 *                             play actimeo: --entry-timeout 600 --attr-timeout 0 is a client whose
 *                             names stay valid while their attributes expire at once
 *   --parallel-dirops on|off  on (default): lookups and listings in one directory run side by side,
 *                             as on a Linux NFS client; off: the kernel serializes them
 *   --default-permissions on|off
 *                             on (default): the kernel checks modes itself, from the attributes it
 *                             holds, so with --attr-timeout 0 it asks GETATTR of a directory for
 *                             every name looked up in it; off: it leaves permissions to the server
 *   --counters FILE           create FILE and count requests in it (layout below)
 *   --hang PATH               (repeatable) PATH relative to SOURCE, '/'-separated: its LOOKUP, and
 *                             every request on it or below it, blocks until SIGUSR1 (a dead server
 *                             for that name). A blocked request gives up when the kernel interrupts
 *                             it (its caller was killed), as a hard NFS mount lets SIGKILL through
 *   --exit-on-stdin-eof       unmount and exit when standard input ends (the parent died)
 *   --debug                   libfuse's log of every request, on standard error
 *
 * Mounted ro,allow_other (root, or user_allow_other in /etc/fuse.conf), fsname nfs-like-nas, type
 * fuse.nfslikenas. Links are never followed; opening for writing fails with EROFS.
 *
 * A round trip (the latency) is what an NFSv3 client sends the server an RPC for: LOOKUP, GETATTR,
 * READDIR, READDIRPLUS, OPEN (close-to-open's GETATTR), READ, READLINK, STATFS (FSSTAT), GETXATTR
 * and LISTXATTR (NFSv4.2). Free: INIT, FORGET (the client dropping an inode), OPENDIR, RELEASEDIR,
 * RELEASE (a server keeps no state for them), and the empty READDIR(PLUS) the kernel sends after the
 * last entry: an NFS reply says "eof", FUSE has no such flag and the kernel asks once more; it is
 * answered at once, and counted in DIR_EOF as well.
 *
 * Counters file: 64-bit unsigned words in host byte order (little-endian on x86-64 and arm64), 8
 * bytes each, in this fixed order, updated with atomic adds while the daemon runs:
 *    0 MAGIC         0x53414E4B4C53464E (the bytes "NFSLKNAS" on little-endian), written last
 *    1 VERSION       1
 *    2 WORDS         the number of words in the file (28)
 *    3 INIT          1 once the kernel connected
 *    4 LOOKUP        5 GETATTR     6 GETATTR_DIR (the GETATTRs of directories, a part of GETATTR)
 *    7 READDIR       8 READDIRPLUS 9 DIR_EOF (closing READDIR(PLUS)s answered without a round trip)
 *   10 OPENDIR      11 RELEASEDIR 12 OPEN       13 READ       14 RELEASE    15 READLINK
 *   16 GETXATTR     17 LISTXATTR  18 STATFS
 *   19 FORGET        inodes forgotten: one per FORGET request, one per entry of a BATCH_FORGET
 *   20 HUNG          requests that began to block on a hung path
 *   21 BLOCKED       requests blocked on a hung path right now (a gauge)
 *   22 INTERRUPTED   blocked requests that gave up because the kernel interrupted them
 *   23 INODES        inodes the kernel holds references to, the root aside (a gauge)
 *   24 CAPABLE       the kernel's FUSE_CAP_* flags at INIT (libfuse's numbering)
 *   25 WANT          the FUSE_CAP_* flags in effect after INIT
 *   26 IN_FLIGHT     requests being served right now, most of it their round trip or hang (a gauge)
 *   27 IN_FLIGHT_MAX the most there ever were at once
 *
 * FUSE_USE_VERSION is 3.12, not 3.5: below 3.12 the loop's configuration has no max_threads, and
 * libfuse 3.12+ then serves at most 10 requests at once, not a client's hundreds in flight.
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse_lowlevel.h>
#include <limits.h>
#include <linux/fuse.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

enum {
    C_MAGIC, C_VERSION, C_WORDS, C_INIT, C_LOOKUP, C_GETATTR, C_GETATTR_DIR, C_READDIR, C_READDIRPLUS,
    C_DIR_EOF, C_OPENDIR, C_RELEASEDIR, C_OPEN, C_READ, C_RELEASE, C_READLINK, C_GETXATTR, C_LISTXATTR,
    C_STATFS, C_FORGET, C_HUNG, C_BLOCKED, C_INTERRUPTED, C_INODES, C_CAPABLE, C_WANT, C_IN_FLIGHT,
    C_IN_FLIGHT_MAX, C_COUNT
};
#define MAGIC 0x53414E4B4C53464EULL
#define MAX_HANGS 64

static uint64_t memory_counters[C_COUNT], *counters = memory_counters;

static uint64_t add(int c, int64_t n) {
    return __atomic_add_fetch(&counters[c], (uint64_t) n, __ATOMIC_RELAXED);
}

static struct timespec latency;
static double attr_timeout, entry_timeout;
static int readdirplus = 1, parallel_dirops = 1, default_permissions = 1, exit_on_stdin_eof, debug;
static const char *hangs[MAX_HANGS];
static int hang_count;
static volatile sig_atomic_t released; /* set by SIGUSR1: hung paths answer from then on */
static struct fuse_session *session;

/* ---- the inode table: one entry per (st_dev, st_ino) of the source that the kernel holds ---- */

struct inode {
    struct inode *next; /* hash chain */
    dev_t dev;
    ino_t ino;
    int fd;             /* the root's O_PATH descriptor; -1 for the others (see open_path) */
    uint64_t nlookup;   /* the kernel's references: lookups and readdirplus entries, minus forgets */
    char *path;         /* relative to the source, the first name it was found by; "" for the root */
};

static struct inode root;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct inode **table;
static size_t table_size, table_count;

static size_t slot(dev_t dev, ino_t ino, size_t size) {
    uint64_t h = ((uint64_t) ino * 0x9E3779B97F4A7C15ULL) ^ (uint64_t) dev;
    return (size_t) (h ^ (h >> 29)) & (size - 1);
}

static struct inode *inode_of(fuse_ino_t ino) {
    return ino == FUSE_ROOT_ID ? &root : (struct inode *) (uintptr_t) ino;
}

/* With the lock held: doubles the table when full, then links the inode in. */
static void insert(struct inode *in) {
    struct inode **t;
    if (table_count >= table_size && (t = calloc(table_size * 2, sizeof *t)) != NULL) {
        for (size_t s = 0; s < table_size; s++) {
            for (struct inode *i = table[s], *next; i != NULL; i = next) {
                next = i->next;
                i->next = t[slot(i->dev, i->ino, table_size * 2)];
                t[slot(i->dev, i->ino, table_size * 2)] = i;
            }
        }
        free(table);
        table = t;
        table_size *= 2;
    }
    t = &table[slot(in->dev, in->ino, table_size)];
    in->next = *t;
    *t = in;
    table_count++;
    add(C_INODES, 1);
}

/* Drops n of the kernel's references; the last one frees the inode. */
static void unref(fuse_ino_t ino, uint64_t n) {
    struct inode *in = inode_of(ino);
    if (in == &root) return;
    pthread_mutex_lock(&table_lock);
    in->nlookup = in->nlookup > n ? in->nlookup - n : 0;
    if (in->nlookup == 0) {
        struct inode **p = &table[slot(in->dev, in->ino, table_size)];
        while (*p != in) p = &(*p)->next;
        *p = in->next;
        table_count--;
        add(C_INODES, -1);
        free(in->path);
        free(in);
    }
    pthread_mutex_unlock(&table_lock);
}

/* An O_PATH, O_NOFOLLOW descriptor of an inode (a link is the link itself), opened by its path:
 * the daemon keeps none per inode, a tree of 100,000 names would need as many. Give it back with
 * close_path. */
static int open_path(const struct inode *in) {
    return in->fd >= 0 ? in->fd : openat(root.fd, in->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

static void close_path(const struct inode *in, int fd) {
    if (fd >= 0 && fd != in->fd) close(fd);
}

/* The child's path relative to the source, into buf (PATH_MAX bytes). */
static void child_path(const struct inode *parent, const char *name, char *buf) {
    snprintf(buf, PATH_MAX, "%s%s%s", parent->path, parent->path[0] ? "/" : "", name);
}

/* Looks a name up in the source and takes a reference for the kernel: what a LOOKUP answers, and
 * what each READDIRPLUS entry carries. Returns 0 or an errno. */
static int do_lookup(struct inode *parent, const char *name, struct fuse_entry_param *e) {
    memset(e, 0, sizeof *e);
    int at = open_path(parent), err = 0;
    if (at < 0) return errno;
    if (fstatat(at, name, &e->attr, AT_SYMLINK_NOFOLLOW) < 0) {
        err = errno;
        close_path(parent, at);
        return err;
    }
    close_path(parent, at);
    pthread_mutex_lock(&table_lock);
    struct inode *in = table[slot(e->attr.st_dev, e->attr.st_ino, table_size)];
    while (in != NULL && (in->dev != e->attr.st_dev || in->ino != e->attr.st_ino)) in = in->next;
    if (in != NULL) {
        in->nlookup++;
    } else {
        char path[PATH_MAX], *copy;
        child_path(parent, name, path);
        if ((copy = strdup(path)) != NULL && (in = malloc(sizeof *in)) != NULL) {
            *in = (struct inode) {.dev = e->attr.st_dev, .ino = e->attr.st_ino, .fd = -1, .nlookup = 1, .path = copy};
            insert(in);
        } else {
            free(copy);
            err = ENOMEM;
        }
    }
    pthread_mutex_unlock(&table_lock);
    e->ino = (uintptr_t) in;
    e->attr_timeout = attr_timeout;
    e->entry_timeout = entry_timeout;
    return err;
}

/* ---- the link: latency and hangs ---- */

static void sleep_for(time_t sec, long nsec) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    t.tv_sec += sec + (t.tv_nsec + nsec) / 1000000000L;
    t.tv_nsec = (t.tv_nsec + nsec) % 1000000000L;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {
    }
}

/* Whether path (relative to the source) is a hung path or below one, and not yet released. */
static int is_hung(const char *path) {
    for (int i = 0; i < hang_count && !released; i++) {
        size_t n = strlen(hangs[i]);
        if (strncmp(path, hangs[i], n) == 0 && (path[n] == '\0' || path[n] == '/')) return 1;
    }
    return 0;
}

/* What every request does first: count itself, wait the round trip when it is one, and wait out a
 * hang on its path, giving up (EINTR) when the kernel interrupts it. Returns 0 or the error. */
static int serve(fuse_req_t req, int counter, int is_round_trip, const char *path) {
    int err = 0;
    add(counter, 1);
    uint64_t now = add(C_IN_FLIGHT, 1), max = __atomic_load_n(&counters[C_IN_FLIGHT_MAX], __ATOMIC_RELAXED);
    while (now > max && !__atomic_compare_exchange_n(&counters[C_IN_FLIGHT_MAX], &max, now, 0, __ATOMIC_RELAXED,
                                                     __ATOMIC_RELAXED)) {
    }
    if (is_round_trip && (latency.tv_sec > 0 || latency.tv_nsec > 0)) sleep_for(latency.tv_sec, latency.tv_nsec);
    if (is_hung(path)) {
        add(C_HUNG, 1);
        add(C_BLOCKED, 1);
        while (is_hung(path) && !fuse_session_exited(session)) {
            if (fuse_req_interrupted(req)) {
                add(C_INTERRUPTED, 1);
                err = EINTR;
                break;
            }
            sleep_for(0, 20 * 1000000L);
        }
        add(C_BLOCKED, -1);
    }
    add(C_IN_FLIGHT, -1);
    return err;
}

/* ---- the operations ---- */

/* libfuse before 3.17 never passes FUSE_CAP_PARALLEL_DIROPS on to the kernel (its INIT reply lacks
 * FUSE_PARALLEL_DIROPS whatever the filesystem wants), and the kernel then serializes lookups and
 * listings in each directory. The reply leaves through this writev, which adds the flag when asked. */
static __thread int parallel_dirops_reply;

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata) {
    (void) userdata;
    if (parallel_dirops_reply && count >= 2 && iov[0].iov_len == sizeof(struct fuse_out_header)
        && iov[1].iov_len >= offsetof(struct fuse_init_out, flags) + sizeof(uint32_t)) {
        ((struct fuse_init_out *) iov[1].iov_base)->flags |= FUSE_PARALLEL_DIROPS;
    }
    parallel_dirops_reply = 0;
    return writev(fd, iov, count);
}

static ssize_t io_read(int fd, void *buf, size_t size, void *userdata) {
    (void) userdata;
    return read(fd, buf, size);
}

static void nas_init(void *userdata, struct fuse_conn_info *conn) {
    (void) userdata;
    conn->want &= ~(FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_PARALLEL_DIROPS);
    if (readdirplus && (conn->capable & FUSE_CAP_READDIRPLUS)) {
        conn->want |= FUSE_CAP_READDIRPLUS; /* without _AUTO: every listing is a READDIRPLUS */
    } else if (readdirplus) {
        fprintf(stderr, "nfs-like-nas: this kernel has no READDIRPLUS; listings are READDIR\n");
    }
    if (parallel_dirops && (conn->capable & FUSE_CAP_PARALLEL_DIROPS)) {
        conn->want |= FUSE_CAP_PARALLEL_DIROPS;
        parallel_dirops_reply = 1; /* libfuse sends the INIT reply from this thread, next */
    }
    counters[C_CAPABLE] = conn->capable;
    counters[C_WANT] = conn->want;
    add(C_INIT, 1);
}

static void nas_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
    struct inode *dir = inode_of(parent);
    struct fuse_entry_param e;
    char path[PATH_MAX];
    child_path(dir, name, path);
    int err = serve(req, C_LOOKUP, 1, path);
    if (err == 0) err = do_lookup(dir, name, &e);
    if (err != 0) {
        fuse_reply_err(req, err); /* no negative entry: a missing name is asked for again */
    } else if (fuse_reply_entry(req, &e) != 0) {
        unref(e.ino, 1); /* the reply was refused: the kernel took no reference */
    }
}

static void nas_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    add(C_FORGET, 1);
    unref(ino, nlookup);
    fuse_reply_none(req);
}

static void nas_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
    add(C_FORGET, (int64_t) count);
    for (size_t i = 0; i < count; i++) unref(forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

static void nas_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void) fi;
    struct inode *in = inode_of(ino);
    struct stat st;
    int err = serve(req, C_GETATTR, 1, in->path), fd = err ? -1 : open_path(in);
    if (err == 0 && (fd < 0 || fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)) err = errno;
    close_path(in, fd);
    if (err != 0) {
        fuse_reply_err(req, err);
        return;
    }
    if (S_ISDIR(st.st_mode)) add(C_GETATTR_DIR, 1);
    fuse_reply_attr(req, &st, attr_timeout);
}

static void nas_readlink(fuse_req_t req, fuse_ino_t ino) {
    struct inode *in = inode_of(ino);
    char buf[PATH_MAX + 1];
    int err = serve(req, C_READLINK, 1, in->path), fd = err ? -1 : open_path(in);
    ssize_t n = err || fd < 0 ? -1 : readlinkat(fd, "", buf, sizeof buf);
    if (err == 0 && n < 0) err = errno;
    close_path(in, fd);
    if (err == 0 && n == (ssize_t) sizeof buf) err = ENAMETOOLONG;
    if (err != 0) {
        fuse_reply_err(req, err);
        return;
    }
    buf[n] = '\0';
    fuse_reply_readlink(req, buf);
}

/* An open directory: its stream, the entry read but not sent yet, and whether the end was reached. */
struct dir {
    DIR *dp;
    struct dirent *entry;
    off_t offset;
    int eof;
};

static void nas_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    struct inode *in = inode_of(ino);
    int err = serve(req, C_OPENDIR, 0, in->path), fd = -1, at = -1;
    struct dir *d = err ? NULL : calloc(1, sizeof *d);
    if (err == 0 && d == NULL) err = ENOMEM;
    if (err == 0 && ((at = open_path(in)) < 0 || (fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
                     || (d->dp = fdopendir(fd)) == NULL)) {
        err = errno;
        if (fd >= 0) close(fd);
    }
    close_path(in, at);
    if (err != 0) {
        free(d);
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = (uintptr_t) d;
    fuse_reply_open(req, fi);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, struct fuse_file_info *fi,
                       int plus) {
    struct inode *dir = inode_of(ino);
    struct dir *d = (struct dir *) (uintptr_t) fi->fh;
    int at_eof = d->eof && offset == d->offset;
    if (at_eof) add(C_DIR_EOF, 1);
    int err = serve(req, plus ? C_READDIRPLUS : C_READDIR, !at_eof, dir->path);
    char *buf = err ? NULL : malloc(size), *p = buf;
    size_t rem = size;
    if (err == 0 && buf == NULL) err = ENOMEM;
    if (err != 0) {
        fuse_reply_err(req, err);
        return;
    }
    if (offset != d->offset) {
        seekdir(d->dp, offset);
        *d = (struct dir) {.dp = d->dp, .offset = offset};
    }
    for (;;) {
        if (d->entry == NULL) {
            errno = 0;
            if ((d->entry = readdir(d->dp)) == NULL) {
                err = errno;
                d->eof = err == 0;
                break;
            }
        }
        const char *name = d->entry->d_name;
        int dots = name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
        struct fuse_entry_param e = {.attr = {.st_ino = d->entry->d_ino, .st_mode = DTTOIF(d->entry->d_type)}};
        size_t n;
        if (plus) {
            /* Each entry but "." and ".." is looked up, and the kernel takes a reference to it that
             * it will forget, as for a LOOKUP. A hung entry goes without attributes (nodeid 0): the
             * kernel makes no dentry of it, so its stat is a LOOKUP, and hangs. */
            char path[PATH_MAX];
            child_path(dir, name, path);
            if (!dots && !is_hung(path)) {
                struct fuse_entry_param looked;
                if ((err = do_lookup(dir, name, &looked)) == 0) {
                    e = looked;
                } else if (err == ENOENT) {
                    err = 0; /* gone since it was listed: it goes without attributes */
                } else {
                    break;
                }
            }
            n = fuse_add_direntry_plus(req, p, rem, name, &e, d->entry->d_off);
        } else {
            n = fuse_add_direntry(req, p, rem, name, &e.attr, d->entry->d_off);
        }
        if (n > rem) {
            if (e.ino != 0) unref(e.ino, 1); /* not sent: the kernel took no reference */
            break;
        }
        p += n;
        rem -= n;
        d->offset = d->entry->d_off;
        d->entry = NULL;
    }
    /* After an error, the entries already in the buffer still go: the kernel holds their references. */
    if (err != 0 && rem == size) {
        fuse_reply_err(req, err);
    } else {
        fuse_reply_buf(req, buf, size - rem);
    }
    free(buf);
}

static void nas_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    do_readdir(req, ino, size, off, fi, 0);
}

static void nas_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    do_readdir(req, ino, size, off, fi, 1);
}

static void nas_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void) ino;
    add(C_RELEASEDIR, 1);
    closedir(((struct dir *) (uintptr_t) fi->fh)->dp);
    free((struct dir *) (uintptr_t) fi->fh);
    fuse_reply_err(req, 0);
}

static void nas_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    struct inode *in = inode_of(ino);
    char proc[64];
    int err = serve(req, C_OPEN, 1, in->path), fd = -1, at = -1;
    if (err == 0 && (fi->flags & O_ACCMODE) != O_RDONLY) err = EROFS;
    if (err == 0 && (at = open_path(in)) < 0) err = errno;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", at);
    if (err == 0 && (fd = open(proc, O_RDONLY | O_CLOEXEC)) < 0) err = errno;
    close_path(in, at);
    if (err != 0) {
        fuse_reply_err(req, err);
        return;
    }
    fi->fh = (uint64_t) fd;
    if (fuse_reply_open(req, fi) != 0) close(fd);
}

static void nas_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t offset, struct fuse_file_info *fi) {
    int err = serve(req, C_READ, 1, inode_of(ino)->path);
    char *buf = err ? NULL : malloc(size);
    ssize_t n = -1;
    if (err == 0 && buf == NULL) err = ENOMEM;
    if (err == 0 && (n = pread((int) fi->fh, buf, size, offset)) < 0) err = errno;
    if (err != 0) {
        fuse_reply_err(req, err);
    } else {
        fuse_reply_buf(req, buf, (size_t) n);
    }
    free(buf);
}

static void nas_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void) ino;
    add(C_RELEASE, 1);
    close((int) fi->fh);
    fuse_reply_err(req, 0);
}

static void nas_statfs(fuse_req_t req, fuse_ino_t ino) {
    struct statvfs sv;
    int err = serve(req, C_STATFS, 1, inode_of(ino)->path);
    if (err == 0 && fstatvfs(root.fd, &sv) < 0) err = errno;
    if (err != 0) {
        fuse_reply_err(req, err);
    } else {
        fuse_reply_statfs(req, &sv);
    }
}

/* Extended attributes, the source's own: through /proc/self/fd, the O_PATH descriptor's own file
 * (a link's, not its target's). A NULL name lists them. */
static void do_xattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
    struct inode *in = inode_of(ino);
    int err = serve(req, name ? C_GETXATTR : C_LISTXATTR, 1, in->path);
    char proc[64], *value = NULL;
    ssize_t n = -1;
    int at = err ? -1 : open_path(in);
    if (err == 0 && at < 0) err = errno;
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", at);
    if (err == 0 && size > 0 && (value = malloc(size)) == NULL) err = ENOMEM;
    if (err == 0 && (n = name ? getxattr(proc, name, value, size) : listxattr(proc, value, size)) < 0) err = errno;
    close_path(in, at);
    if (err != 0) {
        fuse_reply_err(req, err);
    } else if (size == 0) {
        fuse_reply_xattr(req, (size_t) n);
    } else {
        fuse_reply_buf(req, value, (size_t) n);
    }
    free(value);
}

static void nas_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
    do_xattr(req, ino, name, size);
}

static void nas_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    do_xattr(req, ino, NULL, size);
}

static const struct fuse_lowlevel_ops operations = {
    .init = nas_init, .lookup = nas_lookup, .forget = nas_forget, .forget_multi = nas_forget_multi,
    .getattr = nas_getattr, .readlink = nas_readlink, .opendir = nas_opendir, .readdir = nas_readdir,
    .readdirplus = nas_readdirplus, .releasedir = nas_releasedir, .open = nas_open, .read = nas_read,
    .release = nas_release, .statfs = nas_statfs, .getxattr = nas_getxattr, .listxattr = nas_listxattr,
};

/* ---- the command line ---- */

static void on_release(int sig) {
    (void) sig;
    released = 1;
}

static void *watch_stdin(void *arg) {
    char buf[256];
    ssize_t n;
    (void) arg;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    }
    kill(getpid(), SIGTERM); /* libfuse's handler ends the loop, then main unmounts */
    return NULL;
}

static const char usage[] =
    "usage: nfs-like-nas [--latency-us N] [--readdirplus on|off] [--attr-timeout SECONDS]\n"
    "         [--entry-timeout SECONDS] [--parallel-dirops on|off] [--default-permissions on|off]\n"
    "         [--counters FILE] [--hang PATH]... [--exit-on-stdin-eof] [--debug] SOURCE MOUNTPOINT\n";

_Noreturn static void bad(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("nfs-like-nas: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n%s", usage);
    exit(2);
}

static int on_off(const char *opt, const char *v) {
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) bad("%s takes on or off, not '%s'", opt, v);
    return strcmp(v, "on") == 0;
}

static double seconds(const char *opt, const char *v) {
    char *end;
    errno = 0;
    double s = strtod(v, &end);
    if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(s) || s < 0) {
        bad("%s takes seconds, 0 or more, not '%s'", opt, v);
    }
    return s;
}

/* A hung path: relative, '/'-separated, with no empty, "." or ".." part. */
static const char *hang_path(const char *v) {
    for (const char *part = v;; part += strcspn(part, "/") + 1) {
        size_t n = strcspn(part, "/");
        if (n == 0 || (n == 1 && part[0] == '.') || (n == 2 && part[0] == '.' && part[1] == '.')) {
            bad("--hang takes a path relative to the source, like a/b, not '%s'", v);
        }
        if (part[n] == '\0') return v;
    }
}

int main(int argc, char *argv[]) {
    /* An inode the kernel holds (every name of a tree, while entries stay valid) is an O_PATH
     * descriptor here: the soft limit of 1024 is far too few for a tree of 100,000 entries. */
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    const char *positional[2], *counters_file = NULL;
    int npositional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--exit-on-stdin-eof") == 0) {
            exit_on_stdin_eof = 1;
        } else if (strcmp(a, "--debug") == 0) {
            debug = 1;
        } else if (strncmp(a, "-", 1) != 0) {
            if (npositional == 2) bad("one SOURCE and one MOUNTPOINT: '%s' is a third", a);
            positional[npositional++] = a;
        } else if (v == NULL) {
            bad("%s needs a value", a);
        } else if (++i, strcmp(a, "--latency-us") == 0) { /* from here on, options take the next argument */
            char *end;
            errno = 0;
            long long us = strtoll(v, &end, 10);
            if (*v == '\0' || *end != '\0' || errno != 0 || us < 0 || us > 3600LL * 1000000) {
                bad("--latency-us takes whole microseconds, 0 to an hour, not '%s'", v);
            }
            latency = (struct timespec) {.tv_sec = (time_t) (us / 1000000), .tv_nsec = (long) (us % 1000000) * 1000};
        } else if (strcmp(a, "--readdirplus") == 0) {
            readdirplus = on_off(a, v);
        } else if (strcmp(a, "--parallel-dirops") == 0) {
            parallel_dirops = on_off(a, v);
        } else if (strcmp(a, "--default-permissions") == 0) {
            default_permissions = on_off(a, v);
        } else if (strcmp(a, "--attr-timeout") == 0) {
            attr_timeout = seconds(a, v);
        } else if (strcmp(a, "--entry-timeout") == 0) {
            entry_timeout = seconds(a, v);
        } else if (strcmp(a, "--counters") == 0) {
            counters_file = v;
        } else if (strcmp(a, "--hang") == 0) {
            if (hang_count == MAX_HANGS) bad("at most 64 --hang paths: '%s' is one too many", v);
            hangs[hang_count++] = hang_path(v);
        } else {
            bad("unknown option %s", a);
        }
    }
    if (npositional < 2) bad("%s", npositional == 0 ? "SOURCE and MOUNTPOINT are missing" : "MOUNTPOINT is missing");

    struct stat st;
    if ((root.fd = open(positional[0], O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || fstat(root.fd, &st) < 0) {
        fprintf(stderr, "nfs-like-nas: SOURCE %s: %s\n%s", positional[0], strerror(errno), usage);
        return 2;
    }
    root = (struct inode) {.dev = st.st_dev, .ino = st.st_ino, .fd = root.fd, .path = ""};
    int err = stat(positional[1], &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (err != 0) {
        fprintf(stderr, "nfs-like-nas: MOUNTPOINT %s: %s\n%s", positional[1], strerror(err), usage);
        return 2;
    }
    table = calloc(table_size = 1024, sizeof *table);
    if (counters_file != NULL) {
        int fd = open(counters_file, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        void *m = MAP_FAILED;
        if (fd < 0 || ftruncate(fd, sizeof memory_counters) < 0
            || (m = mmap(NULL, sizeof memory_counters, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
            fprintf(stderr, "nfs-like-nas: --counters %s: %s\n", counters_file, strerror(errno));
            return 2;
        }
        close(fd);
        counters = m;
    }
    counters[C_VERSION] = 1;
    counters[C_WORDS] = C_COUNT;
    __atomic_store_n(&counters[C_MAGIC], MAGIC, __ATOMIC_RELEASE);

    struct sigaction sa = {.sa_handler = on_release, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
    if (fuse_opt_add_arg(&args, argv[0]) != 0
        || fuse_opt_add_arg(&args, "-oro,allow_other,fsname=nfs-like-nas,subtype=nfslikenas") != 0
        || (default_permissions && fuse_opt_add_arg(&args, "-odefault_permissions") != 0)
        || (debug && fuse_opt_add_arg(&args, "-d") != 0)
        || (session = fuse_session_new(&args, &operations, sizeof operations, NULL)) == NULL) {
        return 1;
    }
    int ret = 1;
    if (fuse_set_signal_handlers(session) == 0 && fuse_session_mount(session, positional[1]) == 0) {
        static const struct fuse_custom_io io = {.writev = io_writev, .read = io_read};
        if (fuse_session_custom_io(session, &io, fuse_session_fd(session)) == 0) {
            if (exit_on_stdin_eof) {
                /* The watcher runs with every signal blocked, so that its SIGTERM goes to a thread of
                 * the loop, whose waiting it interrupts. */
                sigset_t all, old;
                pthread_t t;
                sigfillset(&all);
                pthread_sigmask(SIG_SETMASK, &all, &old);
                pthread_create(&t, NULL, watch_stdin, NULL);
                pthread_sigmask(SIG_SETMASK, &old, NULL);
            }
            /* A thread per request in flight, and kept: a client with hundreds of RPCs outstanding. */
            struct fuse_loop_config *config = fuse_loop_cfg_create();
            fuse_loop_cfg_set_max_threads(config, 1024);
            fuse_loop_cfg_set_idle_threads(config, 1024);
            ret = fuse_session_loop_mt(session, config) < 0;
            fuse_loop_cfg_destroy(config);
        }
        fuse_session_unmount(session);
    }
    fuse_remove_signal_handlers(session);
    fuse_session_destroy(session);
    fuse_opt_free_args(&args);
    return ret;
}
