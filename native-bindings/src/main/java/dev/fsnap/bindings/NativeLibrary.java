package dev.fsnap.bindings;

import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

import java.util.function.Supplier;

/**
 * A native library bound through jffi, or the reason it cannot be: the running system is not the
 * library's, jffi's stub did not load, or a symbol is missing. {@link LinuxLibc}, {@link DarwinLibc}
 * and {@link Kernel32} each bind their symbols through one of these in their static initialiser. A
 * failure is recorded rather than thrown, so the class always loads and tells why its calls cannot
 * be made; no call is ever made on an unavailable library.
 */
public final class NativeLibrary {
    private final String name;
    private final Library library;
    private final Invoker invoker;
    /** Written only while the owning class initialises, which publishes it. */
    private Throwable cause;

    private NativeLibrary(String name, Library library, Invoker invoker, Throwable cause) {
        this.name = name;
        this.library = library;
        this.invoker = invoker;
        this.cause = cause;
    }

    /**
     * Loads a library.
     *
     * @param name what the calls are, for messages: {@code native Linux calls}
     * @param notHere why the running system is not the library's, or null when it is
     * @param loader loads the library; may throw
     * @return the library, available or with its cause
     */
    static NativeLibrary load(String name, String notHere, Supplier<Library> loader) {
        if (notHere != null) {
            return new NativeLibrary(name, null, null, new UnsupportedOperationException(notHere));
        }
        try {
            Library library = loader.get();
            if (library == null) {
                throw new UnsatisfiedLinkError("cannot load: " + Library.getLastError());
            }
            return new NativeLibrary(name, library, Invoker.getInstance(), null);
        } catch (Throwable t) {
            // LinkageError from jffi's stub, or a library the system lacks: recorded, reported by callers
            return new NativeLibrary(name, null, null, t);
        }
    }

    /**
     * Binds a symbol the library cannot do without: when it is missing, every call is unavailable.
     *
     * @return the bound call, or null once the library is unavailable
     */
    BoundCall bind(String symbol, Type result, Type... parameters) {
        return bind(true, symbol, result, parameters);
    }

    /**
     * Binds a symbol the library can do without (an older C library lacks {@code statx}).
     *
     * @return the bound call, or null when the symbol or the library is missing
     */
    BoundCall bindOptional(String symbol, Type result, Type... parameters) {
        return bind(false, symbol, result, parameters);
    }

    private BoundCall bind(boolean required, String symbol, Type result, Type... parameters) {
        if (cause != null) {
            return null;
        }
        try {
            return BoundCall.bind(library, symbol, result, parameters);
        } catch (Throwable t) {
            if (required) {
                cause = t;
            }
            return null;
        }
    }

    /** @return jffi's invoker, or null when unavailable */
    Invoker invoker() {
        return invoker;
    }

    /** @return true when the library loaded and every symbol it needs was bound */
    public boolean isAvailable() {
        return cause == null;
    }

    /** @return why the calls cannot be made, or null when they can */
    public Throwable unavailabilityCause() {
        return cause;
    }

    /** @throws UnsupportedOperationException with the cause attached, when the calls cannot be made */
    public void ensureAvailable() {
        if (cause != null) {
            throw new UnsupportedOperationException(name + " unavailable: " + cause, cause);
        }
    }
}
