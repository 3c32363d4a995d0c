package dev.fsnap.snapshot;

import dev.fsnap.internal.Json;
import dev.fsnap.snapshot.ShardPlan.Shard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A plan's file, as {@code docs/scale-out.md} documents it: the plan written as JSON, and read
 * back from its JSON, every field taken as the kind it must be.
 *
 * <p>Apart from {@link ShardPlan}, which sizes and cuts the tree and checks a plan's shards: the
 * file is one way a plan travels (a Spark task gets its text), and its fields change with the
 * file's {@link ShardPlan#FORMAT}, not with how a tree is cut.
 */
final class PlanFile {
    private PlanFile() {
    }

    /** The plan as its file holds it. */
    static String json(ShardPlan plan) {
        String root = plan.root();
        byte[] rootBytes = plan.rootBytes();
        String countsFrom = plan.countsFrom();
        StringBuilder b = new StringBuilder("{\"fsnap_plan\":").append(ShardPlan.FORMAT)
                .append(",\"id\":\"").append(plan.id()).append("\",\"root\":");
        Json.quote(b, root);
        if (!java.util.Arrays.equals(rootBytes, root.getBytes(StandardCharsets.UTF_8))) {
            b.append(",\"root_b64\":\"").append(java.util.Base64.getEncoder().encodeToString(rootBytes)).append('"');
        }
        b.append(",\"counts_from\":");
        (countsFrom == null ? b.append("null") : Json.quote(b, countsFrom)).append(",\"shards\":[");
        for (Shard s : plan.shards()) {
            b.append(s.index() == 0 ? "\n" : ",\n").append("{\"index\":").append(s.index()).append(",\"root\":");
            Json.quote(b, s.root()).append(",\"entries\":").append(s.entries()).append(",\"exclude\":[");
            for (int k = 0; k < s.exclude().size(); k++) {
                Json.quote(b.append(k == 0 ? "" : ","), s.exclude().get(k));
            }
            b.append("]}");
        }
        return b.append("\n],\"balance\":").append(String.format(Locale.ROOT, "%.3f", plan.balance())).append("}\n")
                .toString();
    }

    /**
     * Reads a plan file, checking that it is one: its format, its id (that of its shards), a root,
     * shards numbered from 0 in order, the root's shard first, each shard's root a plain relative
     * path below the plan's root, every exclusion below its shard and the root of another; nested no
     * deeper than {@link Json#MAX_DEPTH}.
     *
     * @param file the plan
     * @return the plan
     * @throws IOException when it cannot be read, or is not a plan (naming the file and what is wrong)
     */
    static ShardPlan read(Path file) throws IOException {
        String text = Files.readString(file);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new java.nio.file.FileSystemException(file.toString(), null, "not a plan of fsnap plan: "
                    + e.getMessage());
        }
    }

    /**
     * Reads a plan from its text, as {@link #read} does from its file (where a plan is passed on
     * rather than read from shared storage: a Spark task's).
     *
     * @param text the plan's JSON
     * @return the plan
     * @throws IllegalArgumentException saying what is wrong when the text is not a plan
     */
    static ShardPlan parse(String text) {
        try {
            return parsePlan(text);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("a field is missing or of the wrong kind");
        }
    }

    private static ShardPlan parsePlan(String text) {
        if (!(Json.parse(text) instanceof Map<?, ?> top)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Object format = top.get("fsnap_plan");
        if (!(format instanceof Long f) || f != ShardPlan.FORMAT) {
            throw new IllegalArgumentException("format " + format + ", not " + ShardPlan.FORMAT);
        }
        if (!(top.get("id") instanceof String id)) {
            throw new IllegalArgumentException("it has no id, which tells its parts from another plan's: plan again");
        }
        String root = (String) top.get("root");
        byte[] bytes = root == null ? null : root.getBytes(StandardCharsets.UTF_8);
        if (top.get("root_b64") != null) {
            try {
                bytes = java.util.Base64.getDecoder().decode((String) top.get("root_b64"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("its root_b64 is not base64 (RFC 4648): " + e.getMessage());
            }
        }
        String from = (String) top.get("counts_from");
        List<Shard> shards = new ArrayList<>();
        for (Object o : (List<?>) top.get("shards")) {
            Map<?, ?> m = (Map<?, ?>) o;
            long index = (Long) m.get("index");
            if (index != shards.size()) {
                throw new IllegalArgumentException("shard " + index + " where shard " + shards.size() + " belongs");
            }
            List<String> exclude = new ArrayList<>();
            for (Object e : (List<?>) m.get("exclude")) {
                exclude.add((String) e);
            }
            shards.add(new Shard((int) index, (String) m.get("root"), exclude, (Long) m.get("entries")));
        }
        ShardPlan plan = ShardPlan.checked(root, bytes, from, shards);
        if (!id.equals(plan.id())) {
            throw new IllegalArgumentException("its id " + id + " is not its shards' (" + plan.id()
                    + "): the shards were edited; plan again");
        }
        return plan;
    }
}
