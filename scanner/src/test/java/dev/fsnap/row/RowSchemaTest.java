package dev.fsnap.row;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.Entry;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A column is declared once, by its {@code Field} constant: code on the class path that declares
 * one again (to move the mtime onto the ctime's slot, say, so that a changed mtime goes unseen) is
 * refused, and rows are read and compared as before.
 */
class RowSchemaTest {
    @Test
    void aSecondDeclarationIsRefusedAndRowsCompareAsBefore() {
        int slot = RowSchema.slot(Field.MTIME);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RowSchema.declare(Field.MTIME, Field.Kind.TIME, StatFields.CTIME_SEC, -1));
        assertEquals("the field MTIME is declared once, by dev.fsnap.scan.Field", e.getMessage());
        assertEquals(StatFields.MTIME_SEC, slot);
        assertEquals(slot, RowSchema.slot(Field.MTIME));

        Entry before = new Entry(new byte[] {'a'}, EntryType.FILE, 10, 100, 0, 200, 0, 7, 1, 0100644, 0, 0, 1, null);
        Entry after = new Entry(new byte[] {'a'}, EntryType.FILE, 10, 101, 0, 200, 0, 7, 1, 0100644, 0, 0, 1, null);
        assertEquals(Set.of(Field.MTIME), Field.between(before, after));
    }

    /** Every field is held in exactly one place: a slot, or a byte value, or (the type) neither. */
    @Test
    void everyFieldIsHeldInOnePlaceWithinARow() {
        boolean[] slots = new boolean[StatFields.WIDTH];
        boolean[] bytes = new boolean[RowSchema.BYTE_VALUES];
        for (Field f : Field.values()) {
            int s = RowSchema.slot(f);
            int b = RowSchema.bytesIndex(f);
            if (f == Field.TYPE) {
                assertEquals(-1, s + b + 1, "the type is held by the entry, not in the row");
                continue;
            }
            assertEquals(1, (s >= 0 ? 1 : 0) + (b >= 0 ? 1 : 0), f + " is held in a slot or as bytes");
            if (b >= 0) {
                assertEquals(false, bytes[b], f + " shares its byte value");
                bytes[b] = true;
            } else {
                int width = f.kind() == Field.Kind.TIME ? 2 : 1;
                for (int k = s; k < s + width; k++) {
                    if (k == StatFields.DEVICE) {
                        continue;
                    }
                    assertEquals(false, slots[k], f + " shares slot " + k);
                    slots[k] = true;
                }
            }
        }
    }
}
