package dev.fsnap.walk;

import dev.fsnap.bindings.NativePlatform;
import dev.fsnap.scan.Backend;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Scan;
import dev.fsnap.scan.ScanListener;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanStream;

import java.io.IOException;
import java.util.Set;

/**
 * The way into the walk of a tree: the one public class of this package, which the exported
 * {@link dev.fsnap.scan.Scanner} calls. Everything behind it (the pool, the deadlines, the
 * backends, the batches) is package-private: a change to how a tree is read stays in this package.
 */
public final class Walk {
    private Walk() {
    }

    /**
     * Starts a scan in the background (see {@link dev.fsnap.scan.Scanner#start}).
     *
     * @throws IOException when the root cannot be opened, naming it
     */
    public static Scan start(ScanOptions options, ScanListener listener) throws IOException {
        return start(options, listener, ContentBaseline.NONE);
    }

    /**
     * Starts a scan that takes over the content digests of unchanged files from a baseline.
     *
     * @throws IOException when the root cannot be opened, naming it
     */
    public static Scan start(ScanOptions options, ScanListener listener, ContentBaseline baseline) throws IOException {
        ScanRun run = prepare(options, listener, baseline);
        run.start();
        return run;
    }

    /**
     * Starts a scan whose entries are pulled as a stream (see {@link dev.fsnap.scan.Scanner#stream}).
     *
     * @throws IOException when the root cannot be opened, naming it
     */
    public static ScanStream stream(ScanOptions options, ScanListener errors) throws IOException {
        return StreamingScan.start(options, errors);
    }

    /** @return null when the native backend can run here, otherwise the reason */
    public static String nativeUnavailableReason() {
        return NativeBackends.unavailableReason(NativePlatform.current());
    }

    /** @return empty when the native backend can run here, otherwise what keeps it from running */
    public static java.util.Optional<Throwable> nativeUnavailabilityCause() {
        return NativeBackends.unavailabilityCause(NativePlatform.current());
    }

    /** @return the fields the backend these options choose cannot read */
    public static Set<Field> absentFields(ScanOptions options) {
        return usesNative(options, nativeUnavailableReason()) ? NativeBackends.absentFields(os(), options)
                : NativeBackends.LINUX_ONLY;
    }

    /** A scan ready to {@link ScanRun#start()}, with its backend chosen. */
    static ScanRun prepare(ScanOptions options, ScanListener listener) {
        return prepare(options, listener, ContentBaseline.NONE);
    }

    static ScanRun prepare(ScanOptions options, ScanListener listener, ContentBaseline baseline) {
        FileSystemAccess access;
        String reason;
        Backend requested = options.backend();
        String unavailable = nativeUnavailableReason();
        if (usesNative(options, unavailable)) {
            access = NativeBackends.open(os(), options);
            reason = requested == Backend.NATIVE ? "requested" : "automatic";
        } else if (requested == Backend.NATIVE) {
            throw new UnsupportedOperationException("the native backend is unavailable: " + unavailable);
        } else {
            access = new NioAccess(options.root(), FileSystemAccess.linksBeneath(options));
            reason = requested == Backend.NIO ? "requested" : "native unavailable: " + unavailable;
        }
        if (options.contentSink() != null && access.absentFields().contains(Field.CONTENT)) {
            access.close();
            throw new UnsupportedOperationException("a content sink is given what the native backend on Linux reads, "
                    + "and this scan's backend reads no content: " + access.backend().name().toLowerCase(java.util.Locale.ROOT)
                    + " (" + reason + ")");
        }
        ScanRun run = new ScanRun(options, access, reason, listener);
        if (options.xattrs() && !access.absentFields().contains(Field.XATTRS)) {
            run.addStep(XattrStep.INSTANCE);
        }
        if (options.digest() != null && !access.absentFields().contains(Field.CONTENT)) {
            run.addStep(new DigestStep(baseline, System.currentTimeMillis(), options.verifyTime(), options.contentSink()));
        }
        return run;
    }

    /** Whether these options scan natively, given why the native backend is unavailable (null: it is not). */
    private static boolean usesNative(ScanOptions options, String unavailable) {
        return options.backend() != Backend.NIO && unavailable == null;
    }

    /** The running system, known to have native calls once {@link #nativeUnavailableReason()} is null. */
    private static NativePlatform.Os os() {
        return NativePlatform.current().orElseThrow().os;
    }
}
