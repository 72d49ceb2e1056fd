package dev.creditledger.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs a read on a read-only connection of the pool; a failure becomes {@link StorageUnavailableException}. */
final class ReadOnly {
    private ReadOnly() {}

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    static <T> T run(DataSource dataSource, Work<T> work) {
        try (var connection = dataSource.getConnection()) {
            connection.setReadOnly(true);
            return work.run(connection);
        } catch (SQLException e) {
            throw new StorageUnavailableException("query failed: " + e.getMessage(), e);
        }
    }
}
