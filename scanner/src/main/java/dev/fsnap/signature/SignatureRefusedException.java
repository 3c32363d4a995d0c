package dev.fsnap.signature;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file whose signature does not show that a trusted key signed it as it is: nothing it says may
 * be used. The message names the file and what failed.
 */
public final class SignatureRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Reason {
        /** There is no signature file beside it. */
        MISSING,
        /** The signature file is not a signature of this format. */
        MALFORMED,
        /** It was signed by another key than the one trusted. */
        OTHER_KEY,
        /** The signature does not match the file's bytes or its trusted comment: either was changed. */
        INVALID,
        /**
         * Validly signed, but older than one already seen (an earlier signed file put back), or not
         * the one seen under its number: what the signature covers is not what may be used now.
         */
        ROLLBACK
    }

    private final transient Path file;
    /** What failed. */
    private final Reason reason;

    /**
     * @param file the signed file
     * @param reason what failed
     * @param message what is said: the file and what failed
     */
    public SignatureRefusedException(Path file, Reason reason, String message) {
        super(message);
        this.file = file;
        this.reason = reason;
    }

    /** @return the signed file (not its signature file) */
    public Path file() {
        return file;
    }

    /** @return what failed */
    public Reason reason() {
        return reason;
    }
}
