package dev.fsnap.bindings;

import com.kenai.jffi.Function;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/**
 * Ed25519 signatures through the system's libcrypto ({@code EVP_PKEY_ED25519} with
 * {@code EVP_DigestSign} and {@code EVP_DigestVerify}): what a minisign signature is made with. The
 * JDK's Ed25519 costs a short-lived JVM some 100 ms the first time (its provider set up, its Java
 * arithmetic compiled no further than C1), which is most of what signing adds to a nightly check;
 * libcrypto's costs well under a millisecond. Where there is no libcrypto the caller uses the JDK's.
 */
public final class Ed25519 {
    /** Bytes of a seed (the secret key). */
    public static final int SEED = 32;
    /** Bytes of a public key. */
    public static final int PUBLIC = 32;
    /** Bytes of a signature. */
    public static final int SIGNATURE = 64;
    /** {@code NID_ED25519}. */
    private static final int ED25519 = 1087;
    private static final String[] LIBRARIES = {"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so"};
    private static final Function NEW_PRIVATE;
    private static final Function NEW_PUBLIC;
    private static final Function GET_PUBLIC;
    private static final Function FREE_KEY;
    private static final Function NEW_CTX;
    private static final Function FREE_CTX;
    private static final Function SIGN_INIT;
    private static final Function SIGN;
    private static final Function VERIFY_INIT;
    private static final Function VERIFY;

    static {
        Function[] f = null;
        if (LinuxLibc.library().isAvailable()) {
            String[] names = {"EVP_PKEY_new_raw_private_key", "EVP_PKEY_new_raw_public_key",
                "EVP_PKEY_get_raw_public_key", "EVP_PKEY_free", "EVP_MD_CTX_new", "EVP_MD_CTX_free",
                "EVP_DigestSignInit", "EVP_DigestSign", "EVP_DigestVerifyInit", "EVP_DigestVerify"};
            for (String name : LIBRARIES) {
                Library lib = Library.getCachedInstance(name, Library.LAZY | Library.LOCAL);
                if (lib == null) {
                    continue;
                }
                long[] a = new long[names.length];
                boolean all = true;
                for (int i = 0; i < names.length; i++) {
                    a[i] = lib.getSymbolAddress(names[i]);
                    all &= a[i] != 0;
                }
                if (all) {
                    Type p = Type.POINTER;
                    f = new Function[] {
                        new Function(a[0], p, Type.SINT, p, p, Type.ULONG),
                        new Function(a[1], p, Type.SINT, p, p, Type.ULONG),
                        new Function(a[2], Type.SINT, p, p, p),
                        new Function(a[3], Type.VOID, p),
                        new Function(a[4], p),
                        new Function(a[5], Type.VOID, p),
                        new Function(a[6], Type.SINT, p, p, p, p, p),
                        new Function(a[7], Type.SINT, p, p, p, p, Type.ULONG),
                        new Function(a[8], Type.SINT, p, p, p, p, p),
                        new Function(a[9], Type.SINT, p, p, Type.ULONG, p, Type.ULONG)};
                    break;
                }
            }
        }
        NEW_PRIVATE = f == null ? null : f[0];
        NEW_PUBLIC = f == null ? null : f[1];
        GET_PUBLIC = f == null ? null : f[2];
        FREE_KEY = f == null ? null : f[3];
        NEW_CTX = f == null ? null : f[4];
        FREE_CTX = f == null ? null : f[5];
        SIGN_INIT = f == null ? null : f[6];
        SIGN = f == null ? null : f[7];
        VERIFY_INIT = f == null ? null : f[8];
        VERIFY = f == null ? null : f[9];
    }

    private Ed25519() {
    }

    /** @return whether libcrypto signs here */
    public static boolean available() {
        return NEW_PRIVATE != null;
    }

    private static void check() {
        if (NEW_PRIVATE == null) {
            throw new UnsupportedOperationException("no libcrypto with Ed25519 here");
        }
    }

    /**
     * @param seed a secret key's 32 bytes
     * @return its public key
     */
    public static byte[] publicKey(byte[] seed) {
        check();
        Invoker inv = Invoker.getInstance();
        try (NativeBuffer buf = new NativeBuffer(SEED + PUBLIC + 8)) {
            long key = privateKey(inv, buf, seed);
            try {
                NativeBuffer.IO.putLong(buf.address + SEED + PUBLIC, PUBLIC);
                if (inv.invokeL3(GET_PUBLIC.getCallContext(), GET_PUBLIC.getFunctionAddress(), key,
                        buf.address + SEED, buf.address + SEED + PUBLIC) != 1) {
                    throw new IllegalStateException("EVP_PKEY_get_raw_public_key failed");
                }
                byte[] out = new byte[PUBLIC];
                NativeBuffer.IO.getByteArray(buf.address + SEED, out, 0, PUBLIC);
                return out;
            } finally {
                inv.invokeL1(FREE_KEY.getCallContext(), FREE_KEY.getFunctionAddress(), key);
                NativeBuffer.IO.setMemory(buf.address, SEED, (byte) 0);
            }
        }
    }

