package dev.fsnap.snapshot;

import dev.fsnap.bindings.PathBytes;
import dev.fsnap.internal.Json;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.EntryVisitor;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.Scanner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tree split into shards of similar size for many machines. A shard is a subtree's root and the
 * directories below it that other shards cover; each shard is scanned on its own
 * ({@link #scanOptions}) into a part, and {@link SnapshotMerge} grafts the parts into the snapshot
 * a single scan of the whole tree would have written.
 *
 * <p>The sizes are entries: last night's, from a snapshot ({@link #of}), or an estimate from the
 * tree's top levels ({@link #estimate}). The plan file's format is documented in
 * {@code docs/scale-out.md}; {@link #json} writes it and {@link #read} reads it back (both
 * through {@code PlanFile}).
 */
public final class ShardPlan {
    /** The format of a plan file; raised when a field changes meaning or goes. */
    public static final int FORMAT = 1;

    /**
     * One shard.
     *
     * @param index its place in the plan; 0 is the shard of the tree's root
     * @param root its root, relative to the tree's root ({@code ""} for the root itself)
     * @param exclude the directories below it that other shards cover, relative to the tree's root
     * @param entries the entries it holds, as far as the plan knows
     */
    public record Shard(int index, String root, List<String> exclude, long entries) {
        /**
         * Copies the exclusions.
         *
         * @param index its place
         * @param root its root
         * @param exclude the directories other shards cover
         * @param entries its entries
         */
        public Shard {
            exclude = List.copyOf(exclude);
        }
    }

    private final String root;
    /** The root's exact bytes: its text may not hold them (a name that is no UTF-8). */
    private final byte[] rootBytes;
    private final String countsFrom;
    private final List<Shard> shards;
    private final String id;

    private ShardPlan(String root, byte[] rootBytes, String countsFrom, List<Shard> shards) {
        this.root = root;
        this.rootBytes = rootBytes.clone();
        this.countsFrom = countsFrom;
        this.shards = List.copyOf(shards);
        this.id = identity(rootBytes, this.shards);
    }

    /** @return the tree's root, absolute, as text: where its bytes are no text, not exactly them ({@link #rootPath}) */
    public String root() {
        return root;
    }

    /** @return the root's exact bytes, for the plan file */
    byte[] rootBytes() {
        return rootBytes.clone();
    }

    /** @return the tree's root, made of its exact bytes */
    public Path rootPath() {
        return PathBytes.path(rootBytes);
    }

    /** @return the snapshot the sizes came from, or null for an estimate */
    public String countsFrom() {
        return countsFrom;
    }

    /** @return the shards, the root's first, then in path order */
    public List<Shard> shards() {
        return shards;
    }

    /**
     * The plan's identity: a hash of its root and of every shard's root and exclusions (not of the
     * sizes). Each part records it, so that parts of another plan are never merged; two plans that
     * split a tree the same way have the same identity, and their parts are interchangeable.
     *
     * @return 32 hexadecimal digits
     */
    public String id() {
        return id;
    }

    /** @return the largest shard's entries over the mean */
    public double balance() {
        long max = 0;
        long sum = 0;
        for (Shard s : shards) {
            max = Math.max(max, s.entries());
            sum += s.entries();
        }
        return sum == 0 ? 1 : max / ((double) sum / shards.size());
    }

    /** @return the entries of every shard */
    public long entries() {
        return shards.stream().mapToLong(Shard::entries).sum();
    }

    /**
     * A shard's root as a path.
     *
     * @param k the shard's index
     * @return the tree's root resolved with the shard's
     */
    public Path rootOf(int k) {
        String r = shard(k).root();
        return r.isEmpty() ? rootPath() : rootPath().resolve(r);
    }

    /**
     * @param k an index
     * @return that shard
     * @throws IllegalArgumentException when the plan has no such shard
     */
    public Shard shard(int k) {
        if (k < 0 || k >= shards.size()) {
            throw new IllegalArgumentException("the plan has shards 0 to " + (shards.size() - 1) + ", not " + k);
        }
        return shards.get(k);
    }

    /**
     * The options for a scan of one shard: its root, and the directories other shards cover, which
     * the scan records without entering.
     *
     * @param k the shard's index
     * @param base the other options (threads, digests, rules...), the same for every shard; its root is replaced
     * @return the shard's options
     * @throws IllegalArgumentException when the plan has no such shard, or when the shard's root is
     *         reached through a symbolic link that a scan of the whole tree would not follow: any
     *         link without {@link ScanOptions#followSymlinks()}, one that leads outside the plan's root with it
     */
    public ScanOptions scanOptions(int k, ScanOptions base) {
        Shard s = shard(k);
        confine(k, base.followSymlinks());
        Set<String> covered = new HashSet<>();
        for (String e : s.exclude()) {
            covered.add(s.root().isEmpty() ? e : e.substring(s.root().length() + 1));
        }
        return base.toBuilder().root(rootOf(k)).shard(new ScanOptions.ShardScope(id, k, s.root(), covered)).build();
    }

    /**
     * Refuses a shard whose root a scan of the whole tree would not reach, for its scan would read
     * what the plan does not hold: a directory of the tree replaced by a link to {@code /} makes
     * shard {@code a0/b0} the scan of {@code /b0}. Each of the root's ancestors below the plan's
     * root, and the root itself, is looked at as it is now; the scan opens it right after.
     */
    private void confine(int k, boolean follow) {
        String r = shard(k).root();
        if (r.isEmpty()) {
            return;
        }
        Path top = rootPath();
        Path p = top;
        for (String name : r.split("/")) {
            p = p.resolve(name);
            if (!Files.isSymbolicLink(p)) {
                continue;
            }
            if (!follow) {
                throw new IllegalArgumentException("shard " + k + "'s root \"" + r + "\" passes through the symbolic "
                        + "link " + p + ", which a scan of the whole tree does not follow");
            }
            Path to;
            Path within;
            try {
                to = p.toRealPath();
                within = top.toRealPath();
            } catch (IOException dangling) {
                return; // nothing there to read: the scan says the shard's root cannot be opened
            }
            if (!to.startsWith(within)) {
                throw new IllegalArgumentException("shard " + k + "'s root \"" + r + "\" passes through the symbolic "
                        + "link " + p + ", which leads outside the plan's root, to " + to);
            }
        }
    }

    /**
     * Splits a tree by last night's counts.
     *
     * @param last a snapshot of the tree (its root is the plan's)
     * @param n the shards wanted, at most
     * @return the plan
     * @throws IOException when the snapshot cannot be read
     */
    public static ShardPlan of(Snapshot last, int n) throws IOException {
        return of(last, null, n);
    }

    /**
     * Splits a tree by last night's counts, its root named by its bytes.
     *
     * @param last a snapshot of the tree (its root is the plan's)
     * @param root the tree's root as the snapshot's root names it, its exact bytes; null for the
     *             snapshot's root as text
     * @param n the shards wanted, at most
     * @return the plan
     * @throws IOException when the snapshot cannot be read
     */
    public static ShardPlan of(Snapshot last, Path root, int n) throws IOException {
        Node tree = new Node("");
        last.walk(new Snapshot.Visitor() {
            @Override
            public void entry(Entry e) {
                count(tree, e);
            }
        });
        byte[] bytes = root == null ? last.root().getBytes(StandardCharsets.UTF_8) : PathBytes.of(root);
        return new ShardPlan(last.root(), bytes, last.file().toString(), cut(tree, n));
    }

    /**
     * Splits a tree by an estimate of its sizes, without a snapshot: its directories are listed to
     * a depth, by the scan itself (with its deadlines: a dead server costs the operation timeout,
     * not forever), and a directory below the depth counts as one entry of its parent.
     *
     * @param options the tree's root (absolute) and how to list it (the operation timeout, threads)
     * @param n the shards wanted, at most
     * @param depth how many levels to list
     * @param unreadable told of each directory or entry that could not be read (it counts as one entry)
     * @return the plan
     * @throws IOException when the root cannot be listed
     * @throws InterruptedException when interrupted while listing
     */
    public static ShardPlan estimate(ScanOptions options, int n, int depth,
                                     java.util.function.Consumer<dev.fsnap.scan.ScanError> unreadable)
            throws IOException, InterruptedException {
        // Entries more than `depth` components down are left out, so their directories are not entered.
        ScanOptions listing = options.toBuilder().exclude("/*".repeat(depth + 1)).build();
        Node tree = new Node("");
        Scanner.of(listing).scan(new EntryVisitor() {
            @Override
            public void visit(Entry e) {
                synchronized (tree) {
                    count(tree, e);
                }
            }

            @Override
            public void error(dev.fsnap.scan.ScanError e) {
                unreadable.accept(e);
            }
        });
        return new ShardPlan(options.root().toString(), PathBytes.of(options.root()), null, cut(tree, n));
    }

    /** Counts an entry in its directory, and makes a node of it when it is a directory. */
    private static void count(Node tree, Entry e) {
        byte[] p = e.path();
        if (p.length == 0) {
            return;
        }
        String path = new String(p, StandardCharsets.UTF_8);
        Node dir = tree;
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            dir = dir.child(parts[i]);
        }
        dir.own++;
        if (e.type() == EntryType.DIRECTORY) {
            dir.child(parts[parts.length - 1]);
        }
    }

    /**
     * A directory: the entries its listing holds, and its subdirectories. One whose path is no
     * UTF-8 ({@code text} false: a name of it decoded with U+FFFD) is never cut off as a shard, for a
     * shard's root is written as text.
     */
    private static final class Node {
        final String path;
        long own;
        boolean text = true;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String path) {
            this.path = path;
        }

        Node child(String name) {
            return children.computeIfAbsent(name, n -> {
                Node c = new Node(path.isEmpty() ? n : path + "/" + n);
                c.text = text && n.indexOf('\uFFFD') < 0;
                return c;
            });
        }

        long total() {
            long t = own;
            for (Node c : children.values()) {
                t += c.total();
            }
            return t;
        }
    }

    /**
     * Splits the tree into at most {@code n} shards whose largest is as small as this way of
     * cutting allows: for a bound on a shard's entries, each directory, once its subdirectories are
     * settled, cuts off its heaviest subdirectories as shards of their own until what is left is
     * within the bound (Kundu and Misra's rule, which needs the fewest shards for a bound); the bound
     * is the smallest that needs no more than {@code n} shards. A directory's own listing is never
     * split: one huge directory is one shard.
     */
    private static List<Shard> cut(Node root, int n) {
        long lo = 1;
        long hi = Math.max(1, root.total());
        Set<Node> best = new HashSet<>();
        while (lo <= hi) {
            long mid = lo + (hi - lo) / 2;
            Set<Node> cuts = new HashSet<>();
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
            List<String> exclude = new ArrayList<>();
            collect(r, best, exclude);
            exclude.sort(null);
            shards.add(new Shard(shards.size(), r.path, exclude, sizeIn(r, best)));
        }
        return shards;
    }

    /** Cuts below a directory until its part is within the bound; returns that part's entries. */
    private static long within(Node node, long bound, Set<Node> cuts) {
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
            if (!kids.get((int) p[1]).text) {
                continue; // stays in this directory's shard
            }
            cuts.add(kids.get((int) p[1]));
            rem -= p[0];
        }
        return rem;
    }

    /** A shard root's entries: its subtree's, less the shards cut below it. */
    private static long sizeIn(Node node, Set<Node> cuts) {
        long t = node.own;
        for (Node c : node.children.values()) {
            if (!cuts.contains(c)) {
                t += sizeIn(c, cuts);
            }
        }
        return t;
    }

    /** The shard roots right below a shard's root: the nearest ones on each path. */
    private static void collect(Node node, Set<Node> roots, List<String> out) {
        for (Node c : node.children.values()) {
            if (roots.contains(c)) {
                out.add(c.path);
            } else {
                collect(c, roots, out);
            }
        }
    }

    private static String identity(byte[] root, List<Shard> shards) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((FORMAT + "\0").getBytes(StandardCharsets.UTF_8));
            sha.update(root); // its bytes: two roots whose text is the same are two trees
            StringBuilder b = new StringBuilder();
            for (Shard s : shards) {
                b.append('\0').append(s.root());
                for (String e : s.exclude()) {
                    b.append('\1').append(e);
                }
            }
            byte[] h = sha.digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the plan as its file holds it (docs/scale-out.md) */
    public String json() {
        return PlanFile.json(this);
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
    public static ShardPlan read(Path file) throws IOException {
        return PlanFile.read(file);
    }

    /**
     * Reads a plan from its text, as {@link #read} does from its file (where a plan is passed on
     * rather than read from shared storage: a Spark task's).
     *
     * @param text the plan's JSON
     * @return the plan
     * @throws IllegalArgumentException saying what is wrong when the text is not a plan
     */
    public static ShardPlan parse(String text) {
        return PlanFile.parse(text);
    }

    /**
     * A plan of one's own split of a tree (a test's, a tool's that splits by department), checked
     * as a plan file is: its file ({@link #json}) is one that {@link #read} takes.
     *
     * @param root the tree's root, absolute
     * @param shards the shards, numbered from 0 in order, the root's first (root {@code ""}), each
     *               excluding exactly the roots of the shards right below it
     * @return the plan, its identity computed
     * @throws IllegalArgumentException saying what is wrong with the shards
     */
    public static ShardPlan of(String root, List<Shard> shards) {
        return checked(root, root == null ? null : root.getBytes(StandardCharsets.UTF_8), null, shards);
    }

    /**
     * A plan whose shards are checked: numbered from 0 in order, the root's first; every shard root a
     * plain relative path below the tree's root (names joined by one slash each, none of them
     * {@code .} or {@code ..}: a scan of shard {@code ../..} would read outside the tree); every
     * exclusion below its shard and another shard's root, and every other shard's root excluded once.
     */
    static ShardPlan checked(String root, byte[] bytes, String from, List<Shard> shards) {
        if (root == null || bytes.length == 0 || bytes[0] != '/' && !Path.of(root).isAbsolute()) {
            throw new IllegalArgumentException("its root is not an absolute path");
        }
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("its root holds a NUL byte, which no path holds");
            }
        }
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shards");
        }
        Set<String> roots = new HashSet<>();
        for (int k = 0; k < shards.size(); k++) {
            Shard s = shards.get(k);
            if (s.index() != k) {
                throw new IllegalArgumentException("shard " + s.index() + " where shard " + k + " belongs");
            }
            String r = s.root();
            if (k == 0 ? !r.isEmpty() : r.isEmpty()) {
                throw new IllegalArgumentException("shard 0, and only it, is the root's");
            }
            if (!r.isEmpty()) {
                relative(k, r);
            }
            if (!roots.add(r)) {
                throw new IllegalArgumentException("two shards have the root \"" + r + "\"");
            }
            for (String x : s.exclude()) {
                if (!r.isEmpty() && !x.startsWith(r + "/") || x.isEmpty()) {
                    throw new IllegalArgumentException("shard " + k + " excludes \"" + x + "\", not below its root");
                }
            }
        }
        Set<String> excluded = new HashSet<>();
        for (Shard s : shards) {
            for (String x : s.exclude()) {
                if (!roots.contains(x) || !excluded.add(x)) {
                    throw new IllegalArgumentException("shard " + s.index() + " excludes \"" + x
                            + "\", which is no shard's root, or is excluded twice");
                }
            }
        }
        if (excluded.size() != shards.size() - 1) {
            throw new IllegalArgumentException("a shard's root is excluded by no other shard");
        }
        return new ShardPlan(root, bytes, from, shards);
    }

    /** Refuses a shard root that is not names joined by single slashes, or that climbs with {@code ..}. */
    private static void relative(int k, String r) {
        for (String name : r.split("/", -1)) {
            if (name.equals("..")) {
                throw new IllegalArgumentException("shard " + k + "'s root \"" + r + "\" leads outside the plan's root");
            }
            if (name.isEmpty() || name.equals(".") || name.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("shard " + k + "'s root \"" + r + "\" is not a plain relative path "
                        + "(names joined by one slash each, none of them \".\", as fsnap plan writes it)");
            }
        }
    }
}
