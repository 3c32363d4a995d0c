package dev.fsnap.bindings;

import jnr.constants.platform.Errno;

import java.lang.invoke.VarHandle;

import static dev.fsnap.bindings.NativeBuffer.IO;

/**
 * One thread's ring of stat requests: io_uring ({@code io_uring_setup}, Linux 5.1) with
 * {@code IORING_OP_STATX} (5.6), so that up to {@link #DEPTH} stats of one directory are in flight
 * together and one system call submits them and collects their results.
 *
 * <p><b>The rings.</b> The submission queue (its entries, SQEs) and the completion queue (CQEs) are
 * memory the kernel shares with this process, mapped once ({@code mmap} of the ring's descriptor).
 * This thread writes SQEs and then the submission tail; the kernel reads them only inside
 * {@code io_uring_enter}, which this thread calls, so a release fence before the tail's store is
 * all the order it needs. Completions are written by the kernel's workers, and with
 * {@code IORING_SETUP_DEFER_TASKRUN} posted only while this thread waits in {@code io_uring_enter};
 * the completion tail is read with an acquire fence after it, and the head is stored after a release
 * fence once the entries are read, as {@code liburing}'s {@code io_uring_smp_load_acquire} and
 * {@code io_uring_smp_store_release} do.
 *
 * <p><b>Who owns what.</b> A request's {@code struct statx} buffer (one slot of {@link #DEPTH}) belongs
 * to the kernel from the request's submission until its completion is read here, and so do its name
 * and directory descriptor: kernels before 5.18 read the name only when the stat runs, and every
 * kernel resolves the descriptor then. The caller keeps both in place until the completion.
 * Nothing reuses a slot before its completion: the caller waits for every request it submitted
 * ({@link #settle}) before it queues more. A request the kernel cannot finish (a dead server's stat)
 * is asked to stop with {@code IORING_OP_ASYNC_CANCEL}: one still queued ends at once
 * ({@code ECANCELED}); one already running in the kernel cannot be stopped, and {@link #settle} waits
 * for it as a stuck {@code fstatat} would. A ring closed with requests still in flight (only after
 * the ring itself failed) keeps its stat buffers allocated for the rest of the process: the kernel
 * may still write into them.
 *
 * <p>Not thread-safe: made, used and closed by one thread (the ring is set up for a single issuer).
 */
final class StatRing implements AutoCloseable {
    /** Stats in flight together: the measured knee (8 were no faster than {@code fstatat}, 64 were). */
    static final int DEPTH = 64;

    /** The system calls' numbers: the same on every architecture (numbered after 424). */
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;
    /** {@code IORING_REGISTER_IOWQ_MAX_WORKERS} (Linux 5.15): caps the kernel's worker threads of a ring. */
    private static final int IORING_REGISTER_IOWQ_MAX_WORKERS = 19;
    /**
     * The kernel threads that run one ring's stats at most: the kernel's own default is 4 per CPU,
     * which on a large machine would be hundreds per scan thread, counted against the process's
     * thread limit.
     */
    private static final int MAX_WORKERS = 8;

    /** {@code struct io_uring_params}: 120 bytes; the offsets fsnap reads and writes. */
    private static final int PARAMS_SIZE = 120;
    private static final int P_SQ_ENTRIES = 0;
    private static final int P_CQ_ENTRIES = 4;
    private static final int P_FLAGS = 8;
    private static final int P_FEATURES = 20;
    /** {@code struct io_sqring_offsets sq_off}: head, tail, ring_mask, ring_entries, flags, dropped, array. */
    private static final int P_SQ_OFF = 40;
    /** {@code struct io_cqring_offsets cq_off}: head, tail, ring_mask, ring_entries, overflow, cqes. */
    private static final int P_CQ_OFF = 80;
    private static final int OFF_HEAD = 0;
    private static final int OFF_TAIL = 4;
    private static final int OFF_MASK = 8;
    private static final int OFF_SQ_ARRAY = 24;
    private static final int OFF_CQ_CQES = 20;
    /** {@code IORING_OFF_SQES}: where {@code mmap} finds the SQE array. */
    private static final long OFF_SQES = 0x10000000L;

