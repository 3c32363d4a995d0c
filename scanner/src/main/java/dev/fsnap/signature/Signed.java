package dev.fsnap.signature;

import java.nio.file.Path;

/**
 * A signature made or verified: its file, its trusted comment, and its identity (the first 16
 * bytes of the file's signature, in hex), which names this signature of this file by this key.
 *
 * @param signatureFile the signature file ({@code FILE.minisig})
 * @param trustedComment the trusted comment, as signed
 * @param id the signature's identity: 32 hexadecimal digits
 */
public record Signed(Path signatureFile, String trustedComment, String id) {
}
