/**
 * Keys and signatures in minisign's documented format, exported: a snapshot signed by fsnap
 * verifies with {@code minisign -V}, and a key pair made by {@code minisign -G} signs and verifies
 * in fsnap. {@code SigningKey} (the secret half, read with its passphrase) signs a file;
 * {@code TrustedKey} (the public half, all a nightly check needs) verifies one, or refuses it with a
 * {@code SignatureRefusedException} that names the file and what failed. Ed25519 and BLAKE2b are the
 * system's libcrypto's where it is here (a short-lived JVM pays some 100 ms for the JDK's Ed25519 the
 * first time), else the JDK's and Bouncy Castle's; scrypt is Bouncy Castle's.
 *
 * <p>Owns: the key and signature files, and what a signature covers: every byte of the signed file
 * and a one-line trusted comment.
 *
 * <p>May import: {@code dev.fsnap.bindings} (a key or signature file opened without following a link
 * or waiting on a FIFO; libcrypto's BLAKE2b and Ed25519).
 */
package dev.fsnap.signature;