    /** {@code struct io_uring_sqe}: 64 bytes. */
    private static final int SQE_SIZE = 64;
    private static final int SQE_FD = 4;
    /** {@code addr2}: the statx buffer. */
    private static final int SQE_ADDR2 = 8;
    /** {@code addr}: the path (for a cancel, the {@code user_data} to cancel). */
    private static final int SQE_ADDR = 16;
    /** {@code len}: the statx mask. */
    private static final int SQE_LEN = 24;
    /** {@code statx_flags}. */
    private static final int SQE_OP_FLAGS = 28;
    private static final int SQE_USER_DATA = 32;
    /** {@code struct io_uring_cqe}: {@code u64 user_data; s32 res; u32 flags}. */
    private static final int CQE_SIZE = 16;
    private static final int CQE_RES = 8;

    private static final byte IORING_OP_ASYNC_CANCEL = 14;
    private static final byte IORING_OP_STATX = 21;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final int IORING_ENTER_EXT_ARG = 8;
    private static final int IORING_SETUP_CLAMP = 1 << 4;
    private static final int IORING_SETUP_SUBMIT_ALL = 1 << 7;
    private static final int IORING_SETUP_COOP_TASKRUN = 1 << 8;
    private static final int IORING_SETUP_SINGLE_ISSUER = 1 << 12;
    private static final int IORING_SETUP_DEFER_TASKRUN = 1 << 13;
    private static final int IORING_FEAT_SINGLE_MMAP = 1;
    private static final int IORING_FEAT_EXT_ARG = 1 << 8;
    /**
     * Setup flags, best first: completions run only when this thread asks (6.1), else without
     * interrupting it (5.19), else plain. A kernel that does not know a flag refuses it (EINVAL).
     */
    private static final int[] SETUPS = {
            IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
            IORING_SETUP_CLAMP | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_CLAMP,
    };
    /** {@code struct io_uring_getevents_arg}: sigmask, sigmask_sz, min_wait_usec, ts; then the timespec it points at. */
    private static final int WAIT_ARG_SIZE = 24;
    private static final int WAIT_ARG_TS = 16;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED_POPULATE = 0x01 | 0x8000;

    /** How long one wait lasts before the caller is asked again (it may have been given up on). */
    static final long WAIT_NANOS = 50_000_000L;
    /** The {@code user_data} bit of a cancel request: its completion frees no slot. */
    private static final long CANCEL = 1L << 32;
    /** A result for a request the ring could not carry (it failed): the caller stats it itself. */
    static final int NOT_CARRIED = Integer.MIN_VALUE;

    private final int fd;
    private final long rings;
    private final long ringsSize;
    private final long sqes;
    private final long sqesSize;
    private final long sqTail;
    private final int sqMask;
    private final long cqHead;
    private final long cqTail;
    private final int cqMask;
    private final long cqes;
    /** {@link #DEPTH} {@code struct statx} buffers, slot {@code k} at {@code k * STATX_SIZE}. */
    private final NativeBuffer buffers;
    /** The wait's argument block and its timespec. */
    private final NativeBuffer waitArg;
    /** Each slot's result once its completion is read: 0, or minus an errno, or {@link #NOT_CARRIED}. */
    private final int[] result = new int[DEPTH];
    /** Whether each slot is free of the kernel: never used, or its completion read. */
    private final boolean[] done = new boolean[DEPTH];
    private int tail;
    /** Requests queued in the submission ring and not yet submitted. */
    private int queued;
    /** Stat requests submitted and not completed. */
    private int inFlight;
    /** Cancel requests submitted and not completed. */
    private int cancels;
    /** Set when a call on the ring failed for good: nothing more is submitted, and the caller stats itself. */
    private boolean failed;
    private boolean closed;

