package dev.fsnap.bindings;

import com.kenai.jffi.Function;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * BLAKE2b-512 of a whole file, through the system's libcrypto ({@code EVP_blake2b512}): what a
 * minisign signature signs. A short-lived JVM never compiles a Java BLAKE2b past C1, where it hashes
 * some 40 MB/s; libcrypto hashes a snapshot at the disk's speed. Where there is no libcrypto the
 * caller hashes in Java.
 */
public final class Blake2b512 {
    /** Bytes of a digest. */
    public static final int LENGTH = 64;
    private static final String[] LIBRARIES = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};
    private static final int CHUNK = 1 << 20;
    private static final Function NEW;
    private static final Function FREE;
    private static final Function MD;
    private static final Function INIT;
    private static final Function UPDATE;
    private static final Function FINAL;

    static {
        Function[] f = null;
        if (LinuxLibc.library().isAvailable()) {
            for (String name : LIBRARIES) {
                Library lib = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
                if (lib == null) {
                    continue;
                }
                long n = lib.getSymbolAddress("EVP_MD_CTX_new");
                long fr = lib.getSymbolAddress("EVP_MD_CTX_free");
                long md = lib.getSymbolAddress("EVP_blake2b512");
                long i = lib.getSymbolAddress("EVP_DigestInit_ex");
                long u = lib.getSymbolAddress("EVP_DigestUpdate");
                long fi = lib.getSymbolAddress("EVP_DigestFinal_ex");
                if (n != 0 && fr != 0 && md != 0 && i != 0 && u != 0 && fi != 0) {
                    f = new Function[] {new Function(n, Type.POINTER), new Function(fr, Type.VOID, Type.POINTER),
                        new Function(md, Type.POINTER), new Function(i, Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER),
                        new Function(u, Type.SINT, Type.POINTER, Type.POINTER, Type.ULONG),
                        new Function(fi, Type.SINT, Type.POINTER, Type.POINTER, Type.POINTER)};
                    break;
                }
            }
        }
        NEW = f == null ? null : f[0];
        FREE = f == null ? null : f[1];
        MD = f == null ? null : f[2];
        INIT = f == null ? null : f[3];
        UPDATE = f == null ? null : f[4];
        FINAL = f == null ? null : f[5];
    }

    private Blake2b512() {
    }

    /** @return whether libcrypto hashes here */
    public static boolean available() {
        return NEW != null;
    }

    /**
     * @param file a file, read from its start to its end
     * @return its BLAKE2b-512
     * @throws IOException when it cannot be read
     * @throws UnsupportedOperationException when libcrypto is not here ({@link #available()})
     */
    public static byte[] ofFile(Path file) throws IOException {
        if (NEW == null) {
            throw new UnsupportedOperationException("no libcrypto with BLAKE2b here");
        }
        Invoker invoker = Invoker.getInstance();
        long ctx = invoker.invokeL0(NEW.getCallContext(), NEW.getFunctionAddress());
        if (ctx == 0) {
            throw new OutOfMemoryError("EVP_MD_CTX_new");
        }
        try (NativeBuffer in = new NativeBuffer(CHUNK); NativeBuffer out = new NativeBuffer(LENGTH + 8);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long md = invoker.invokeL0(MD.getCallContext(), MD.getFunctionAddress());
            if (invoker.invokeL3(INIT.getCallContext(), INIT.getFunctionAddress(), ctx, md, 0) != 1) {
                throw new IllegalStateException("EVP_DigestInit_ex refused BLAKE2b-512");
            }
            byte[] chunk = new byte[CHUNK];
            ByteBuffer b = ByteBuffer.wrap(chunk);
            while (ch.read(b.clear()) >= 0) {
                int n = b.position();
                if (n > 0) {
                    NativeBuffer.IO.putByteArray(in.address, chunk, 0, n);
                    invoker.invokeL3(UPDATE.getCallContext(), UPDATE.getFunctionAddress(), ctx, in.address, n);
                }
            }
            invoker.invokeL3(FINAL.getCallContext(), FINAL.getFunctionAddress(), ctx, out.address, out.address + LENGTH);
            byte[] digest = new byte[LENGTH];
            NativeBuffer.IO.getByteArray(out.address, digest, 0, LENGTH);
            return digest;
        } finally {
            invoker.invokeL1(FREE.getCallContext(), FREE.getFunctionAddress(), ctx);
        }
    }
}
