package dev.fsnap.walk;

import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.bindings.DarwinLibc;
import dev.fsnap.bindings.Kernel32;
import dev.fsnap.bindings.LinuxLibc;
import dev.fsnap.bindings.NativePlatform;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which native backend runs on which system. Only the running system's bindings are ever touched:
 * on Linux no macOS or Windows class is loaded by a scan (the Windows backend is reached through a
 * factory method typed as {@link FileSystemAccess}, so that verifying this class does not load it).
 */
final class NativeBackends {
    /** What a Windows listing does not say (see {@link WindowsAccess}). */
    static final Set<Field> WINDOWS_ABSENT = Set.copyOf(EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID,
            Field.NLINK, Field.TARGET));

    private NativeBackends() {
    }

    /**
     * Why the native backend cannot run on a platform.
     *
     * @param platform the platform, empty where fsnap has no native calls
     * @return null when it can run, otherwise the reason
     */
    static String unavailableReason(Optional<NativePlatform> platform) {
        if (platform.isEmpty()) {
            return "no native calls for " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        }
        Throwable cause;
        switch (platform.get().os) {
            case LINUX:
                cause = LinuxLibc.library().unavailabilityCause();
                break;
            case MACOS:
                cause = DarwinLibc.library().unavailabilityCause();
                break;
            default:
                cause = Kernel32.library().unavailabilityCause();
                break;
        }
        return cause == null ? null : String.valueOf(cause);
    }

    /**
     * The native backend of an operating system, for a scan with these options.
     *
     * @throws UnsupportedOperationException when that system's calls are unavailable here, or the
     *         options ask what its backend cannot do
     */
    static FileSystemAccess open(NativePlatform.Os os, ScanOptions options) {
        switch (os) {
            case LINUX: // the root's reader, made here, checks that the calls are available
                return NativeAccess.linux(options.root(), options.bufferSize(), options.statCall());
            case MACOS:
                return NativeAccess.macos(options.root(), options.bufferSize());
            default:
                if (options.followSymlinks()) {
                    throw new UnsupportedOperationException("following symbolic links is not supported on Windows:"
                            + " a listing gives no file ids, so a link that loops back could not be told");
                }
                Kernel32.library().ensureAvailable(); // no reader is made before the scan opens its root
                return WindowsAccess.open(options.root(), options.bufferSize());
        }
    }

    /**
     * The fields a system's native backend cannot read (see {@link FileSystemAccess#absentFields}).
     *
     * @param os the operating system
     * @return the absent fields, empty for Linux and macOS
     */
    static Set<Field> absentFields(NativePlatform.Os os) {
        return os == NativePlatform.Os.WINDOWS ? WINDOWS_ABSENT : Set.of();
    }
}
