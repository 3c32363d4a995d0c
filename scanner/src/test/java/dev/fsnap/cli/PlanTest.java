package dev.fsnap.cli;

import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.fsnap.cli.CliTest.fsnap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fsnap plan}: shards that cover every entry once, whose exclusions are exactly the other
 * shards' roots below them, and whose largest is as small as cutting whole subtrees allows.
 */
class PlanTest {
    @TempDir
    Path dir;

    @Test
    void theShardsCoverTheTreeOnceAndTheLargestIsAsSmallAsSubtreesAllow() throws Exception {
        TreeBuilder tree = TreeBuilder.at(dir.resolve("t"));
        int[] sizes = {100, 100, 50, 50};
        String[] names = {"a", "b", "c", "d"};
        for (int k = 0; k < names.length; k++) {
            for (int f = 0; f < sizes[k]; f++) {
                tree.file(names[k] + "/f" + f, 0);
            }
        }
        Path root = tree.root();
        Path last = dir.resolve("last.snap");
        assertEquals(0, fsnap("scan", root.toString(), "-o", last.toString()).status());
        Path planFile = dir.resolve("plan.json");
        CliTest.Run plan = fsnap("plan", root.toString(), "--shards", "4", "--from", last.toString(), "-o",
                planFile.toString());
        assertEquals(0, plan.status(), plan.err());
        assertEquals("fsnap: 4 shards of " + root + ", 304 entries; the largest 1.32 times the mean (sizes from "
                + last + ")\n", plan.err());
        String json = Files.readString(planFile);
        assertTrue(json.matches("(?s)\\{\"fsnap_plan\":1,\"id\":\"[0-9a-f]{32}\",\"root\":\"" + root + "\",.*"), json);
        assertTrue(json.contains("\"root\":\"" + root + "\",\"counts_from\":\"" + last + "\""), json);
        Matcher m = Pattern.compile("\\{\"index\":(\\d+),\"root\":\"([^\"]*)\",\"entries\":(\\d+),\"exclude\":\\[([^]]*)]}")
                .matcher(json);
        List<String> roots = new ArrayList<>();
        List<Long> entries = new ArrayList<>();
        Set<String> excluded = new HashSet<>();
        while (m.find()) {
            roots.add(m.group(2));
            entries.add(Long.parseLong(m.group(3)));
            if (!m.group(4).isEmpty()) {
                for (String e : m.group(4).split(",")) {
                    excluded.add(e.replace("\"", ""));
                }
            }
        }
        assertEquals(List.of("", "a", "b", "c"), roots, "the root's shard first, then in path order");
        assertEquals(Set.of("a", "b", "c"), excluded, "every other shard's root is excluded from the one above it");
        assertEquals(304, entries.stream().mapToLong(Long::longValue).sum(), "every entry once");
        assertEquals(List.of(54L, 100L, 100L, 50L), entries, "the root's listing and d; a; b; c: the largest 100");

        CliTest.Run estimate = fsnap("plan", root.toString(), "--shards", "2");
        assertEquals(0, estimate.status(), estimate.err());
        assertTrue(estimate.err().contains("(sizes estimated from the top three levels)"), estimate.err());
        assertTrue(estimate.out().contains("\"counts_from\":null"), estimate.out());
    }
}
