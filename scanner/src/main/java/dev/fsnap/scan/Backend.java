package dev.fsnap.scan;

/** How a scan reads the filesystem. */
public enum Backend {
    /** Native system calls where available, otherwise NIO; the summary says which and why. */
    AUTO,
    /** {@code openat}/{@code getdents64}/{@code fstatat} through JNR, relative to each open directory. */
    NATIVE,
    /** Pure Java: {@code java.nio.file} with {@code unix:*} attributes. Slower; works on any JDK. */
    NIO
}
