package dev.fsnap.bindings;

import com.kenai.jffi.Function;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of short byte ranges, many times over: through the system's libcrypto where it is
 * installed (it uses the CPU's SHA instructions), else through the JDK. The JDK's own SHA-256 is
 * fast only once C2 has compiled it, which a short-lived command-line JVM never waits for.
 * One instance per thread; not thread-safe.
 */
public final class Sha256 implements AutoCloseable {
    /** Bytes of a digest. */
    public static final int LENGTH = 32;
    private static final String[] LIBRARIES = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};
    /** Bytes reserved for OpenSSL's {@code SHA256_CTX} (112 on every platform it supports). */
    private static final int CONTEXT_SIZE = 256;
    // The low-level calls: OpenSSL 3's one-shot SHA256() looks the algorithm up at every call (~1 us).
    private static final Function INIT;
    private static final Function UPDATE;
    private static final Function FINAL;
    private static final String IMPLEMENTATION;

    static {
        Function init = null;
        Function update = null;
        Function fin = null;
        String implementation = null;
        if (!LinuxLibc.library().isAvailable()) {
            implementation = "JDK (no native calls: " + LinuxLibc.library().unavailabilityCause() + ")";
        } else {
            StringBuilder tried = new StringBuilder();
            for (String name : LIBRARIES) {
                Library lib = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
                long i = lib == null ? 0 : lib.getSymbolAddress("SHA256_Init");
                long u = lib == null ? 0 : lib.getSymbolAddress("SHA256_Update");
                long f = lib == null ? 0 : lib.getSymbolAddress("SHA256_Final");
                if (i != 0 && u != 0 && f != 0) {
                    init = new Function(i, Type.SINT, Type.POINTER);
                    update = new Function(u, Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
                    fin = new Function(f, Type.SINT, Type.POINTER, Type.POINTER);
                    implementation = name;
                    break;
                }
                tried.append(tried.length() == 0 ? "" : "; ").append(lib == null ? Library.getLastError()
                        : name + " lacks SHA256_Init/Update/Final");
            }
            if (implementation == null) {
                implementation = "JDK (no libcrypto: " + tried + ")";
            }
        }
        INIT = init;
        UPDATE = update;
        FINAL = fin;
        IMPLEMENTATION = implementation;
    }

    private final MessageDigest jdk;
    private NativeBuffer input;
    private final NativeBuffer output;

    private Sha256() {
        if (INIT != null) {
            jdk = null;
            input = new NativeBuffer(16 * 1024);
            output = new NativeBuffer(LENGTH + CONTEXT_SIZE);
        } else {
            try {
                jdk = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
            input = null;
            output = null;
        }
    }

    /** @return a hasher for the calling thread */
    public static Sha256 create() {
        return new Sha256();
    }

    /**
     * Which implementation hashes, for the summary a user reads: the libcrypto file name, or {@code JDK}
     * followed by why libcrypto is not used (never a silent fallback: the JDK's is slower in a short run).
     *
     * @return the implementation
     */
    public static String implementation() {
        return IMPLEMENTATION;
    }

    /**
     * Hashes {@code data[offset, offset + length)} into {@code digest[0, 32)}.
     *
     * @param data the bytes
     * @param offset where they start
     * @param length how many
     * @param digest receives the 32-byte digest
     */
    public void digest(byte[] data, int offset, int length, byte[] digest) {
        if (jdk != null) {
            jdk.update(data, offset, length);
            try {
                jdk.digest(digest, 0, LENGTH);
            } catch (java.security.DigestException e) {
                throw new IllegalArgumentException("digest needs " + LENGTH + " bytes", e);
            }
            return;
        }
        if (length > input.capacity) {
            input.close();
            input = new NativeBuffer(Math.max(length, input.capacity * 2));
        }
        NativeBuffer.IO.putByteArray(input.address, data, offset, length);
        Invoker invoker = Invoker.getInstance();
        long context = output.address + LENGTH;
        invoker.invokeL1(INIT.getCallContext(), INIT.getFunctionAddress(), context);
        invoker.invokeL3(UPDATE.getCallContext(), UPDATE.getFunctionAddress(), context, input.address, length);
        invoker.invokeL2(FINAL.getCallContext(), FINAL.getFunctionAddress(), output.address, context);
        NativeBuffer.IO.getByteArray(output.address, digest, 0, LENGTH);
    }

    // ---- streaming, for a file's content read into native memory (ContentReader)

    private byte[] heapChunk;

    /** Starts a digest of several pieces. */
    void start() {
        if (jdk != null) {
            jdk.reset();
        } else {
            Invoker.getInstance().invokeL1(INIT.getCallContext(), INIT.getFunctionAddress(), output.address + LENGTH);
        }
    }

    /** Adds {@code length} bytes at a native address. */
    void update(long address, int length) {
        if (jdk != null) {
            if (heapChunk == null || heapChunk.length < length) {
                heapChunk = new byte[Math.max(length, 64 * 1024)];
            }
            NativeBuffer.IO.getByteArray(address, heapChunk, 0, length);
            jdk.update(heapChunk, 0, length);
        } else {
            Invoker.getInstance().invokeL3(UPDATE.getCallContext(), UPDATE.getFunctionAddress(), output.address + LENGTH,
                    address, length);
        }
    }

    /** Ends the digest begun by {@link #start()} into {@code digest} ({@link #LENGTH} bytes). */
    void finish(byte[] digest) {
        if (jdk != null) {
            try {
                jdk.digest(digest, 0, LENGTH);
            } catch (java.security.DigestException e) {
                throw new IllegalArgumentException("digest needs " + LENGTH + " bytes", e);
            }
            return;
        }
        Invoker.getInstance().invokeL2(FINAL.getCallContext(), FINAL.getFunctionAddress(), output.address,
                output.address + LENGTH);
        NativeBuffer.IO.getByteArray(output.address, digest, 0, LENGTH);
    }

    /** A copy of the context, finished in {@link #peek} while the original goes on. */
    private NativeBuffer peeked;

    /**
     * The digest of what was added so far, while the digest goes on: a file's first bytes (what it
     * held before it grew) on the way to the whole.
     *
     * @param digest receives the digest ({@link #LENGTH} bytes)
     */
    void peek(byte[] digest) {
        if (jdk != null) {
            try {
                ((MessageDigest) jdk.clone()).digest(digest, 0, LENGTH);
            } catch (CloneNotSupportedException | java.security.DigestException e) {
                throw new IllegalStateException("the JDK's SHA-256 cannot be copied", e);
            }
            return;
        }
        if (peeked == null) {
            peeked = new NativeBuffer(LENGTH + CONTEXT_SIZE);
        }
        NativeBuffer.IO.copyMemory(output.address + LENGTH, peeked.address + LENGTH, CONTEXT_SIZE);
        Invoker.getInstance().invokeL2(FINAL.getCallContext(), FINAL.getFunctionAddress(), peeked.address,
                peeked.address + LENGTH);
        NativeBuffer.IO.getByteArray(peeked.address, digest, 0, LENGTH);
    }

    @Override
    public void close() {
        if (input != null) {
            input.close();
            output.close();
        }
        if (peeked != null) {
            peeked.close();
        }
    }
}
