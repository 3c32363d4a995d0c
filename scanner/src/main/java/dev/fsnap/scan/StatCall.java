package dev.fsnap.scan;

/**
 * The system call the native backend reads each entry's metadata with. Both read the same fields;
 * which one is faster depends on the kernel and the filesystem, which is why it is a choice.
 */
public enum StatCall {
    /** {@code fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW)}: the classic call, everywhere. */
    FSTATAT,
    /**
     * {@code statx}, asking only for the fields fsnap records (Linux 4.11, glibc 2.28). A filesystem
     * that does not fill one of them is asked again with {@code fstatat}.
     */
    STATX
}
