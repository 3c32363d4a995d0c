package dev.fsnap.repository;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The repository is a library the command line uses, never the other way round: no source of
 * {@code dev.fsnap.repository} names {@code dev.fsnap.cli} (an import, or a qualified name), as
 * its package-info says.
 */
class RepositoryImportsTest {
    @Test
    void theRepositoryNamesNothingOfTheCommandLine() throws Exception {
        Path dir = Path.of("src/main/java/dev/fsnap/repository");
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertTrue(sources.size() > 10, sources.toString());
        List<String> offending = sources.stream().filter(p -> {
            try {
                return Files.readString(p).lines().filter(l -> !l.strip().startsWith("*"))
                        .anyMatch(l -> l.contains("dev.fsnap.cli"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of(), offending);
        assertTrue(Files.readString(dir.resolve("package-info.java")).contains("never {@code dev.fsnap.cli}"));
    }
}
