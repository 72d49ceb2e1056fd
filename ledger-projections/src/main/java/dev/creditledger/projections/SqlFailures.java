package dev.creditledger.projections;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Sorts database failures into two kinds. Transient ones (connection lost, deadlock, serialization
 * failure, lock timeout, server shutting down or out of resources, an aborted transaction) say nothing
 * about the event being applied: the whole batch is rolled back and retried. Every other failure
 * (a constraint the event violates, an overflow, bad data) belongs to the event: retrying cannot help,
 * so the event is dead-lettered.
 */
final class SqlFailures {
    private SqlFailures() {}

    static boolean isTransient(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        var state = e.getSQLState();
        if (state == null) {
            // No SQLSTATE means the driver itself failed (closed connection, I/O): not the event's fault.
            return true;
        }
        return state.startsWith("08")      // connection exception
                || state.startsWith("25")  // invalid transaction state, e.g. the transaction was aborted
                || state.startsWith("40")  // serialization failure, deadlock detected
                || state.startsWith("53")  // insufficient resources
                || state.startsWith("57")  // operator intervention: shutdown, cancelled query
                || state.startsWith("58")  // system error (I/O)
                || state.startsWith("XX")  // internal error
                || state.equals("55P03");  // lock not available
    }

    static String describe(SQLException e) {
        return "SQLSTATE " + e.getSQLState() + ": " + e.getMessage();
    }
}
