package dev.creditledger.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/**
 * Binds one statement's parameters in order, mostly whole columns as arrays, which the statement turns
 * back into rows with {@code unnest}. A column of n rows is one parameter whatever n is, so the
 * statement's text (and PostgreSQL's cached plan of it) does not depend on the number of rows. Used by
 * the posting engine's {@link BatchWriter} and by the projector's writers.
 *
 * Every row of a statement must have a value in every column array: {@code unnest} over arrays of
 * different lengths pads the shorter ones with NULL, which would surface as a NOT NULL violation far from
 * its cause, so callers build all columns of a statement from one list of rows.
 */
public final class Columns {

    private final PreparedStatement ps;
    private int index;

    private Columns(PreparedStatement ps, int index) {
        this.ps = ps;
        this.index = index;
    }

    /** Binds from parameter {@code index} on (1 for a statement of its own; a pipeline passes its next free index). */
    public static Columns at(PreparedStatement ps, int index) {
        return new Columns(ps, index);
    }

    public Columns uuids(UUID[] values) throws SQLException {
        return array("uuid", values);
    }

    public Columns texts(String[] values) throws SQLException {
        return array("text", values);
    }

    public Columns longs(long[] values) throws SQLException {
        ps.setObject(index++, values);
        return this;
    }

    /** A column of nullable bigints. */
    public Columns longs(Long[] values) throws SQLException {
        return array("int8", values);
    }

    public Columns ints(int[] values) throws SQLException {
        ps.setObject(index++, values);
        return this;
    }

    /** A column of nullable ints. */
    public Columns ints(Integer[] values) throws SQLException {
        return array("int4", values);
    }

    public Columns shorts(Short[] values) throws SQLException {
        return array("int2", values);
    }

    public Columns numerics(java.math.BigDecimal[] values) throws SQLException {
        return array("numeric", values);
    }

    public Columns booleans(Boolean[] values) throws SQLException {
        return array("bool", values);
    }

    public Columns bytes(byte[][] values) throws SQLException {
        ps.setArray(index++, ps.getConnection().createArrayOf("bytea", values));
        return this;
    }

    public Columns scalar(long value) throws SQLException {
        ps.setLong(index++, value);
        return this;
    }

    public Columns scalar(double value) throws SQLException {
        ps.setDouble(index++, value);
        return this;
    }

    /** A single value the statement casts itself ({@code ?::uuid}, {@code ?::timestamptz}, ...). */
    public Columns scalar(Object value) throws SQLException {
        ps.setObject(index++, value);
        return this;
    }

    /** A single bigint that may be NULL. */
    public Columns nullableLong(Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index++, Types.BIGINT);
        } else {
            ps.setLong(index++, value);
        }
        return this;
    }

    /** The index of the next statement's first parameter. */
    public int next() {
        return index;
    }

    private Columns array(String type, Object[] values) throws SQLException {
        ps.setArray(index++, ps.getConnection().createArrayOf(type, values));
        return this;
    }
}
