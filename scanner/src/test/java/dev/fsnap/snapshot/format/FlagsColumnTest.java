package dev.fsnap.snapshot.format;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.EntryType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The flags column keeps the three states apart through a snapshot: flags set, no flag set (read,
 * and the shortest value), and not read (never compared), also side by side in one block.
 */
class FlagsColumnTest {
    @Test
    void setNoneAndNotReadSurviveTheCodecSideBySide() throws Exception {
        Columns columns = Columns.written(java.util.Set.of());
        long[] values = {0x10L | 0x20L, 0L, StatFields.ABSENT, 0x200000L};
        Fields[] entries = new Fields[values.length];
        int mask = 0;
        for (int i = 0; i < values.length; i++) {
            Fields f = new Fields();
            byte[] name = {(byte) ('a' + i)};
            f.name(name, 0, 1);
            f.type = EntryType.FILE;
            StatFields.clear(f.stat, 0);
            f.stat[StatFields.FLAGS] = values[i];
            entries[i] = f;
            mask |= columns.mask(f);
        }
        EntryCodec writer = new EntryCodec(columns);
        writer.reset(mask);
        Encoder out = new Encoder(64);
        for (Fields f : entries) {
            writer.encode(out, f);
        }
        EntryCodec reader = new EntryCodec(columns);
        reader.reset(mask);
        Decoder in = new Decoder(Path.of("test"), out.buf, 0, out.length, 0);
        for (int i = 0; i < values.length; i++) {
            Fields back = new Fields();
            reader.decode(in, back);
            assertEquals(values[i], back.stat[StatFields.FLAGS], "entry " + i);
        }
        assertEquals(true, in.atEnd());
    }
}
