/**
 * The row schema, not exported: where each {@code Field} is held in a row of stat slots and byte
 * values, whether a row has a value of it, and how two rows compare ({@code RowSchema}); how the
 * content and the extended attribute fields are held as bytes ({@code ContentValue},
 * {@code XattrValues}); and the read-only rows of one scanned directory that the walk hands over
 * and the snapshot codec reads ({@code Rows}). Entries, the walk, the codec and the differ all go
 * through it, so a column is declared once: by its {@code Field} constant, whose constructor
 * declares its slot here.
 *
 * <p>Owns: the layout and the comparison of a row; no I/O.
 *
 * <p>May import: {@code dev.fsnap.scan} (the field list, the entry type, an attribute), {@code dev.fsnap.bindings}
 * (the stat slots).
 */
package dev.fsnap.row;
