package dev.fsnap.bindings;

import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * The kernel32 calls fsnap makes on Windows, bound once through jffi. On any other system nothing
 * is bound: the class loads, reports itself unavailable with the reason, and no call is made.
 * jffi keeps {@code GetLastError()} of each call as the thread's last error.
 */
public final class Kernel32 {
    private static final Throwable UNAVAILABILITY_CAUSE;
    private static final Invoker INVOKER;
    private static final BoundCall FIND_FIRST_FILE_EX;
    private static final BoundCall FIND_NEXT_FILE;
    private static final BoundCall FIND_CLOSE;
    private static final BoundCall GET_FILE_ATTRIBUTES_EX;
    private static final BoundCall GET_DRIVE_TYPE;

    static {
        Throwable cause = null;
        Invoker invoker = null;
        BoundCall first = null, next = null, close = null, attributes = null, drive = null;
        NativePlatform platform = NativePlatform.current().orElse(null);
        if (platform == null || platform.os != NativePlatform.Os.WINDOWS) {
            cause = new UnsupportedOperationException("not Windows: " + NativePlatform.describeCurrent());
        } else {
            try {
                Library kernel32 = Library.getCachedInstance("kernel32", Library.LAZY);
                if (kernel32 == null) {
                    throw new UnsatisfiedLinkError("cannot load kernel32: " + Library.getLastError());
                }
                invoker = Invoker.getInstance();
                first = BoundCall.bind(kernel32, "FindFirstFileExW", Type.POINTER, Type.POINTER, Type.SINT, Type.POINTER,
                        Type.SINT, Type.POINTER, Type.UINT);
                next = BoundCall.bind(kernel32, "FindNextFileW", Type.SINT, Type.POINTER, Type.POINTER);
                close = BoundCall.bind(kernel32, "FindClose", Type.SINT, Type.POINTER);
                attributes = BoundCall.bind(kernel32, "GetFileAttributesExW", Type.SINT, Type.POINTER, Type.SINT,
                        Type.POINTER);
                drive = BoundCall.bind(kernel32, "GetDriveTypeW", Type.UINT, Type.POINTER);
            } catch (Throwable t) {
                cause = t;
            }
        }
        UNAVAILABILITY_CAUSE = cause;
        INVOKER = invoker;
        FIND_FIRST_FILE_EX = first;
        FIND_NEXT_FILE = next;
        FIND_CLOSE = close;
        GET_FILE_ATTRIBUTES_EX = attributes;
        GET_DRIVE_TYPE = drive;
    }

    private Kernel32() {
    }

    /**
     * @return true on Windows once every symbol was bound
     */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * @return why the calls cannot be made, or null when they can
     */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    /**
     * @throws UnsupportedOperationException with the cause attached, when unavailable
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw new UnsupportedOperationException("native Windows calls unavailable: " + UNAVAILABILITY_CAUSE,
                    UNAVAILABILITY_CAUSE);
        }
    }

    /**
     * @return {@code GetLastError()} as the last call on this thread left it
     */
    static int lastError() {
        return LastError.getInstance().get();
    }

    /** {@code FindFirstFileExW(pattern, FindExInfoBasic, data, FindExSearchNameMatch, NULL, LARGE_FETCH)}. */
    static long findFirstFileEx(long pattern, long data) {
        return INVOKER.invokeL6(FIND_FIRST_FILE_EX.context, FIND_FIRST_FILE_EX.address, pattern,
                WindowsAbi.FIND_EX_INFO_BASIC, data, WindowsAbi.FIND_EX_SEARCH_NAME_MATCH, 0L,
                WindowsAbi.FIND_FIRST_EX_LARGE_FETCH);
    }

    /** {@code BOOL FindNextFileW(HANDLE, LPWIN32_FIND_DATAW)}. */
    static boolean findNextFile(long handle, long data) {
        return (int) INVOKER.invokeL2(FIND_NEXT_FILE.context, FIND_NEXT_FILE.address, handle, data) != 0;
    }

    /** {@code BOOL FindClose(HANDLE)}. */
    static void findClose(long handle) {
        INVOKER.invokeL1(FIND_CLOSE.context, FIND_CLOSE.address, handle);
    }

    /** {@code BOOL GetFileAttributesExW(path, GetFileExInfoStandard, WIN32_FILE_ATTRIBUTE_DATA *)}. */
    static boolean getFileAttributesEx(long path, long data) {
        return (int) INVOKER.invokeL3(GET_FILE_ATTRIBUTES_EX.context, GET_FILE_ATTRIBUTES_EX.address, path,
                WindowsAbi.GET_FILE_EX_INFO_STANDARD, data) != 0;
    }

    /** {@code UINT GetDriveTypeW(LPCWSTR root)}. */
    static int getDriveType(long root) {
        return (int) INVOKER.invokeL1(GET_DRIVE_TYPE.context, GET_DRIVE_TYPE.address, root);
    }
}
