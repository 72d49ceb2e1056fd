package dev.creditledger.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several statements sent to PostgreSQL in ONE round trip: they are joined into one multi-statement
 * prepared statement, which the driver sends as consecutive Parse/Bind/Execute messages with a single
 * Sync. PostgreSQL runs them one after the other, each with its own snapshot (READ COMMITTED), so a
 * statement that waits for a lock is followed by reads that see what the lock holder committed.
 *
 * Parameters are numbered across all statements; each statement binds its own, in the order added.
 * Every statement must return a result set (a SELECT, or a data-modifying statement with RETURNING or
 * inside a WITH). If one fails, the ones after it do not run and {@link #run} throws. Used by the
 * posting engine and by the projector.
 */
public final class Pipeline {

    @FunctionalInterface
    public interface Binder {
        /** Binds this statement's parameters from {@code index} on and returns the next free index. */
        int bind(PreparedStatement ps, int index) throws SQLException;
    }

    @FunctionalInterface
    public interface Reader {
        void read(ResultSet rs) throws SQLException;
    }

    /** For statements whose answer (a row count, needed only because a pipeline statement must return rows) is not used. */
    public static final Reader NOTHING_TO_READ = rs -> { };

    private record Step(String sql, Binder binder, Reader reader) {}

    private final List<Step> steps = new ArrayList<>();

    public Pipeline add(String sql, Binder binder, Reader reader) {
        steps.add(new Step(sql, binder, reader));
        return this;
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public void run(Connection connection) throws SQLException {
        if (steps.isEmpty()) {
            return;
        }
        var sql = String.join(";\n", steps.stream().map(Step::sql).toList());
        try (var ps = connection.prepareStatement(sql)) {
            int index = 1;
            for (var step : steps) {
                index = step.binder().bind(ps, index);
            }
            boolean hasResultSet = ps.execute();
            for (int i = 0; i < steps.size(); i++) {
                if (!hasResultSet) {
                    throw new IllegalStateException("statement " + i + " of the pipeline returned no rows: " + steps.get(i).sql());
                }
                try (var rs = ps.getResultSet()) {
                    steps.get(i).reader().read(rs);
                }
                hasResultSet = ps.getMoreResults();
            }
        }
    }
}
