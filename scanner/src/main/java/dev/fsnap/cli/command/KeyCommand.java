package dev.fsnap.cli.command;

import dev.fsnap.cli.args.Arguments;
import dev.fsnap.cli.args.ScanArguments;
import dev.fsnap.cli.console.ExitStatus;
import dev.fsnap.internal.IoMessages;
import dev.fsnap.signature.SigningKey;
import dev.fsnap.signature.TrustedKey;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code fsnap key new}: a key pair to sign snapshots with, in minisign's format. */
public final class KeyCommand extends Command {
    String action;
    Path publicFile;
    Path secretFile;
    boolean noPassphrase;
    final Signing signing = new Signing();

    public KeyCommand() {
        super("key", new String[] {
                "Makes a key pair to sign snapshots with: fsnap key new --public PUBLIC --secret SECRET.",
                "The files are minisign's (minisign -V verifies what fsnap signs; a key pair made by",
                "minisign -G signs in fsnap). The secret key is encrypted with a passphrase typed twice on",
                "the terminal, or read from --passphrase-fd; keep it where the nightly job cannot read it.",
                "The nightly job needs the public key alone (--trust-key)."
            }, new String[] {
                " 0:the key pair was written",
                " 2:bad usage, a file that exists already (a key is never overwritten), or one that cannot be",
                "   written"
            });
    }

    @Override
    void declare(Arguments a) {
        a.parameter("new", "What to do: new, the only action.", v -> {
            if (!v.equals("new")) {
                throw new IllegalArgumentException("the action is new (make a key pair), not '" + v + "'");
            }
            action = v;
        });
        a.requiredOption("PUBLIC", "Write the public key to PUBLIC.", v -> publicFile = ScanArguments.path(v), "--public");
        a.requiredOption("SECRET", "Write the secret key to SECRET (mode 0600; never over an existing file).",
                v -> secretFile = ScanArguments.path(v), "--secret");
        a.flag("Write the secret key unencrypted (minisign -W): for a key kept offline or on a removable key.",
                () -> noPassphrase = true, "--no-passphrase");
        signing.declarePassphrase(a);
    }

    @Override
    int call() {
        if (noPassphrase && signing.passphraseFd != null) {
            err.println("fsnap: --no-passphrase and --passphrase-fd do not go together");
            return ExitStatus.TROUBLE;
        }
        for (Path p : new Path[] {publicFile, secretFile}) {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                err.println("fsnap: " + p + " exists: a key is never overwritten; remove it first, or choose another name");
                return ExitStatus.TROUBLE;
            }
        }
        SigningKey key = SigningKey.generate();
        byte[] passphrase = null;
        try {
            passphrase = noPassphrase ? null : Signing.passphrase(secretFile, signing.passphraseFd, true);
            if (passphrase != null && passphrase.length == 0) {
                err.println("fsnap: an empty passphrase protects nothing: give one, or write the key with --no-passphrase");
                return ExitStatus.TROUBLE;
            }
            key.write(secretFile, passphrase);
        } catch (FileAlreadyExistsException e) {
            err.println("fsnap: " + secretFile + " exists: a key is never overwritten");
            return ExitStatus.TROUBLE;
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e));
            return ExitStatus.TROUBLE;
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, (byte) 0);
            }
        }
        TrustedKey pub = key.trustedKey();
        try {
            pub.write(publicFile);
        } catch (IOException e) {
            err.println("fsnap: " + IoMessages.describe(e) + " (the secret key " + secretFile + " was written)");
            return ExitStatus.TROUBLE;
        }
        out.println("key " + pub.id() + ": public key " + publicFile + ", secret key " + secretFile
                + (noPassphrase ? " (not encrypted)" : " (encrypted)"));
        out.println("verify with: minisign -V -p " + publicFile + " -m SNAPSHOT");
        return ExitStatus.OK;
    }
}