    private StatRing(int fd, long rings, long ringsSize, long sqes, long sqesSize, long params) {
        this.fd = fd;
        this.rings = rings;
        this.ringsSize = ringsSize;
        this.sqes = sqes;
        this.sqesSize = sqesSize;
        long sq = params + P_SQ_OFF;
        long cq = params + P_CQ_OFF;
        this.sqTail = rings + IO.getInt(sq + OFF_TAIL);
        this.sqMask = IO.getInt(rings + IO.getInt(sq + OFF_MASK));
        this.cqHead = rings + IO.getInt(cq + OFF_HEAD);
        this.cqTail = rings + IO.getInt(cq + OFF_TAIL);
        this.cqMask = IO.getInt(rings + IO.getInt(cq + OFF_MASK));
        this.cqes = rings + IO.getInt(cq + OFF_CQ_CQES);
        this.tail = IO.getInt(sqTail);
        // The submission ring's index array: entry i names SQE i, once and for all.
        long array = rings + IO.getInt(sq + OFF_SQ_ARRAY);
        int entries = IO.getInt(params + P_SQ_ENTRIES);
        for (int i = 0; i < entries; i++) {
            IO.putInt(array + 4L * i, i);
        }
        this.buffers = new NativeBuffer(DEPTH * LinuxAbi.STATX_SIZE);
        java.util.Arrays.fill(done, true);
        this.waitArg = new NativeBuffer(WAIT_ARG_SIZE + 16);
        IO.setMemory(waitArg.address, WAIT_ARG_SIZE + 16, (byte) 0);
        IO.putLong(waitArg.address + WAIT_ARG_TS, waitArg.address + WAIT_ARG_SIZE);
        IO.putLong(waitArg.address + WAIT_ARG_SIZE + 8, WAIT_NANOS);
    }

    /**
     * Makes a ring for the calling thread, which alone may use it.
     *
     * @return the ring
     * @throws UnsupportedOperationException saying why there is none: io_uring missing (ENOSYS,
     *         before Linux 5.1), refused (EPERM: {@code kernel.io_uring_disabled}, or a container's
     *         seccomp filter), or without what this ring needs (timed waits, Linux 5.11)
     */
    static StatRing open() {
        if (!LinuxLibc.library().isAvailable()) {
            throw new UnsupportedOperationException("no native Linux calls");
        }
        try (NativeBuffer params = new NativeBuffer(PARAMS_SIZE)) {
            int fd = -1;
            int errno = 0;
            for (int flags : SETUPS) {
                IO.setMemory(params.address, PARAMS_SIZE, (byte) 0);
                IO.putInt(params.address + P_FLAGS, flags);
                fd = LinuxLibc.ioUringSetup(DEPTH, params.address);
                if (fd >= 0) {
                    break;
                }
                errno = LinuxLibc.errno();
                if (errno != Errno.EINVAL.intValue()) {
                    break;
                }
            }
            if (fd < 0) {
                Errno e = FileErrors.errno(errno);
                throw new UnsupportedOperationException("io_uring_setup: " + e.name() + (e == Errno.EPERM
                        ? " (kernel.io_uring_disabled, or a seccomp filter)"
                        : e == Errno.ENOSYS ? " (before Linux 5.1, or filtered)" : ""));
            }
            int features = IO.getInt(params.address + P_FEATURES);
            if ((features & IORING_FEAT_SINGLE_MMAP) == 0 || (features & IORING_FEAT_EXT_ARG) == 0) {
                LinuxLibc.close(fd);
                throw new UnsupportedOperationException("io_uring without timed waits (before Linux 5.11)");
            }
            int sqEntries = IO.getInt(params.address + P_SQ_ENTRIES);
            int cqEntries = IO.getInt(params.address + P_CQ_ENTRIES);
            long ringsSize = Math.max(IO.getInt(params.address + P_SQ_OFF + OFF_SQ_ARRAY) + 4L * sqEntries,
                    IO.getInt(params.address + P_CQ_OFF + OFF_CQ_CQES) + (long) CQE_SIZE * cqEntries);
            long sqesSize = (long) SQE_SIZE * sqEntries;
            long rings = LinuxLibc.mmap(ringsSize, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, 0);
            long sqes = rings == -1 ? -1 : LinuxLibc.mmap(sqesSize, PROT_READ_WRITE, MAP_SHARED_POPULATE, fd, OFF_SQES);
            if (rings == -1 || sqes == -1) {
                String why = "mmap of the ring: " + FileErrors.errno(LinuxLibc.errno()).name();
                if (rings != -1) {
                    LinuxLibc.munmap(rings, ringsSize);
                }
                LinuxLibc.close(fd);
                throw new UnsupportedOperationException(why);
            }
            StatRing ring = new StatRing(fd, rings, ringsSize, sqes, sqesSize, params.address);
            // [bounded, unbounded] worker threads, in the parameters' buffer now that the ring has
            // read them; 0 leaves a kind as it is. Older kernels refuse it (EINVAL): their default stays.
            IO.putInt(params.address, MAX_WORKERS);
            IO.putInt(params.address + 4, 0);
            LinuxLibc.ioUringRegister(fd, IORING_REGISTER_IOWQ_MAX_WORKERS, params.address, 2);
            return ring;
        }
    }

