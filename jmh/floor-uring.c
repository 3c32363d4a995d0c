// floor-uring: the C reference scan with each directory's names stat'ed through io_uring
// (IORING_OP_STATX) instead of fstatat, DEPTH in flight per thread (default 64), raw system calls, no
// liburing: what io_uring can do for a scan before any JVM. SETUPFLAGS are io_uring_setup's (0x3000:
// SINGLE_ISSUER | DEFER_TASKRUN, as fsnap sets them); MAXWORKERS caps each ring's kernel workers.
// Usage: floor-uring ROOT [THREADS] [DEPTH] [SETUPFLAGS] [MAXWORKERS]
// Build: cc -O2 -pthread jmh/floor-uring.c -o /tmp/floor-uring
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
struct ld { unsigned long ino; long off; unsigned short reclen; unsigned char type; char name[]; };
static char **stack; static size_t sp, cap; static int busy; static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER; static long total; static long long bytes; static int depth = 64; static unsigned setupflags; static unsigned maxw;
static void push(char *p) { if (sp == cap) { cap = cap ? cap * 2 : 1024; stack = realloc(stack, cap * sizeof *stack); } stack[sp++] = p; }
static void *work(void *arg) {
  struct io_uring_params p; memset(&p, 0, sizeof p); p.flags = setupflags;
  int rfd = syscall(__NR_io_uring_setup, depth, &p); if (rfd < 0) { perror("setup"); exit(1); }
  size_t rsz = p.sq_off.array + p.sq_entries * 4; size_t csz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe); if (csz > rsz) rsz = csz;
  char *ring = mmap(0, rsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, rfd, 0);
  struct io_uring_sqe *sqes = mmap(0, p.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, rfd, IORING_OFF_SQES);
  unsigned *sqtail = (unsigned *)(ring + p.sq_off.tail), sqmask = *(unsigned *)(ring + p.sq_off.ring_mask), *arr = (unsigned *)(ring + p.sq_off.array);
  unsigned *cqhead = (unsigned *)(ring + p.cq_off.head), *cqtail = (unsigned *)(ring + p.cq_off.tail), cqmask = *(unsigned *)(ring + p.cq_off.ring_mask);
  struct io_uring_cqe *cqes = (struct io_uring_cqe *)(ring + p.cq_off.cqes);
  for (unsigned i = 0; i < p.sq_entries; i++) arr[i] = i;
  if (maxw) { unsigned w[2] = {maxw, maxw}; if (syscall(__NR_io_uring_register, rfd, IORING_REGISTER_IOWQ_MAX_WORKERS, w, 2) < 0) perror("maxw"); }
  unsigned tail = *sqtail;
  struct statx *sx = malloc(sizeof(struct statx) * depth); char **names = malloc(sizeof(char *) * depth);
  char *buf = malloc(1 << 16); long n = 0; long long b = 0;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (sp == 0 && busy) pthread_cond_wait(&cv, &mu);
    if (sp == 0) { pthread_mutex_unlock(&mu); break; }
    char *dir = stack[--sp]; busy++; pthread_mutex_unlock(&mu);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
      long r; size_t dl = strlen(dir);
      while ((r = syscall(SYS_getdents64, fd, buf, 1 << 16)) > 0) {
        long o = 0;
        while (o < r) {
          int k = 0;
          for (; o < r && k < depth;) {
            struct ld *d = (struct ld *)(buf + o); o += d->reclen;
            if (d->name[0] == '.' && (!d->name[1] || (d->name[1] == '.' && !d->name[2]))) continue;
            struct io_uring_sqe *s = &sqes[tail & sqmask]; memset(s, 0, sizeof *s);
            s->opcode = IORING_OP_STATX; s->fd = fd; s->addr = (unsigned long)d->name; s->len = STATX_BASIC_STATS;
            s->off = (unsigned long)&sx[k]; s->statx_flags = AT_SYMLINK_NOFOLLOW; s->user_data = k; names[k] = d->name; k++; tail++;
          }
          if (!k) break;
          atomic_store_explicit((_Atomic unsigned *)sqtail, tail, memory_order_release);
          syscall(__NR_io_uring_enter, rfd, k, k, IORING_ENTER_GETEVENTS, 0, 0);
          unsigned h = *cqhead, t = atomic_load_explicit((_Atomic unsigned *)cqtail, memory_order_acquire);
          for (; h != t; h++) { struct io_uring_cqe *c = &cqes[h & cqmask]; int j = c->user_data;
            if (c->res == 0) { n++; b += sx[j].stx_size;
              if (S_ISDIR(sx[j].stx_mode)) { size_t nl = strlen(names[j]); char *q = malloc(dl + nl + 2); memcpy(q, dir, dl); q[dl] = '/'; memcpy(q + dl + 1, names[j], nl + 1);
                pthread_mutex_lock(&mu); push(q); pthread_cond_signal(&cv); pthread_mutex_unlock(&mu); } } }
          atomic_store_explicit((_Atomic unsigned *)cqhead, h, memory_order_release);
        }
      }
      close(fd);
    }
    free(dir);
    pthread_mutex_lock(&mu); busy--; if (sp == 0 && busy == 0) pthread_cond_broadcast(&cv); pthread_mutex_unlock(&mu);
  }
  pthread_mutex_lock(&mu); total += n; bytes += b; pthread_mutex_unlock(&mu); return 0;
}
int main(int c, char **v) {
  int t = c > 2 ? atoi(v[2]) : 2; if (c > 3) depth = atoi(v[3]); if (c > 4) setupflags = strtoul(v[4], 0, 0); if (c > 5) maxw = atoi(v[5]);
  push(strdup(v[1])); pthread_t th[256];
  for (int i = 0; i < t; i++) pthread_create(&th[i], 0, work, 0);
  for (int i = 0; i < t; i++) pthread_join(th[i], 0);
  printf("%ld entries %lld bytes\n", total, bytes); return 0;
}
