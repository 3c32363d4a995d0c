package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Snapshots signed in minisign's format: what fsnap signs, minisign verifies (and refuses after one
 * flipped byte); keys minisign makes sign in fsnap, and fsnap's encrypted keys sign in minisign; and
 * the moves of an intruder who can write the snapshots but has not the secret key are each refused
 * with exit 5, nothing compared.
 */
class SignatureTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void tree() throws Exception {
        root = TreeBuilder.at(dir.resolve("t")).file("etc/passwd", 20).file("bin/ls", 100).root();
    }

    private static void minisignInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/minisign")),
                "minisign is missing (Debian: apt-get install minisign)");
    }

    /** Runs a command with {@code input} on its standard input; its status, and both outputs in {@code out}. */
    private static int withInput(String input, StringBuilder out, List<String> command) throws Exception {
        List<String> c = new ArrayList<>(List.of("bash", "-c", "printf '%s' \"$1\" | \"${@:2}\"", "_", input));
        c.addAll(command);
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        return p.waitFor();
    }

    private Path keyPair(String name) {
        CliTest.Run r = fsnap("key", "new", "--public", dir.resolve(name + ".pub").toString(), "--secret",
                dir.resolve(name + ".key").toString(), "--no-passphrase");
        assertEquals(0, r.status(), r.err());
        return dir.resolve(name + ".key");
    }

    private Path signedScan(String name, Path key) {
        Path snap = dir.resolve(name);
        CliTest.Run r = fsnap("scan", root.toString(), "-o", snap.toString(), "--sign-key", key.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(dir.resolve(name + ".minisig")), "the signature beside the snapshot");
        return snap;
    }

    @Test
    void aSnapshotFsnapSignsVerifiesWithMinisignAndNotAfterOneFlippedByte() throws Exception {
        minisignInstalled();
        Path snap = signedScan("a.snap", keyPair("k"));
        String pub = dir.resolve("k.pub").toString();
        StringBuilder out = new StringBuilder();
        assertEquals(0, CliTest.sh("minisign -V -p \"$1\" -m \"$2\"", out, pub, snap.toString()), out.toString());
        assertTrue(out.toString().contains("Signature and comment signature verified"), out.toString());
        assertTrue(out.toString().contains("fsnap snapshot of " + root.toAbsolutePath()), out.toString());
        assertEquals(0, fsnap("verify", snap.toString(), "--trust-key", pub).status());

        byte[] b = Files.readAllBytes(snap);
        b[b.length / 2] ^= 1;
        Files.write(snap, b);
        out.setLength(0);
        assertEquals(1, CliTest.sh("minisign -V -p \"$1\" -m \"$2\"", out, pub, snap.toString()), out.toString());
        assertTrue(out.toString().contains("Signature verification failed"), out.toString());
        CliTest.Run r = fsnap("verify", snap.toString(), "--trust-key", pub);
        assertEquals(5, r.status(), r.err());
        assertEquals("fsnap: refused: " + snap + ": its signature " + snap + ".minisig does not match its bytes: the file"
                + " was changed after it was signed\n", r.err());
    }

    @Test
    void keysMinisignMakesSignInFsnapWithAndWithoutAPassphrase() throws Exception {
        minisignInstalled();
        StringBuilder out = new StringBuilder();
        Path plainPub = dir.resolve("m.pub");
        Path plainKey = dir.resolve("m.key");
        assertEquals(0, CliTest.sh("minisign -G -W -p \"$1\" -s \"$2\"", out, plainPub.toString(), plainKey.toString()),
                out.toString());
        Path snap = signedScan("m.snap", plainKey);
        assertEquals(0, fsnap("verify", snap.toString(), "--trust-key", plainPub.toString()).status());
        assertEquals(0, CliTest.sh("minisign -V -p \"$1\" -m \"$2\"", plainPub.toString(), snap.toString()));

        // A passphrase, as minisign -G asks it (twice), with minisign's own scrypt limits (1 GiB).
        Path pub = dir.resolve("e.pub");
        Path key = dir.resolve("e.key");
        out.setLength(0);
        assertEquals(0, withInput("cellar door\ncellar door\n", out, List.of("minisign", "-G", "-p", pub.toString(),
                "-s", key.toString())), out.toString());
        Path signed = dir.resolve("e.snap");
        out.setLength(0);
        assertEquals(2, withInput("wrong\n", out, CliTest.command("scan", root.toString(), "-o", signed.toString(),
                "--sign-key", key.toString(), "--passphrase-fd", "0")), out.toString());
        assertEquals("fsnap: " + key + ": wrong passphrase for this key\n", out.toString());
        assertFalse(Files.exists(signed), "a wrong passphrase ends the run before the scan");
        out.setLength(0);
        assertEquals(0, withInput("cellar door\n", out, CliTest.command("scan", root.toString(), "-o", signed.toString(),
                "--sign-key", key.toString(), "--passphrase-fd", "0")), out.toString());
        assertEquals(0, fsnap("verify", signed.toString(), "--trust-key", pub.toString()).status());
        assertEquals(0, CliTest.sh("minisign -V -p \"$1\" -m \"$2\"", pub.toString(), signed.toString()));
    }

    @Test
    void aKeyFsnapEncryptsSignsInMinisign() throws Exception {
        minisignInstalled();
        Path pub = dir.resolve("f.pub");
        Path key = dir.resolve("f.key");
        StringBuilder out = new StringBuilder();
        assertEquals(0, withInput("open sesame\n", out, CliTest.command("key", "new", "--public", pub.toString(),
                "--secret", key.toString(), "--passphrase-fd", "0")), out.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
        Path file = Files.writeString(dir.resolve("msg"), "signed by minisign with fsnap's key\n");
        out.setLength(0);
        assertEquals(0, withInput("open sesame\n", out, List.of("minisign", "-S", "-s", key.toString(), "-m",
                file.toString())), out.toString());
        out.setLength(0);
        assertEquals(0, CliTest.sh("minisign -V -p \"$1\" -m \"$2\"", out, pub.toString(), file.toString()), out.toString());

        CliTest.Run again = fsnap("key", "new", "--public", dir.resolve("g.pub").toString(), "--secret", key.toString(),
                "--no-passphrase");
        assertEquals(2, again.status());
        assertEquals("fsnap: " + key + " exists: a key is never overwritten; remove it first, or choose another name\n",
                again.err());
    }

    /** The intruder can write every snapshot and signature file, but has not the secret key. */
    @Test
    void anIntrudersMovesAreEachRefusedAndNothingIsCompared() throws Exception {
        Path key = keyPair("k");
        String pub = dir.resolve("k.pub").toString();
        Path baseline = signedScan("base.snap", key);
        Path backup = Files.copy(baseline, dir.resolve("base.copy"));

        // 1. A baseline rewritten to hold the backdoor: a whole snapshot of his, every hash recomputed.
        Files.writeString(root.resolve("bin/backdoor"), "x");
        assertEquals(0, fsnap("scan", root.toString(), "-o", dir.resolve("forged.snap").toString()).status());
        Files.copy(dir.resolve("forged.snap"), baseline, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(0, fsnap("verify", baseline.toString()).status(), "whole, as far as hashes tell");
        Path tonight = dir.resolve("tonight.snap");
        CliTest.Run r = fsnap("check", root.toString(), "--against", baseline.toString(), "-o", tonight.toString(),
                "--trust-key", pub);
        assertEquals(5, r.status(), r.err());
        assertEquals("fsnap: refused: " + baseline + ": its signature " + baseline + ".minisig does not match its bytes:"
                + " the file was changed after it was signed\nfsnap: " + baseline + " was not compared against, and "
                + "nothing was scanned or written\n", r.err());
        assertFalse(Files.exists(tonight));
        assertEquals(1, fsnap("check", root.toString(), "--against", backup.toString(), "-o", tonight.toString())
                .status(), "the backdoor is there to be seen against the real baseline");

        // 2. The signature deleted.
        Files.copy(backup, baseline, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("base.snap.minisig"), dir.resolve("kept.minisig"));
        r = fsnap("diff", baseline.toString(), tonight.toString(), "--trust-key", pub);
        assertEquals(5, r.status(), r.err());
        assertEquals("fsnap: refused: " + baseline + ": not signed: its signature " + baseline + ".minisig is missing\n",
                r.err());

        // 3. Signed by a key of his own.
        Path his = keyPair("intruder");
        CliTest.Run own = fsnap("scan", root.toString(), "-o", baseline.toString(), "--sign-key", his.toString());
        assertEquals(0, own.status(), own.err());
        r = fsnap("verify", baseline.toString(), "--trust-key", pub);
        assertEquals(5, r.status());
        String trusted = dev.fsnap.signature.TrustedKey.read(Path.of(pub)).id();
        String intruder = dev.fsnap.signature.TrustedKey.read(dir.resolve("intruder.pub")).id();
        assertEquals("fsnap: refused: " + baseline + ": signed by key " + intruder + ", not by the trusted key "
                + trusted + "\n", r.err());

        // 4. The real signature put back, its trusted comment edited to say something else.
        Files.copy(backup, baseline, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> sig = Files.readAllLines(dir.resolve("kept.minisig"));
        sig.set(2, sig.get(2).replace("fsnap snapshot of", "approved snapshot of"));
        Files.write(dir.resolve("base.snap.minisig"), sig);
        r = fsnap("verify", baseline.toString(), "--trust-key", pub);
        assertEquals(5, r.status());
        assertEquals("fsnap: refused: " + baseline + ": the trusted comment of its signature " + baseline
                + ".minisig was changed after it was signed\n", r.err());

        // 5. Something that is no signature at all; and, put back as it was, the baseline is trusted again.
        Files.writeString(dir.resolve("base.snap.minisig"), "untrusted comment: trust me\nnot a signature\n");
        r = fsnap("verify", baseline.toString(), "--trust-key", pub);
        assertEquals(5, r.status());
        assertTrue(r.err().startsWith("fsnap: refused: " + baseline + ": its signature " + baseline
                + ".minisig is not a minisign signature: four lines expected"), r.err());
        Files.copy(dir.resolve("kept.minisig"), dir.resolve("base.snap.minisig"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        r = fsnap("check", root.toString(), "--against", baseline.toString(), "-o", tonight.toString(),
                "--trust-key", pub, "--sign-key", key.toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(0, fsnap("verify", tonight.toString(), "--trust-key", pub).status(), "tonight's snapshot signed too");
    }

    @Test
    void badKeyFilesAreSaidByNameAndExitTwo() throws Exception {
        Files.writeString(dir.resolve("junk.pub"), "untrusted comment: x\nnot base64 at all\n");
        CliTest.Run r = fsnap("verify", dir.resolve("none.snap").toString(), "--trust-key", dir.resolve("junk.pub").toString());
        assertEquals(2, r.status());
        assertEquals("fsnap: " + dir.resolve("junk.pub") + ": not a public key: its second line is not an Ed25519 key in"
                + " base64 as minisign writes it\n", r.err());
        r = fsnap("scan", root.toString(), "-o", dir.resolve("x.snap").toString(), "--sign-key",
                dir.resolve("junk.pub").toString());
        assertEquals(2, r.status());
        assertEquals("fsnap: " + dir.resolve("junk.pub") + ": not a secret key as minisign writes it (a public key, or"
                + " signify's secret key, is not one)\n", r.err());
        r = fsnap("scan", root.toString(), "--sign-key", keyPair("k").toString());
        assertEquals(2, r.status());
        assertEquals("fsnap: --sign-key signs the snapshot written with -o or --repo\n", r.err());
        r = fsnap("key", "new", "--public", dir.resolve("p").toString(), "--secret", dir.resolve("s").toString(),
                "--passphrase-fd", "7");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("the passphrase is read from descriptor 0, standard input"), r.err());

        // A key named through a link (/etc/alternatives, a mounted secret) is what the link leads to.
        Path link = Files.createSymbolicLink(dir.resolve("link.pub"), dir.resolve("k.pub"));
        Path snap = signedScan("l.snap", dir.resolve("k.key"));
        assertEquals(0, fsnap("verify", snap.toString(), "--trust-key", link.toString()).status());

        // Standard input empty or closed is no passphrase, and no key protected by an empty one is made.
        StringBuilder out = new StringBuilder();
        assertEquals(2, withInput("", out, CliTest.command("key", "new", "--public", dir.resolve("e.pub").toString(),
                "--secret", dir.resolve("e.key").toString(), "--passphrase-fd", "0")), out.toString());
        assertEquals("fsnap: " + dir.resolve("e.key") + ": no passphrase on descriptor 0: it was empty, or closed\n",
                out.toString());
        out.setLength(0);
        assertEquals(2, withInput("\n", out, CliTest.command("key", "new", "--public", dir.resolve("e.pub").toString(),
                "--secret", dir.resolve("e.key").toString(), "--passphrase-fd", "0")), out.toString());
        assertEquals("fsnap: an empty passphrase protects nothing: give one, or write the key with --no-passphrase\n",
                out.toString());
        assertFalse(Files.exists(dir.resolve("e.key")));
    }

    @Test
    void aMergeAndARepositorysFirstRunAreSignedToo() throws Exception {
        Path key = keyPair("k");
        String pub = dir.resolve("k.pub").toString();
        Path plan = dir.resolve("plan.json");
        assertEquals(0, fsnap("plan", root.toString(), "--shards", "2", "-o", plan.toString()).status());
        List<String> merge = new ArrayList<>(List.of("merge", plan.toString()));
        for (int k = 0; k < 2; k++) {
            Path part = dir.resolve("part" + k + ".snap");
            assertEquals(0, fsnap("scan", root.toString(), "--shard", plan + ":" + k, "-o", part.toString()).status());
            merge.add(part.toString());
        }
        Path merged = dir.resolve("merged.snap");
        merge.addAll(List.of("-o", merged.toString(), "--sign-key", key.toString()));
        CliTest.Run r = fsnap(merge.toArray(new String[0]));
        assertEquals(0, r.status(), r.err());
        assertEquals(0, fsnap("verify", merged.toString(), "--trust-key", pub).status());

        Path repo = dir.resolve("repo");
        r = fsnap("check", root.toString(), "--repo", repo.toString(), "--sign-key", key.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(0, fsnap("verify", repo + "@latest", "--trust-key", pub).status(), "the first run, signed");
    }
}
