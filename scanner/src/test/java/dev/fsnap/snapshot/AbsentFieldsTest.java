package dev.fsnap.snapshot;

import dev.fsnap.snapshot.format.Decoder;
import dev.fsnap.snapshot.format.Encoder;
import dev.fsnap.snapshot.format.EntryCodec;
import dev.fsnap.snapshot.format.Fields;
import dev.fsnap.snapshot.format.Format;
import dev.fsnap.bindings.StatFields;

import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.ScanOptions;
import dev.fsnap.scan.ScanSummary;
import dev.fsnap.scan.Scanner;
import dev.fsnap.testdata.TreeBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A backend that cannot read some fields (Windows: no inode, device, owner, group, link count,
 * change time or link target in a listing) has them recorded as absent, and the differ never
 * reports them changed, nor pairs moves without inodes. The scans here run on Linux with every
 * field read; the snapshots are committed as a Windows scan's would be, absent fields declared.
 */
class AbsentFieldsTest {
    private static final Set<Field> WINDOWS = EnumSet.of(Field.CTIME, Field.INO, Field.UID, Field.GID, Field.NLINK,
            Field.TARGET);

    @TempDir
    Path dir;

    private static void take(Path root, Path file, Set<Field> absent) throws Exception {
        ScanOptions options = Snapshots.options(root);
        try (SnapshotWriter w = SnapshotWriter.create(file, options, Duration.ZERO)) {
            ScanSummary s = Scanner.of(options).scan(w.listener());
            w.commit(new ScanSummary(s.entries(), s.directories(), s.errors(), s.bytes(), s.elapsed(), s.backend(),
                    s.backendReason(), s.threads(), s.threadsReason(), s.cancelled(), absent, s.roundTrips()));
        }
    }

    private static List<String> lines(List<Change> changes) {
        return changes.stream().map(c -> c.kind().label() + " " + (c.path().length == 0 ? "." : Snapshots.key(c.path()))
                + (c instanceof Change.Moved m ? " from " + Snapshots.key(m.from()) : "")
                + (c.kind() == Change.Kind.MODIFIED ? " " + c.fields() : "")).toList();
    }

