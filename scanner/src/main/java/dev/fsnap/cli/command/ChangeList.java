package dev.fsnap.cli.command;

import dev.fsnap.internal.IoMessages;
import dev.fsnap.internal.Json;
import dev.fsnap.internal.PathText;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The changes a report listed, as {@code check}, {@code diff} and {@code verify} write them with
 * {@code --format json} (docs/json.md): what {@code approve --changes-from} approves. Each change
 * line gives its path ({@code path}, or {@code path_b64} for a name that is no UTF-8; {@code .} is
 * the root), and a move its old one too; the summary line is passed over. Anything else is refused,
 * naming the line: an approval never guesses what a person meant.
 */
final class ChangeList {
    /** A list far longer than any report's: a file of another kind. */
    private static final long MAX_BYTES = 1L << 30;

    private ChangeList() {
    }

    /** Why a file is not a list of changes: the file, the line and what is wrong. */
    static final class NotAList extends Exception {
        private static final long serialVersionUID = 1L;

        NotAList(String message) {
            super(message);
        }
    }

    /**
     * @param file the list, or null for standard input
     * @param stdinTaken whether standard input carries the passphrase (then it cannot carry the list)
     * @return the paths the changes are at, relative to the root
     * @throws NotAList when a line is not a change of fsnap's JSON report, or there is none
     * @throws IOException when the file cannot be read
     */
    static List<byte[]> read(Path file, boolean stdinTaken) throws NotAList, IOException {
        String name = file == null ? "standard input" : file.toString();
        byte[] bytes;
        if (file == null) {
            if (stdinTaken) {
                throw new NotAList("--changes-from - and --passphrase-fd 0 both read standard input: give the"
                        + " changes in a file");
            }
            @SuppressWarnings("resource") // standard input is not this command's to close
            InputStream in = new FileInputStream(java.io.FileDescriptor.in);
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_BYTES));
        } else {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                throw new NotAList(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IOException(IoMessages.describe(e), e);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotAList(name + ": not UTF-8 text: not a list of changes as --format json writes them");
        }
        List<byte[]> paths = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = name + " line " + (n + 1);
            Object v;
            try {
                v = Json.parse(line);
            } catch (IllegalArgumentException e) {
                throw new NotAList(where + ": not JSON (" + e.getMessage() + "): not a change as --format json writes it");
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw new NotAList(where + ": not a change as --format json writes it");
            }
            if (m.containsKey("summary")) {
                continue;
            }
            if (!(m.get("op") instanceof String)) {
                throw new NotAList(where + ": no \"op\": a line of a listing, not a change (approve takes what check,"
                        + " diff and verify report)");
            }
            paths.add(path(m, "path", where));
            if (m.containsKey("from") || m.containsKey("from_b64")) {
                paths.add(path(m, "from", where));
            }
        }
        if (paths.isEmpty()) {
            throw new NotAList(name + ": lists no change");
        }
        return paths;
    }

    private static byte[] path(Map<?, ?> m, String key, String where) throws NotAList {
        Object text = m.get(key);
        Object b64 = m.get(key + "_b64");
        if (text instanceof String s) {
            return s.equals(".") ? new byte[0] : PathText.bytes(s);
        }
        if (b64 instanceof String s) {
            try {
                return Base64.getDecoder().decode(s);
            } catch (IllegalArgumentException e) {
                throw new NotAList(where + ": \"" + key + "_b64\" is not base64");
            }
        }
        throw new NotAList(where + ": no \"" + key + "\"");
    }
}
