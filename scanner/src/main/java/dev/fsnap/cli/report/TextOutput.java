package dev.fsnap.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Standard output as buffered UTF-8 text, for the reports written for a person. */
final class TextOutput {
    private final BufferedWriter out;

    TextOutput(OutputStream out) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * @param text what to write
     * @throws UncheckedIOException when it cannot be written (a full disk, a closed pipe)
     */
    void write(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }

    /** @throws UncheckedIOException when what is buffered cannot be written */
    void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the output: " + e.getMessage(), e);
        }
    }
}
