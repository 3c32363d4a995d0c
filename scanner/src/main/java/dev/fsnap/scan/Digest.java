package dev.fsnap.scan;

/** A content digest algorithm ({@link ScanOptions.Builder#digest}). */
public enum Digest {
    /** SHA-256: cryptographic, evidence against tampering; the CPU's SHA instructions through the system's libcrypto. */
    SHA256("sha256", 32),
    /** XXH3-128: much faster, not cryptographic: for bit rot only. */
    XXH3_128("xxh3-128", 16);

    private final String label;
    private final int length;

    Digest(String label, int length) {
        this.label = label;
        this.length = length;
    }

    /** @return its name in options, reports and snapshots: {@code sha256}, {@code xxh3-128} */
    public String label() {
        return label;
    }

    /** @return the digest's length in bytes */
    public int length() {
        return length;
    }

    /**
     * @param label a name as {@link #label()} gives it
     * @return the algorithm, or null when there is none of that name
     */
    public static Digest ofLabel(String label) {
        for (Digest d : values()) {
            if (d.label.equals(label)) {
                return d;
            }
        }
        return null;
    }
}
