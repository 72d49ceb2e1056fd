package dev.creditledger.projections;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The statements of one transaction, prepared once and reused for every event, so that a batch of
 * hundreds of events costs one parse per statement (the driver switches to server-side prepared
 * statements after a few executions).
 */
final class PreparedCache implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    PreparedCache(Connection connection) {
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    PreparedStatement get(String sql) throws SQLException {
        var statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    @Override
    public void close() {
        for (var statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // The connection is closed right after; nothing else holds the statement.
            }
        }
        statements.clear();
    }
}