    /** @return whether the ring still carries requests (false once a call on it failed for good) */
    boolean usable() {
        return !failed;
    }

    /** @return the address of slot {@code k}'s {@code struct statx}, valid once its result is read */
    long buffer(int k) {
        return buffers.address + (long) k * LinuxAbi.STATX_SIZE;
    }

    /**
     * Queues a stat into slot {@code k}, submitted at the next {@link #await}. The slot must be free
     * (its last request completed).
     *
     * @param k the slot, below {@link #DEPTH}
     * @param dirfd the directory the name is relative to
     * @param name the NUL-terminated name's address, kept in place until the request completes
     * @param flags {@code statx} flags ({@code AT_SYMLINK_NOFOLLOW} and the synchronization flags)
     * @param mask the fields asked for
     */
    void queueStat(int k, int dirfd, long name, int flags, int mask) {
        long sqe = nextSqe();
        IO.putByte(sqe, IORING_OP_STATX);
        IO.putInt(sqe + SQE_FD, dirfd);
        IO.putLong(sqe + SQE_ADDR2, buffer(k));
        IO.putLong(sqe + SQE_ADDR, name);
        IO.putInt(sqe + SQE_LEN, mask);
        IO.putInt(sqe + SQE_OP_FLAGS, flags);
        IO.putLong(sqe + SQE_USER_DATA, k);
        done[k] = false;
        inFlight++;
    }

    private long nextSqe() {
        long sqe = sqes + (long) (tail & sqMask) * SQE_SIZE;
        IO.setMemory(sqe, SQE_SIZE, (byte) 0);
        tail++;
        queued++;
        return sqe;
    }

    /**
     * Waits for slot {@code k}'s request, submitting what is queued first; at most
     * {@link #WAIT_NANOS}, so that the caller can stop waiting for a request it gave up on.
     *
     * @param k the slot
     * @return whether its result is in: see {@link #result}
     */
    boolean await(int k) {
        if (!done[k] && !failed && queued > 0) {
            // Submit and ask for every request in flight: one call where they are all quick (a local disk).
            enter(inFlight + cancels);
            reap();
        }
        while (!done[k] && !failed) {
            boolean in = enter(1);
            reap();
            if (!in) {
                break; // the wait's time is up: the caller decides whether to wait more
            }
        }
        if (failed && !done[k]) {
            result[k] = NOT_CARRIED;
            return true;
        }
        return done[k];
    }

