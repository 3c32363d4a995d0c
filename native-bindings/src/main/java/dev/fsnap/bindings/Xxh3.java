package dev.fsnap.bindings;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import com.kenai.jffi.Function;
import com.kenai.jffi.HeapInvocationBuffer;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Struct;
import com.kenai.jffi.Type;

/**
 * XXH3-128 of content in native memory: the system's libxxhash (0.8.1 and later choose the CPU's
 * vector instructions at run time: what {@code xxh128sum} uses), else hash4j in Java, about four
 * times slower; {@link #implementation()} says which and why. Digests are in the canonical byte
 * order {@code xxh128sum} prints: the high 64 bits, then the low, each big-endian.
 */
final class Xxh3 implements AutoCloseable {
    static final int LENGTH = 16;
    private static final String[] LIBRARIES = {"libxxhash.so.0", "libxxhash.so"};
    private static final Function CREATE;
    private static final Function FREE;
    private static final Function RESET;
    private static final Function UPDATE;
    private static final Function DIGEST;
    private static final String IMPLEMENTATION;

    static {
        Function create = null;
        Function free = null;
        Function reset = null;
        Function update = null;
        Function digest = null;
        String implementation = null;
        if (!LinuxLibc.library().isAvailable()) {
            implementation = "hash4j (no native calls)";
        } else {
            StringBuilder tried = new StringBuilder();
            for (String name : LIBRARIES) {
                Library lib = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
                long c = lib == null ? 0 : lib.getSymbolAddress("XXH3_createState");
                long f = lib == null ? 0 : lib.getSymbolAddress("XXH3_freeState");
                long r = lib == null ? 0 : lib.getSymbolAddress("XXH3_128bits_reset");
                long u = lib == null ? 0 : lib.getSymbolAddress("XXH3_128bits_update_dispatch");
                if (u == 0 && lib != null) {
                    u = lib.getSymbolAddress("XXH3_128bits_update"); // built without run-time dispatch
                }
                long d = lib == null ? 0 : lib.getSymbolAddress("XXH3_128bits_digest");
                if (c != 0 && f != 0 && r != 0 && u != 0 && d != 0) {
                    create = new Function(c, Type.POINTER);
                    free = new Function(f, Type.SINT, Type.POINTER);
                    reset = new Function(r, Type.SINT, Type.POINTER);
                    update = new Function(u, Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG);
                    digest = new Function(d, Struct.newStruct(Type.UINT64, Type.UINT64), Type.POINTER);
                    implementation = name;
                    break;
                }
                tried.append(tried.length() == 0 ? "" : "; ").append(lib == null ? Library.getLastError()
                        : name + " lacks the XXH3 streaming calls");
            }
            if (implementation == null) {
                implementation = "hash4j (no libxxhash: " + tried + ")";
            }
        }
        CREATE = create;
        FREE = free;
        RESET = reset;
        UPDATE = update;
        DIGEST = digest;
        IMPLEMENTATION = implementation;
    }

    private final long state;
    private final HashStream128 fallback;
    private byte[] heap;

    Xxh3() {
        if (CREATE != null) {
            state = Invoker.getInstance().invokeAddress(CREATE, new HeapInvocationBuffer(CREATE));
            if (state == 0) {
                throw new OutOfMemoryError("XXH3_createState");
            }
            fallback = null;
        } else {
            state = 0;
            fallback = Hashing.xxh3_128().hashStream();
        }
    }

    /** @return what computes the digests: the library's file name, or hash4j and why */
    static String implementation() {
        return IMPLEMENTATION;
    }

    void start() {
        if (fallback != null) {
            fallback.reset();
        } else {
            Invoker.getInstance().invokeL1(RESET.getCallContext(), RESET.getFunctionAddress(), state);
        }
    }

    void update(long address, int length) {
        if (fallback != null) {
            if (heap == null || heap.length < length) {
                heap = new byte[Math.max(length, 64 * 1024)];
            }
            NativeBuffer.IO.getByteArray(address, heap, 0, length);
            fallback.putBytes(heap, 0, length);
        } else {
            Invoker.getInstance().invokeL3(UPDATE.getCallContext(), UPDATE.getFunctionAddress(), state, address, length);
        }
    }

    /**
     * The digest of what was added so far, while the digest goes on: XXH3's digest of a streaming
     * state leaves the state as it was, in the library and in hash4j alike.
     */
    void peek(byte[] digest) {
        finish(digest);
    }

    void finish(byte[] digest) {
        long high;
        long low;
        if (fallback != null) {
            HashValue128 v = fallback.get();
            high = v.getMostSignificantBits();
            low = v.getLeastSignificantBits();
        } else {
            HeapInvocationBuffer call = new HeapInvocationBuffer(DIGEST);
            call.putAddress(state);
            byte[] r = new byte[16];
            Invoker.getInstance().invokeStruct(DIGEST, call, r, 0);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r).order(java.nio.ByteOrder.nativeOrder());
            low = b.getLong(); // XXH128_hash_t { low64; high64; }
            high = b.getLong();
        }
        for (int k = 0; k < 8; k++) {
            digest[k] = (byte) (high >>> (56 - 8 * k));
            digest[8 + k] = (byte) (low >>> (56 - 8 * k));
        }
    }

    @Override
    public void close() {
        if (state != 0) {
            Invoker.getInstance().invokeL1(FREE.getCallContext(), FREE.getFunctionAddress(), state);
        }
    }
}
