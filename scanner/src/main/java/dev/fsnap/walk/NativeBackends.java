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
    /** The extended attribute fields: absent unless read, and read only by the Linux backend when asked. */
    static final Set<Field> XATTR_FIELDS = Set.copyOf(EnumSet.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS));
    /** The fields read only by Linux's native backend, when asked: the extended attributes and the content. */
    static final Set<Field> LINUX_ONLY = Set.copyOf(EnumSet.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS,
            Field.CONTENT));
    /** What a Windows listing does not say (see {@link WindowsAccess}), and what only Linux reads. */
    static final Set<Field> WINDOWS_ABSENT = Set.copyOf(EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID,
            Field.NLINK, Field.TARGET, Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS, Field.CONTENT));

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
            return NO_PLATFORM.getMessage();
        }
        return unavailabilityCause(platform).map(String::valueOf).orElse(null);
    }

    /** Why there is no native backend where fsnap has no native calls: one instance, as the bindings keep theirs. */
    private static final UnsupportedOperationException NO_PLATFORM = new UnsupportedOperationException(
            "no native calls for " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));

    /**
     * What keeps the native backend from running on a platform.
     *
     * @param platform the platform, empty where fsnap has no native calls
     * @return empty when it can run, otherwise what failed (a binding's load error, or why there is none)
     */
    static Optional<Throwable> unavailabilityCause(Optional<NativePlatform> platform) {
        if (platform.isEmpty()) {
            return Optional.of(NO_PLATFORM);
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
        return Optional.ofNullable(cause);
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
                return NativeAccess.linux(options, absentFields(os, options));
            case MACOS:
                return NativeAccess.macos(options, absentFields(os, options));
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
     * @param options the scan's options
     * @return the absent fields: on Linux the extended attributes and the content unless asked; on
     *         macOS those always; on Windows what a listing does not say too
     */
    static Set<Field> absentFields(NativePlatform.Os os, ScanOptions options) {
        switch (os) {
            case LINUX: {
                EnumSet<Field> absent = EnumSet.noneOf(Field.class);
                if (!options.xattrs()) {
                    absent.addAll(XATTR_FIELDS);
                }
                if (options.digest() == null) {
                    absent.add(Field.CONTENT);
                }
                return Set.copyOf(absent);
            }
            case MACOS:
                return LINUX_ONLY;
            default:
                return WINDOWS_ABSENT;
        }
    }
}
