package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.row.RowSchema;
import dev.fsnap.row.XattrValues;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import dev.fsnap.scan.Operation;
import dev.fsnap.snapshot.CorruptSnapshotException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An attribute column keeps its states apart through a snapshot, side by side in one block: a
 * value, the same value again (stored as a one-byte repeat), not read (the entry's read failed),
 * none, another value; and a reader refuses what no writer makes.
 */
class XattrColumnTest {
    private static final Columns COLUMNS = Columns.written(Set.of());

    /** An ACL field's value as a scan holds it, made the way a scan makes it. */
    private static byte[] acl(int permission) {
        byte[] value = {2, 0, 0, 0, 1, 0, (byte) permission, 0, -1, -1, -1, -1};
        byte[][] row = new byte[RowSchema.BYTE_VALUES][];
        XattrValues.split(new byte[][] {"system.posix_acl_access".getBytes(StandardCharsets.US_ASCII), value}, row, 0);
        return row[RowSchema.bytesIndex(Field.ACL)];
    }

    private static Fields entry(String name, byte[] acl) {
        Fields f = new Fields();
        f.name(name.getBytes(StandardCharsets.US_ASCII), 0, name.length());
        f.type = EntryType.FILE;
        StatFields.clear(f.stat, 0);
        for (Field x : new Field[] {Field.ACL, Field.CAPS, Field.SELINUX, Field.XATTRS}) {
            f.values[RowSchema.bytesIndex(x)] = new byte[0];
        }
        f.values[RowSchema.bytesIndex(Field.ACL)] = acl;
        if (acl == null) {
            f.readFailure = new Fields.Failure(Operation.READ, "EACCES", "Permission denied");
        }
        return f;
    }

    private static Encoder encode(Fields... entries) {
        int mask = 0;
        for (Fields f : entries) {
            mask |= COLUMNS.mask(f);
        }
        EntryCodec writer = new EntryCodec(COLUMNS);
        writer.reset(mask);
        Encoder out = new Encoder(64);
        out.varint(mask);
        for (Fields f : entries) {
            writer.encode(out, f);
        }
        return out;
    }

    private static Decoder decoder(Encoder out, int from) throws CorruptSnapshotException {
        return new Decoder(Path.of("test"), out.buf, from, out.length, 0);
    }

    @Test
    void valueRepeatNotReadNoneAndAnotherSurviveTheCodecAndARepeatIsOneByte() throws Exception {
        byte[] v1 = acl(7);
        byte[] v2 = acl(5);
        byte[][] acls = {v1, v1, null, new byte[0], v2, v1};
        Fields[] entries = new Fields[acls.length];
        for (int i = 0; i < acls.length; i++) {
            entries[i] = entry(String.valueOf((char) ('a' + i)), acls[i]);
        }
        Encoder out = encode(entries);
        Encoder one = encode(entries[0]);
        Encoder two = encode(entries[0], entries[1]);
        assertTrue(two.length - one.length < v1.length, "a repeat is stored as a mark, not again: "
                + (two.length - one.length) + " bytes for the second entry");

        Decoder in = decoder(out, 0);
        EntryCodec reader = new EntryCodec(COLUMNS);
        reader.reset((int) in.varint());
        for (int i = 0; i < acls.length; i++) {
            Fields back = new Fields();
            reader.decode(in, back);
            byte[] got = back.bytes(Field.ACL);
            if (acls[i] == null) {
                assertNull(got, "entry " + i + ": not read");
                assertEquals("EACCES", back.readFailure.code());
            } else {
                assertArrayEquals(acls[i], got, "entry " + i);
            }
            assertArrayEquals(new byte[0], back.bytes(Field.CAPS), "entry " + i + ": none, its column not carried");
        }
        assertTrue(in.atEnd());

        // What verifying a file does: every entry read past with the same checks.
        Decoder skipped = decoder(out, 0);
        EntryCodec verifier = new EntryCodec(COLUMNS);
        verifier.reset((int) skipped.varint());
        for (int i = 0; i < acls.length; i++) {
            verifier.skip(skipped);
        }
        assertTrue(skipped.atEnd());
    }

    @Test
    void aRepeatWithNothingBeforeItAndAListOutOfOrderAreDamage() throws Exception {
        byte[] v1 = acl(7);
        Encoder one = encode(entry("a", v1));
        Encoder two = encode(entry("a", v1), entry("b", v1));
        // The second entry alone, as if the block began there: its repeat has nothing to repeat.
        Encoder orphan = new Encoder(64);
        orphan.varint(COLUMNS.mask(entry("b", v1)));
        int maskLength = orphan.length;
        orphan.bytes(two.buf, one.length, two.length - one.length);
        for (boolean verify : new boolean[] {false, true}) {
            Decoder in = decoder(orphan, 0);
            EntryCodec reader = new EntryCodec(COLUMNS);
            reader.reset((int) in.varint());
            assertEquals(maskLength, in.pos);
            CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class,
                    () -> {
                        if (verify) {
                            reader.skip(in);
                        } else {
                            reader.decode(in, new Fields());
                        }
                    });
            assertTrue(e.getMessage().contains("acl value repeats an entry before it where there is none"),
                    e.getMessage());
        }

        byte[] outOfOrder = {1, 'b', 0, 1, 'a', 0};
        Encoder bad = encode(entry("c", outOfOrder));
        Decoder in = decoder(bad, 0);
        EntryCodec reader = new EntryCodec(COLUMNS);
        reader.reset((int) in.varint());
        CorruptSnapshotException e = assertThrows(CorruptSnapshotException.class, () -> reader.decode(in, new Fields()));
        assertTrue(e.getMessage().contains("acl value: attributes out of name order"), e.getMessage());
    }
}
