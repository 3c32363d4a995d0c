package dev.fsnap.bindings;

import java.util.Locale;
import java.util.Optional;

/**
 * The systems fsnap has native calls for: an operating system and an architecture, as Java names
 * them in {@code os.name} and {@code os.arch}. Deciding which calls to bind is a pure function of
 * the two names, so it is tested for every system on any system.
 */
public enum NativePlatform {
    /** Linux on x86_64: {@link LinuxAbi#X86_64}. */
    LINUX_X86_64(Os.LINUX),
    /** Linux on aarch64: {@link LinuxAbi#AARCH64}. */
    LINUX_AARCH64(Os.LINUX),
    /** macOS on Intel: the {@code $INODE64} symbols ({@link DarwinAbi#X86_64}). */
    MACOS_X86_64(Os.MACOS),
    /** macOS on Apple silicon: the plain symbols, 64-bit inodes only ({@link DarwinAbi#ARM64}). */
    MACOS_ARM64(Os.MACOS),
    /** Windows on x86_64: kernel32's {@code FindFirstFileExW} family. */
    WINDOWS_X86_64(Os.WINDOWS),
    /** Windows on ARM64: the same calls and layouts as on x86_64. */
    WINDOWS_ARM64(Os.WINDOWS);

    /** The operating system families, each with its own backend. */
    public enum Os {
        /** {@code openat}/{@code getdents64}/{@code fstatat}. */
        LINUX,
        /** {@code openat}/{@code fdopendir}/{@code readdir}/{@code fstatat}. */
        MACOS,
        /** {@code FindFirstFileExW}/{@code FindNextFileW}. */
        WINDOWS
    }

    /** The operating system family. */
    public final Os os;

    NativePlatform(Os os) {
        this.os = os;
    }

    /**
     * The platform for an operating system and architecture name.
     *
     * @param osName {@code os.name}: {@code Linux}, {@code Mac OS X}, {@code Windows 11}, ...
     * @param osArch {@code os.arch}: {@code amd64}, {@code x86_64}, {@code aarch64}, {@code arm64}
     * @return the platform, or empty where fsnap has no native calls
     */
    public static Optional<NativePlatform> of(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm = arch.equals("aarch64") || arch.equals("arm64");
        if (!x86 && !arm) {
            return Optional.empty();
        }
        if (os.startsWith("linux")) {
            return Optional.of(x86 ? LINUX_X86_64 : LINUX_AARCH64);
        }
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return Optional.of(x86 ? MACOS_X86_64 : MACOS_ARM64);
        }
        if (os.startsWith("windows")) {
            return Optional.of(x86 ? WINDOWS_X86_64 : WINDOWS_ARM64);
        }
        return Optional.empty();
    }

    /**
     * The running system's platform.
     *
     * @return the platform, or empty where fsnap has no native calls
     */
    public static Optional<NativePlatform> current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    /** @return a description for messages: the two names as Java reports them */
    static String describeCurrent() {
        return System.getProperty("os.name") + " " + System.getProperty("os.arch");
    }
}
