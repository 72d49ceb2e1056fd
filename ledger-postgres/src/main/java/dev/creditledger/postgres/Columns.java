package dev.creditledger.projections;

import dev.creditledger.postgres.Pipeline;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Binds one pipeline statement's parameters in order, mostly whole columns as arrays, which the statement
 * turns back into rows with {@code unnest}. A column of n rows is one parameter whatever n is, so the
 * statement's text (and PostgreSQL's cached plan of it) does not depend on the size of the poll.
 *
 * Every row of a statement must have a value in every column array: {@code unnest} over arrays of
 * different lengths pads the shorter ones with NULL, which would surface as a NOT NULL violation far from
 * its cause, so the writers build all columns of a statement from one list of rows.
 */
final class Columns {

    /** For statements whose answer (a row count, needed only because a pipeline statement must return rows) is not used. */
    static final Pipeline.Reader NOTHING_TO_READ = rs -> { };

    private final PreparedStatement ps;
    private int index;

    private Columns(PreparedStatement ps, int index) {
        this.ps = ps;
        this.index = index;
    }

    static Columns at(PreparedStatement ps, int index) {
        return new Columns(ps, index);
    }

    Columns uuids(UUID[] values) throws SQLException {
        return array("uuid", values);
    }

    Columns texts(String[] values) throws SQLException {
        return array("text", values);
    }

    Columns longs(long[] values) throws SQLException {
        ps.setObject(index++, values);
        return this;
    }

    Columns ints(int[] values) throws SQLException {
        ps.setObject(index++, values);
        return this;
    }

    Columns bytes(byte[][] values) throws SQLException {
        ps.setArray(index++, ps.getConnection().createArrayOf("bytea", values));
        return this;
    }

    Columns scalar(long value) throws SQLException {
        ps.setLong(index++, value);
        return this;
    }

    Columns scalar(double value) throws SQLException {
        ps.setDouble(index++, value);
        return this;
    }

    /** The index of the next statement's first parameter. */
    int next() {
        return index;
    }

    private Columns array(String type, Object[] values) throws SQLException {
        ps.setArray(index++, ps.getConnection().createArrayOf(type, values));
        return this;
    }
}