    @Test
    void fieldsABackendCannotReadAreNeverChangesAndNoMovesArePairedWithoutInodes() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing an owner needs root");
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 3).file("b", 4).file("c", 5).root();
        FileTime whole = FileTime.from(Instant.parse("2020-01-01T00:00:00Z")); // kept exactly by a copy
        for (String name : List.of("a", "b", "c")) {
            Files.setLastModifiedTime(root.resolve(name), whole);
        }
        take(root, dir.resolve("full-1"), Set.of());
        take(root, dir.resolve("windows-1"), WINDOWS);
        Files.setAttribute(root.resolve("a"), "unix:uid", 1234);               // owner: absent on Windows
        Path copy = root.resolve("b.copy");
        Files.copy(root.resolve("b"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, root.resolve("b"), StandardCopyOption.REPLACE_EXISTING); // same size and mtime, new inode
        Files.move(root.resolve("c"), root.resolve("d"));                      // renamed: same inode
        take(root, dir.resolve("full-2"), Set.of());
        take(root, dir.resolve("windows-2"), WINDOWS);

        // Where every field is read: the owner, the new inode, and a move.
        assertEquals(List.of("modified . [MTIME, CTIME]", "modified a [CTIME, UID]", "modified b [CTIME, INO]",
                "moved d from c"), lines(Snapshots.diff(dir.resolve("full-1"), dir.resolve("full-2"))));
        // Where they are absent: only what a listing shows; the rename is a removal and an addition.
        assertEquals(List.of("modified . [MTIME]", "removed c", "added d"),
                lines(Snapshots.diff(dir.resolve("windows-1"), dir.resolve("windows-2"))));
        // Either side absent is enough.
        assertEquals(List.of("modified . [MTIME]", "removed c", "added d"),
                lines(Snapshots.diff(dir.resolve("full-1"), dir.resolve("windows-2"))));
        try (Snapshot s = Snapshot.open(dir.resolve("windows-2")); Snapshot f = Snapshot.open(dir.resolve("full-2"))) {
            // and the extended attributes and the content, which a scan reads only when asked
            Set<Field> attributes = EnumSet.of(Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS, Field.CONTENT);
            Set<Field> windows = EnumSet.copyOf(WINDOWS);
            windows.addAll(attributes);
            assertEquals(windows, s.absentFields());
            assertEquals(attributes, f.absentFields());
        }
    }

    /** A link whose backend reads no targets is stored without one, and read back without one and without an error. */
    @Test
    void aLinkWithoutATargetIsNeitherGivenOneNorReportedUnreadable() throws Exception {
        Fields link = new Fields();
        link.name(new byte[] {'l'}, 0, 1);
        link.type = EntryType.SYMLINK;
        link.stat[StatFields.MODE] = 0120666;
        link.stat[StatFields.MTIME_SEC] = 1_700_000_000L;
        Fields unreadable = new Fields();
        unreadable.name(new byte[] {'m'}, 0, 1);
        unreadable.type = EntryType.SYMLINK;
        unreadable.readFailure = new Fields.Failure(dev.fsnap.scan.Operation.READLINK, "EACCES", "Permission denied");
        Encoder out = new Encoder(64);
        EntryCodec writer = new EntryCodec();
        writer.encode(out, link);
        writer.encode(out, unreadable);
        Decoder in = new Decoder(dir.resolve("x"), out.buf, 0, out.length, 0);
        EntryCodec reader = new EntryCodec();
        Fields back = new Fields();
        reader.decode(in, back);
        assertEquals(EntryType.SYMLINK, back.type);
        assertNull(back.target());
        assertNull(back.readFailure);
        reader.decode(in, back);
        assertNull(back.target());
        assertEquals("EACCES", back.readFailure.code());
    }

    /** A bit no field has in the footer's absent fields is damage, named as such, not a field quietly ignored. */
    @Test
    void anAbsentFieldNoVersionKnowsIsDamage() throws Exception {
        Path root = TreeBuilder.at(dir.resolve("t")).file("a", 1).root();
        Path file = dir.resolve("windows");
        Set<Field> absent = EnumSet.copyOf(WINDOWS);
        absent.add(Field.SELINUX);
        take(root, file, absent); // mask 0x43E8: three varint bytes, E8 87 01
        byte[] b = Files.readAllBytes(file);
        java.nio.ByteBuffer trailer = java.nio.ByteBuffer.wrap(b, b.length - Format.TRAILER, Format.TRAILER)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int footer = (int) trailer.getLong();
        int[] at = {footer + 1};
        int bodyLength = (int) varint(b, at);
        int body = at[0];
        varint(b, at); // scan end: seconds
        varint(b, at); // nanoseconds
        for (int string = 0; string < 2; string++) { // the backend, and why
            int length = (int) varint(b, at);
            at[0] += length;
        }
        assertEquals((byte) 0xE8, b[at[0]]);
        assertEquals((byte) 0x87, b[at[0] + 1]);
        assertEquals(0x01, b[at[0] + 2]);
        b[at[0] + 2] = 0x09; // sets bit 17 too: no field has that id
        CRC32C crc = new CRC32C();
        crc.update(b, footer, body + bodyLength - footer);
        java.nio.ByteBuffer.wrap(b, body + bodyLength, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt((int) crc.getValue());
        Path damaged = dir.resolve("damaged");
        Files.write(damaged, b);
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> Snapshot.open(damaged));
        assertTrue(e.getMessage().startsWith(damaged + ": corrupt snapshot at byte offset ")
                && e.getMessage().endsWith("unknown absent fields"), e.getMessage());
    }

    private static long varint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[at[0]++] & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }
}
