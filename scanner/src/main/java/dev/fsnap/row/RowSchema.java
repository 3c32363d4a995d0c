package dev.fsnap.row;

import dev.fsnap.bindings.StatFields;
import dev.fsnap.scan.EntryType;
import dev.fsnap.scan.Field;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where each {@link Field} is held in a row, whether a row has a value of it, and how two rows are
 * compared: the one absent-fields rule and the one comparison, for entries, the walk's listings and
 * the rows a snapshot decodes alike.
 *
 * <p>A row is two arrays: a field of kind number, mode, identity or time is held in a
 * {@link StatFields} slot (a time's nanoseconds in the slot after its seconds); the link target,
 * the attribute classes and the content are held as bytes, at their index among a row's
 * {@link #BYTE_VALUES} byte values. Each {@link Field} constant declares its slot or index, once,
 * where it is declared: its constructor hands them to {@link #declare}.
 */
public final class RowSchema {
    /** How many fields are held as bytes: the link target, the attribute classes, the content. */
    public static final int BYTE_VALUES = 6;
    private static final int MAX_FIELDS = 64;

    private static final Field[] DECLARED = new Field[MAX_FIELDS];
    private static final Field.Kind[] KIND = new Field.Kind[MAX_FIELDS];
    private static final int[] SLOT = new int[MAX_FIELDS];
    private static final int[] BYTES = new int[MAX_FIELDS];

    private RowSchema() {
    }

    /**
     * Declares where a field is held: by {@link Field}'s constructor, once per constant. Every
     * constant is declared while {@code Field} initializes, before anyone holds one; a second
     * declaration of one is refused, so nothing on the class path can move a column afterwards.
     *
     * @param field the constant being constructed
     * @param kind its kind
     * @param slot its first {@link StatFields} slot; -1 for the type and the fields held as bytes
     * @param bytes its index among the byte values; -1 for the others
     * @throws IllegalStateException when the field is declared already, or the slot or index is out of range
     */
    public static synchronized void declare(Field field, Field.Kind kind, int slot, int bytes) {
        int at = field.ordinal();
        if (at >= MAX_FIELDS || DECLARED[at] != null) {
            throw new IllegalStateException("the field " + field.name() + " is declared once, by dev.fsnap.scan.Field");
        }
        int width = kind == Field.Kind.TIME ? 2 : 1;
        if (slot < -1 || slot + width > StatFields.WIDTH || bytes < -1 || bytes >= BYTE_VALUES
                || (slot < 0) == (bytes < 0) && kind != Field.Kind.TYPE) {
            throw new IllegalStateException("the field " + field.name() + " is held in slot " + slot + " and at byte value "
                    + bytes + ": one of them, within a row");
        }
        KIND[at] = kind;
        SLOT[at] = slot;
        BYTES[at] = bytes;
        DECLARED[at] = field;
    }

    /**
     * @param field a field of kind number, mode, identity or time
     * @return its first slot in a row of {@link StatFields} slots (a time's nanoseconds follow); -1 for the others
     */
    public static int slot(Field field) {
        return SLOT[field.ordinal()];
    }

    /**
     * @param field a field of kind target, extended attributes or content
     * @return its index in a row of byte values; -1 for the others
     */
    public static int bytesIndex(Field field) {
        return BYTES[field.ordinal()];
    }

    /**
     * @param values a row of byte values, or null when the entry has none
     * @param offset where the row starts
     * @param field a field held as bytes
     * @return its value, or null
     */
    public static byte[] bytes(byte[][] values, int offset, Field field) {
        return values == null ? null : values[offset + BYTES[field.ordinal()]];
    }

    /**
     * The absent-fields rule, for a field held in a row of stat slots: a time (its nanoseconds), a
     * number or the flags the system or the filesystem did not give are {@link StatFields#ABSENT};
     * the mode and the identity are always there. The type and the fields held as bytes are not held
     * in the row: their holders answer.
     *
     * @param field a field held in a row of stat slots
     * @param row the rows
     * @param offset where the row starts
     * @return whether the row holds a value of the field
     */
    public static boolean present(Field field, long[] row, int offset) {
        int at = field.ordinal();
        switch (KIND[at]) {
            case TIME:
                return row[offset + SLOT[at] + 1] != StatFields.ABSENT;
            case NUMBER:
            case FLAGS:
                return row[offset + SLOT[at]] != StatFields.ABSENT;
            default:
                return true;
        }
    }

    /**
     * The one comparison of two rows. Times, numbers, flags, attributes and content absent on either
     * side are not compared; content compares by the baseline digest.
     *
     * @param valuesA the byte values of the first row, {@link #BYTE_VALUES} from {@code bytesA}; null when it has none
     * @return the fields in which they differ
     */
    public static Set<Field> changed(EntryType typeA, long[] a, int offsetA, byte[][] valuesA, int bytesA,
                                     EntryType typeB, long[] b, int offsetB, byte[][] valuesB, int bytesB) {
        EnumSet<Field> changed = EnumSet.noneOf(Field.class);
        for (Field f : DECLARED) {
            if (f == null) {
                break;
            }
            int s = SLOT[f.ordinal()];
            boolean differs;
            switch (KIND[f.ordinal()]) {
                case TYPE:
                    differs = typeA != typeB;
                    break;
                case TARGET:
                    differs = !Arrays.equals(bytes(valuesA, bytesA, f), bytes(valuesB, bytesB, f));
                    break;
                case XATTRS: {
                    byte[] x = bytes(valuesA, bytesA, f);
                    byte[] y = bytes(valuesB, bytesB, f);
                    differs = x != null && y != null && !Arrays.equals(x, y);
                    break;
                }
                case CONTENT: {
                    byte[] x = bytes(valuesA, bytesA, f);
                    byte[] y = bytes(valuesB, bytesB, f);
                    differs = x != null && y != null
                            && !Arrays.equals(ContentValue.baseline(x), ContentValue.baseline(y));
                    break;
                }
                case TIME:
                    differs = present(f, a, offsetA) && present(f, b, offsetB)
                            && (a[offsetA + s] != b[offsetB + s] || a[offsetA + s + 1] != b[offsetB + s + 1]);
                    break;
                case IDENTITY:
                    differs = a[offsetA + s] != b[offsetB + s]
                            || a[offsetA + StatFields.DEVICE] != b[offsetB + StatFields.DEVICE];
                    break;
                case NUMBER:
                case FLAGS:
                    differs = present(f, a, offsetA) && present(f, b, offsetB) && a[offsetA + s] != b[offsetB + s];
                    break;
                default:
                    differs = a[offsetA + s] != b[offsetB + s];
                    break;
            }
            if (differs) {
                changed.add(f);
            }
        }
        return changed;
    }
}
