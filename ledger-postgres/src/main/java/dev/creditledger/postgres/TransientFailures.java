package dev.creditledger.postgres;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/**
 * Which database failures of a batch are worth running the batch again, by SQLSTATE: the transaction
 * was rolled back for a reason that may not recur (a serialization failure, a deadlock, a lock not
 * granted within lock_timeout, a connection lost or refused, the server shutting down). A statement
 * timeout is not among them (the same batch would run as long again), nor is a connection pool timeout
 * (the pool already waited), nor anything that says the batch itself is wrong.
 */
final class TransientFailures {
    private TransientFailures() {}

    private static final Set<String> STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available (lock_timeout)
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03"); // cannot_connect_now

    static boolean isTransient(Throwable failure) {
        if (failure instanceof SQLTransientConnectionException) {
            // The pool waited its connectionTimeout for a connection: waiting again helps no caller.
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                var state = sql.getSQLState();
                // Class 08: connection exceptions (lost, refused, broken).
                if (state.startsWith("08") || STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }
}
