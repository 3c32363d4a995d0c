package dev.fsnap.cli;

import dev.fsnap.scan.Field;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** Standard output for a report: JSON lines, or buffered UTF-8 text lines. */
final class Stdout {
    /** The JSON writer, or null when the report is text. */
    final JsonLines json;
    private final BufferedWriter text;

    private Stdout(boolean json, Set<Field> absent) {
        FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
        this.json = json ? new JsonLines(stdout, absent) : null;
        this.text = json ? null : new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * @param json whether the report is JSON lines
     * @param absent the fields the entries' backend could not read, left out of JSON objects
     */
    static Stdout of(boolean json, Set<Field> absent) {
        return new Stdout(json, absent);
    }

    /** Writes one line of text (with its line end). */
    void line(String line) {
        try {
            text.write(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }

    void flush() {
        if (json != null) {
            json.flush();
            return;
        }
        try {
            text.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }
}