    /**
     * @param seed a secret key's 32 bytes
     * @param message what to sign
     * @return the signature (64 bytes)
     */
    public static byte[] sign(byte[] seed, byte[] message) {
        check();
        Invoker inv = Invoker.getInstance();
        try (NativeBuffer buf = new NativeBuffer(SEED + SIGNATURE + 8 + Math.max(1, message.length))) {
            long key = privateKey(inv, buf, seed);
            long ctx = inv.invokeL0(NEW_CTX.getCallContext(), NEW_CTX.getFunctionAddress());
            try {
                if (ctx == 0 || inv.invokeL5(SIGN_INIT.getCallContext(), SIGN_INIT.getFunctionAddress(), ctx, 0, 0, 0,
                        key) != 1) {
                    throw new IllegalStateException("EVP_DigestSignInit refused Ed25519");
                }
                long sig = buf.address + SEED;
                long length = sig + SIGNATURE;
                long msg = length + 8;
                NativeBuffer.IO.putLong(length, SIGNATURE);
                NativeBuffer.IO.putByteArray(msg, message, 0, message.length);
                if (inv.invokeL5(SIGN.getCallContext(), SIGN.getFunctionAddress(), ctx, sig, length, msg,
                        message.length) != 1 || NativeBuffer.IO.getLong(length) != SIGNATURE) {
                    throw new IllegalStateException("EVP_DigestSign failed");
                }
                byte[] out = new byte[SIGNATURE];
                NativeBuffer.IO.getByteArray(sig, out, 0, SIGNATURE);
                return out;
            } finally {
                if (ctx != 0) {
                    inv.invokeL1(FREE_CTX.getCallContext(), FREE_CTX.getFunctionAddress(), ctx);
                }
                inv.invokeL1(FREE_KEY.getCallContext(), FREE_KEY.getFunctionAddress(), key);
                NativeBuffer.IO.setMemory(buf.address, SEED, (byte) 0);
            }
        }
    }

    /**
     * @param publicKey a public key's 32 bytes
     * @param message what was signed
     * @param signature the signature
     * @return whether the signature is the key's over the message (false for one of the wrong size)
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        check();
        if (publicKey.length != PUBLIC || signature.length != SIGNATURE) {
            return false;
        }
        Invoker inv = Invoker.getInstance();
        try (NativeBuffer buf = new NativeBuffer(PUBLIC + SIGNATURE + Math.max(1, message.length))) {
            NativeBuffer.IO.putByteArray(buf.address, publicKey, 0, PUBLIC);
            long key = inv.invokeL4(NEW_PUBLIC.getCallContext(), NEW_PUBLIC.getFunctionAddress(), ED25519, 0,
                    buf.address, PUBLIC);
            if (key == 0) {
                return false; // not a point of the curve
            }
            long ctx = inv.invokeL0(NEW_CTX.getCallContext(), NEW_CTX.getFunctionAddress());
            try {
                if (ctx == 0 || inv.invokeL5(VERIFY_INIT.getCallContext(), VERIFY_INIT.getFunctionAddress(), ctx, 0, 0,
                        0, key) != 1) {
                    throw new IllegalStateException("EVP_DigestVerifyInit refused Ed25519");
                }
                long sig = buf.address + PUBLIC;
                long msg = sig + SIGNATURE;
                NativeBuffer.IO.putByteArray(sig, signature, 0, SIGNATURE);
                NativeBuffer.IO.putByteArray(msg, message, 0, message.length);
                return inv.invokeL5(VERIFY.getCallContext(), VERIFY.getFunctionAddress(), ctx, sig, SIGNATURE, msg,
                        message.length) == 1;
            } finally {
                if (ctx != 0) {
                    inv.invokeL1(FREE_CTX.getCallContext(), FREE_CTX.getFunctionAddress(), ctx);
                }
                inv.invokeL1(FREE_KEY.getCallContext(), FREE_KEY.getFunctionAddress(), key);
            }
        }
    }

    /** The private key of a seed copied into {@code buf}'s first bytes; the caller frees it. */
    private static long privateKey(Invoker inv, NativeBuffer buf, byte[] seed) {
        if (seed.length != SEED) {
            throw new IllegalArgumentException("an Ed25519 seed is 32 bytes, not " + seed.length);
        }
        NativeBuffer.IO.putByteArray(buf.address, seed, 0, SEED);
        long key = inv.invokeL4(NEW_PRIVATE.getCallContext(), NEW_PRIVATE.getFunctionAddress(), ED25519, 0,
                buf.address, SEED);
        if (key == 0) {
            NativeBuffer.IO.setMemory(buf.address, SEED, (byte) 0);
            throw new IllegalStateException("EVP_PKEY_new_raw_private_key refused an Ed25519 seed");
        }
        return key;
    }
}
