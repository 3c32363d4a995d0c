package dev.fsnap.snapshot.format;

import dev.fsnap.snapshot.CorruptSnapshotException;
import dev.fsnap.snapshot.IncompatibleSnapshotException;
import dev.fsnap.scan.PathRules;
import dev.fsnap.scan.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The header block: what was asked of the scan and when it started. Written first, after the
 * magic; read before anything else. See {@code docs/snapshot-format.md}, "Header".
 *
 * @param version the format version the file was written in
 * @param root the scanned root, absolute
 * @param started when the scan started
 * @param racyWindow how long before the start a timestamp still counts as racy
 * @param threads the threads asked for (0: chosen by the scan)
 * @param backend the backend asked for
 * @param followSymlinks whether links were followed
 * @param oneFileSystem whether the scan stayed on the root's filesystem
 * @param columns the columns entries may carry beyond their fixed part (version 4)
 * @param rules what the scan left out (version 2)
 * @param digest the content digest's algorithm ({@code sha256}, {@code xxh3-128}), empty when the
 *               scan read no content (version 5)
 * @param plan the identity of the shard plan this scan is a part of, empty for a whole tree (version 6)
 * @param shard the shard's index in that plan (0 for a whole tree)
 */
public record Header(int version, String root, Instant started, Duration racyWindow, int threads, String backend,
              boolean followSymlinks, boolean oneFileSystem, Columns columns, PathRules rules, String digest,
              String plan, int shard) {

    /** The header of a snapshot about to be written, in the current version. */
    public static Header of(ScanOptions options, Instant started, Duration racyWindow, Columns columns) {
        return new Header(Format.VERSION, options.root().toAbsolutePath().toString(), started, racyWindow,
                options.threads(), options.backend().name(), options.followSymlinks(), options.oneFileSystem(),
                columns, options.rules(), options.digest() == null ? "" : options.digest().label(),
                options.shard() == null ? "" : options.shard().plan(),
                options.shard() == null ? 0 : options.shard().index());
    }

    /**
     * This header for the whole tree that parts of a plan merge into: the root, no plan.
     *
     * @param wholeRoot the plan's root
     * @param earliest the earliest start of the parts (their racy windows all lie after it)
     * @return the merged snapshot's header
     */
    public Header merged(String wholeRoot, Instant earliest) {
        return new Header(Format.VERSION, wholeRoot, earliest, racyWindow, threads, backend, followSymlinks,
                oneFileSystem, columns, rules, digest, "", 0);
    }

    /** @return the block's body */
    public Encoder encode() {
        Encoder out = new Encoder(256);
        out.varint(version);
        out.string(root.getBytes(StandardCharsets.UTF_8));
        out.zigzag(started.getEpochSecond());
        out.varint(started.getNano());
        out.varint(racyWindow.toNanos());
        out.varint(threads);
        out.string(backend.getBytes(StandardCharsets.UTF_8));
        out.u8((followSymlinks ? 1 : 0) | (oneFileSystem ? 2 : 0));
        columns.write(out);
        List<String> patterns = rules.patterns();
        out.varint(patterns.size());
        for (String pattern : patterns) {
            out.string(pattern.getBytes(StandardCharsets.UTF_8));
        }
        out.string(digest.getBytes(StandardCharsets.UTF_8));
        out.string(plan.getBytes(StandardCharsets.UTF_8));
        if (!plan.isEmpty()) {
            out.varint(shard);
        }
        return out;
    }

    /**
     * Reads the header block's body.
     *
     * @param in the body
     * @param file the snapshot, for messages
     * @throws IncompatibleSnapshotException when the version, or a required column, is not read here
     * @throws CorruptSnapshotException when a value is out of range
     */
    public static Header decode(Decoder in, Path file) throws CorruptSnapshotException, IncompatibleSnapshotException {
        int version = (int) Math.min(Integer.MAX_VALUE, in.varint());
        if (version < Format.OLDEST_VERSION || version > Format.NEWEST_VERSION) {
            throw new IncompatibleSnapshotException(file, version);
        }
        String root = in.text();
        Instant started = instant(in);
        long window = in.varint();
        if (window < 0) {
            throw in.corrupt("racy window out of range: " + window);
        }
        int threads = in.count(Integer.MAX_VALUE, "threads");
        String backend = in.text();
        int flags = in.u8();
        Columns columns = version >= 4 ? Columns.read(in, file) : Columns.NONE;
        PathRules rules = PathRules.NONE;
        if (version >= 2) {
            int n = in.count(in.remaining(), "patterns");
            List<String> patterns = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                patterns.add(in.text());
            }
            try {
                rules = PathRules.of(patterns);
            } catch (IllegalArgumentException e) {
                throw new CorruptSnapshotException(file, Format.MAGIC.length, "a recorded rule is not valid: "
                        + e.getMessage());
            }
        }
        String digest = version >= 5 ? in.text() : "";
        if (!digest.isEmpty() && dev.fsnap.scan.Digest.ofLabel(digest) == null) {
            throw new IncompatibleSnapshotException(file, "its content digests are " + digest
                    + ", an algorithm this fsnap does not know; read it with a newer release");
        }
        String plan = version >= 6 ? in.text() : "";
        int shard = plan.isEmpty() ? 0 : in.count(Integer.MAX_VALUE, "shard");
        Header h = new Header(version, root, started, Duration.ofNanos(window), threads, backend, (flags & 1) != 0,
                (flags & 2) != 0, columns, rules, digest, plan, shard);
        try {
            h.racyFrom();
        } catch (DateTimeException e) {
            throw new CorruptSnapshotException(file, Format.MAGIC.length, "the scan's start is out of range");
        }
        return h;
    }

    /** @return the moment from which a timestamp of this scan is racy */
    public RacyFrom racyFrom() {
        return new RacyFrom(started, racyWindow);
    }

    /** A time as zigzag seconds and varint nanoseconds, within what {@link Instant} holds. */
    public static Instant instant(Decoder d) throws CorruptSnapshotException {
        long seconds = d.zigzag();
        int nanos = d.nanos();
        if (seconds < Instant.MIN.getEpochSecond() || seconds > Instant.MAX.getEpochSecond()) {
            throw d.corrupt("time out of range: " + seconds + " s");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** Writes a time as {@link #instant} reads it. */
    public static void instant(Encoder out, Instant t) {
        out.zigzag(t.getEpochSecond());
        out.varint(t.getNano());
    }
}
