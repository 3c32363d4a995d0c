package dev.fsnap.cli;

import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.snapshot.Snapshot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A tree split into shards of similar size for many machines: a shard is a subtree's root and the
 * directories below it that other shards cover. The sizes are entries: last night's, from its
 * snapshot, or an estimate from the top levels of the tree; see {@link #cut}.
 */
final class ShardPlan {
    /** The format of a plan file; raised when a field changes meaning or goes. */
    static final int FORMAT = 1;

    /**
     * One shard.
     *
     * @param root its root, relative to the tree's root ({@code ""} for the root itself)
     * @param exclude the directories below it that other shards cover, relative to the tree's root
     * @param entries the entries it holds, as far as the plan knows
     */
    record Shard(String root, List<String> exclude, long entries) {
    }

    /** A directory: the entries its listing holds, and its subdirectories. */
    static final class Node {
        final String path;
        long own;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String path) {
            this.path = path;
        }

        Node child(String name) {
            return children.computeIfAbsent(name, n -> new Node(path.isEmpty() ? n : path + "/" + n));
        }

        long total() {
            long t = own;
            for (Node c : children.values()) {
                t += c.total();
            }
            return t;
        }
    }

    private ShardPlan() {
    }

    /**
     * The tree's directories with last night's counts.
     *
     * @param last a snapshot of the tree
     * @return its root directory
     */
    static Node fromSnapshot(Snapshot last) throws IOException {
        Node root = new Node("");
        last.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry e) {
                byte[] p = e.path();
                if (p.length == 0) {
                    return;
                }
                String path = new String(p, StandardCharsets.UTF_8);
                Node dir = root;
                String[] parts = path.split("/");
                for (int i = 0; i < parts.length - 1; i++) {
                    dir = dir.child(parts[i]);
                }
                dir.own++;
                if (e.type() == EntryType.DIRECTORY) {
                    dir.child(parts[parts.length - 1]);
                }
            }
        });
        return root;
    }

    /**
     * The tree's directories counted to a depth: an estimate for a first plan, without a snapshot.
     * A directory below the depth counts as one entry of its parent.
     *
     * @param top the tree's root
     * @param depth how many levels to list
     * @return its root directory
     */
    static Node shallow(Path top, int depth) throws IOException {
        Node root = new Node("");
        list(top, root, depth);
        return root;
    }

    private static void list(Path dir, Node node, int depth) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                node.own++;
                if (depth > 1 && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    list(p, node.child(p.getFileName().toString()), depth - 1);
                }
            }
        }
    }

    /**
     * Splits the tree into at most {@code n} shards whose largest is as small as this way of
     * cutting allows: for a bound on a shard's entries, each directory, once its subdirectories are
     * settled, cuts off its heaviest subdirectories as shards of their own until what is left is
     * within the bound (Kundu and Misra's rule, which needs the fewest shards for a bound); the bound
     * is the smallest that needs no more than {@code n} shards. A directory's own listing is never
     * split: one huge directory is one shard.
     *
     * @param root the tree's root directory
     * @param n the shards wanted
     * @return the shards, the root's first, then in path order
     */
    static List<Shard> cut(Node root, int n) {
        long lo = 1;
        long hi = Math.max(1, root.total());
        java.util.Set<Node> best = new java.util.HashSet<>();
        while (lo <= hi) {
            long mid = lo + (hi - lo) / 2;
            java.util.Set<Node> cuts = new java.util.HashSet<>();
            within(root, mid, cuts);
            if (cuts.size() + 1 <= n) {
                best = cuts;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        List<Node> roots = new ArrayList<>(best);
        roots.sort((a, b) -> a.path.compareTo(b.path));
        roots.add(0, root);
        List<Shard> shards = new ArrayList<>();
        for (Node r : roots) {
            shards.add(new Shard(r.path, excluded(r, best), sizeIn(r, best)));
        }
        return shards;
    }

    /** Cuts below a directory until its part is within the bound; returns that part's entries. */
    private static long within(Node node, long bound, java.util.Set<Node> cuts) {
        long rem = node.own;
        List<long[]> parts = new ArrayList<>();
        List<Node> kids = new ArrayList<>(node.children.values());
        for (int i = 0; i < kids.size(); i++) {
            long part = within(kids.get(i), bound, cuts);
            parts.add(new long[] {part, i});
            rem += part;
        }
        parts.sort((x, y) -> Long.compare(y[0], x[0]));
        for (long[] p : parts) {
            if (rem <= bound) {
                break;
            }
            cuts.add(kids.get((int) p[1]));
            rem -= p[0];
        }
        return rem;
    }

    /** A shard root's entries: its subtree's, less the shards cut below it. */
    private static long sizeIn(Node node, java.util.Set<Node> cuts) {
        long t = node.own;
        for (Node c : node.children.values()) {
            if (!cuts.contains(c)) {
                t += sizeIn(c, cuts);
            }
        }
        return t;
    }

    /** The shard roots right below a shard's root: the nearest ones on each path. */
    private static List<String> excluded(Node shard, java.util.Set<Node> roots) {
        List<String> out = new ArrayList<>();
        collect(shard, roots, out);
        return out;
    }

    private static void collect(Node node, java.util.Set<Node> roots, List<String> out) {
        for (Node c : node.children.values()) {
            if (roots.contains(c)) {
                out.add(c.path);
            } else {
                collect(c, roots, out);
            }
        }
    }

    /**
     * @param shards a plan's shards
     * @return the largest shard's entries over the mean
     */
    static double balance(List<Shard> shards) {
        long max = 0;
        long sum = 0;
        for (Shard s : shards) {
            max = Math.max(max, s.entries());
            sum += s.entries();
        }
        return sum == 0 ? 1 : max / ((double) sum / shards.size());
    }

    /** The plan as its file holds it (docs/scale-out.md). */
    static String json(String root, String from, List<Shard> shards) {
        StringBuilder b = new StringBuilder("{\"fsnap_plan\":").append(FORMAT).append(",\"root\":");
        Json.quote(b, root).append(",\"counts_from\":");
        (from == null ? b.append("null") : Json.quote(b, from)).append(",\"shards\":[");
        for (int i = 0; i < shards.size(); i++) {
            Shard s = shards.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("{\"index\":").append(i).append(",\"root\":");
            Json.quote(b, s.root()).append(",\"entries\":").append(s.entries()).append(",\"exclude\":[");
            for (int k = 0; k < s.exclude().size(); k++) {
                Json.quote(b.append(k == 0 ? "" : ","), s.exclude().get(k));
            }
            b.append("]}");
        }
        return b.append("\n],\"balance\":").append(String.format(Locale.ROOT, "%.3f", balance(shards))).append("}\n")
                .toString();
    }
}
