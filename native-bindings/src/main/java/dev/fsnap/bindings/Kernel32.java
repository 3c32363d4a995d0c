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
    private static final NativePlatform PLATFORM = NativePlatform.current().orElse(null);
    private static final NativeLibrary KERNEL32 = NativeLibrary.load("native Windows calls",
            PLATFORM == null || PLATFORM.os != NativePlatform.Os.WINDOWS
                    ? "not Windows: " + NativePlatform.describeCurrent() : null,
            () -> Library.getCachedInstance("kernel32", Library.LAZY));
    private static final Invoker INVOKER = KERNEL32.invoker();
    private static final BoundCall FIND_FIRST_FILE_EX = KERNEL32.bind("FindFirstFileExW", Type.POINTER, Type.POINTER,
            Type.SINT, Type.POINTER, Type.SINT, Type.POINTER, Type.UINT);
    private static final BoundCall FIND_NEXT_FILE = KERNEL32.bind("FindNextFileW", Type.SINT, Type.POINTER,
            Type.POINTER);
    private static final BoundCall FIND_CLOSE = KERNEL32.bind("FindClose", Type.SINT, Type.POINTER);
    private static final BoundCall GET_FILE_ATTRIBUTES_EX = KERNEL32.bind("GetFileAttributesExW", Type.SINT,
            Type.POINTER, Type.SINT, Type.POINTER);
    private static final BoundCall GET_DRIVE_TYPE = KERNEL32.bind("GetDriveTypeW", Type.UINT, Type.POINTER);

    private Kernel32() {
    }

    /**
     * The library and whether its calls can be made: on Windows once every symbol was bound.
     *
     * @return the library
     */
    public static NativeLibrary library() {
        return KERNEL32;
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