    /**
     * @param k a slot whose {@link #await} returned true
     * @return 0 when its buffer holds the stat; minus the errno of a failed stat; or
     *         {@link #NOT_CARRIED} when the ring failed before it (the caller stats it itself)
     */
    int result(int k) {
        return result[k];
    }

    /**
     * Waits for the slots still in flight: those the caller did not wait for (it gave up on the
     * directory) are first asked to stop with {@code IORING_OP_ASYNC_CANCEL}. A request the kernel cannot stop (a stat waiting on a dead
     * server) is waited for as long as it takes, in waits of {@link #WAIT_NANOS}: its buffer is the
     * kernel's until then. Returns at once when nothing is in flight.
     */
    void settle() {
        while (queued > 0 && !failed) {
            // What a busy kernel left queued goes first (the cancels need the room): a completion
            // read makes room, so each try waits for one.
            enter(inFlight > 0 ? 1 : 0);
            reap();
        }
        if (inFlight > 0 && !failed) {
            for (int k = 0; k < DEPTH; k++) {
                if (!done[k]) {
                    long sqe = nextSqe();
                    IO.putByte(sqe, IORING_OP_ASYNC_CANCEL);
                    IO.putInt(sqe + SQE_FD, -1);
                    IO.putLong(sqe + SQE_ADDR, k);
                    IO.putLong(sqe + SQE_USER_DATA, CANCEL | k);
                    cancels++;
                }
            }
            while ((inFlight > 0 || cancels > 0) && !failed) {
                enter(inFlight + cancels);
                reap();
            }
        }
    }

    /**
     * One {@code io_uring_enter}: submits what is queued and waits for {@code wanted} completions,
     * or until {@link #WAIT_NANOS} passed.
     *
     * @return false when the time passed (or a signal came) before they did
     */
    private boolean enter(int wanted) {
        VarHandle.releaseFence(); // the SQEs before the tail that publishes them
        IO.putInt(sqTail, tail);
        int n = LinuxLibc.ioUringEnter(fd, queued, wanted, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
                waitArg.address, WAIT_ARG_SIZE);
        if (n >= 0) {
            queued -= Math.min(n, queued);
            return true;
        }
        int errno = LinuxLibc.errno();
        if (errno == Errno.ETIME.intValue() || errno == Errno.EINTR.intValue()) {
            return false;
        }
        if (errno == Errno.EAGAIN.intValue() || errno == Errno.EBUSY.intValue()) {
            // No room yet (the completions read next make it), or no memory for a request: a
            // moment's pause, and the caller decides whether to wait more.
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            return false;
        }
        failed = true; // the caller stats the rest itself; what is in flight keeps its buffers (see close)
        return false;
    }

    /** Reads every completion posted, and moves the head past them. */
    private void reap() {
        int head = IO.getInt(cqHead);
        int end = IO.getInt(cqTail);
        VarHandle.acquireFence(); // the CQEs after the tail that published them
        for (; head != end; head++) {
            long cqe = cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = IO.getLong(cqe);
            if ((userData & CANCEL) != 0) {
                cancels--;
                continue;
            }
            int k = (int) userData;
            result[k] = IO.getInt(cqe + CQE_RES);
            done[k] = true;
            inFlight--;
        }
        VarHandle.releaseFence(); // the CQEs read before the head that frees them
        IO.putInt(cqHead, head);
    }

    /**
     * Unmaps the rings and closes the descriptor. Stat buffers of requests still in flight (only
     * after a call on the ring failed) stay allocated: the kernel may still write into them.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LinuxLibc.munmap(sqes, sqesSize);
        LinuxLibc.munmap(rings, ringsSize);
        LinuxLibc.close(fd);
        if (inFlight == 0) {
            buffers.close();
        }
        waitArg.close();
    }
}
