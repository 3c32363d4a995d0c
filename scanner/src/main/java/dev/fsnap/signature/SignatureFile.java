package dev.fsnap.signature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A signature file as minisign writes it ({@code FILE.minisig}): an untrusted comment; the kind
 * {@code ED}, the key id and the Ed25519 signature of the file's BLAKE2b-512; the trusted comment;
 * and the signature of the first signature and the trusted comment together.
 */
final class SignatureFile {
    private final byte[] keyId;
    private final byte[] signature;
    private final byte[] trustedComment;
    private final byte[] commentSignature;

    private SignatureFile(byte[] keyId, byte[] signature, byte[] trustedComment, byte[] commentSignature) {
        this.keyId = keyId;
        this.signature = signature;
        this.trustedComment = trustedComment;
        this.commentSignature = commentSignature;
    }

    /** @return where the signature of a file is kept: beside it, named as minisign names it */
    static Path of(Path file) {
        return file.resolveSibling(file.getFileName() + ".minisig");
    }

    /**
     * @param file the signed file, for messages
     * @param signatureFile the signature file
     * @throws SignatureRefusedException when it is not a signature file of this format
     */
    static SignatureFile read(Path file, Path signatureFile) throws IOException {
        byte[] content;
        try {
            content = Minisign.readSmall(signatureFile);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw malformed(file, signatureFile, e.getMessage());
        }
        List<String> lines = Minisign.lines(content);
        if (lines.size() < 4) {
            throw malformed(file, signatureFile, "four lines expected, " + lines.size() + " found (a signify"
                    + " signature has no trusted comment)");
        }
        if (!lines.get(0).startsWith(Minisign.UNTRUSTED) || !lines.get(2).startsWith(Minisign.TRUSTED)) {
            throw malformed(file, signatureFile, "its comment lines do not start with \"" + Minisign.UNTRUSTED
                    + "\" and \"" + Minisign.TRUSTED + "\"");
        }
        byte[] b = Minisign.base64(lines.get(1), 2 + Minisign.KEY_ID + Minisign.SIGNATURE);
        if (b == null) {
            throw malformed(file, signatureFile, "its second line is not a signature in base64");
        }
        if (b[0] == Minisign.ALGORITHM[0] && b[1] == Minisign.ALGORITHM[1]) {
            throw malformed(file, signatureFile, "a legacy signature of the whole file (minisign -l): fsnap"
                    + " verifies minisign's default, the signature of the file's BLAKE2b hash");
        }
        if (b[0] != Minisign.HASHED[0] || b[1] != Minisign.HASHED[1]) {
            throw malformed(file, signatureFile, "a signature of an unknown kind");
        }
        byte[] global = Minisign.base64(lines.get(3), Minisign.SIGNATURE);
        if (global == null) {
            throw malformed(file, signatureFile, "its fourth line is not a signature in base64");
        }
        return new SignatureFile(Arrays.copyOfRange(b, 2, 2 + Minisign.KEY_ID),
                Arrays.copyOfRange(b, 2 + Minisign.KEY_ID, b.length),
                lines.get(2).substring(Minisign.TRUSTED.length()).getBytes(StandardCharsets.ISO_8859_1), global);
    }

    private static SignatureRefusedException malformed(Path file, Path signatureFile, String why) {
        return new SignatureRefusedException(file, SignatureRefusedException.Reason.MALFORMED,
                file + ": its signature " + signatureFile + " is not a minisign signature: " + why);
    }

    /** Makes and writes a signature of a file. */
    static void write(Path signatureFile, byte[] keyId, byte[] signature, byte[] trustedComment,
                      byte[] commentSignature) throws IOException {
        byte[] line = new byte[2 + Minisign.KEY_ID + Minisign.SIGNATURE];
        System.arraycopy(Minisign.HASHED, 0, line, 0, 2);
        System.arraycopy(keyId, 0, line, 2, Minisign.KEY_ID);
        System.arraycopy(signature, 0, line, 2 + Minisign.KEY_ID, Minisign.SIGNATURE);
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream(512);
        text.writeBytes((Minisign.UNTRUSTED + "signature from fsnap, key " + Minisign.keyIdText(keyId) + "\n"
                + Minisign.base64(line) + "\n" + Minisign.TRUSTED).getBytes(StandardCharsets.UTF_8));
        text.writeBytes(trustedComment);
        text.writeBytes(("\n" + Minisign.base64(commentSignature) + "\n").getBytes(StandardCharsets.UTF_8));
        Minisign.write(signatureFile, text.toByteArray(), false);
    }

    /** @return what the second signature signs: the first signature, then the trusted comment's bytes */
    static byte[] signed(byte[] signature, byte[] c) {
        byte[] m = Arrays.copyOf(signature, Minisign.SIGNATURE + c.length);
        System.arraycopy(c, 0, m, Minisign.SIGNATURE, c.length);
        return m;
    }

    byte[] signed() {
        return signed(signature, trustedComment);
    }

    byte[] keyId() {
        return keyId;
    }

    byte[] signature() {
        return signature;
    }

    /** @return the trusted comment, as UTF-8 */
    String trustedComment() {
        return new String(trustedComment, StandardCharsets.UTF_8);
    }

    byte[] commentSignature() {
        return commentSignature;
    }
}
