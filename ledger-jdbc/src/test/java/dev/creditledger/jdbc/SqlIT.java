package dev.creditledger.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.devstack.TestInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared JDBC helpers against a real PostgreSQL: single numbers, metadata both ways, instants and uuids. */
class SqlIT {

    private static HikariDataSource database;

    @BeforeAll
    static void start() {
        database = TestInfrastructure.freshDatabase("jdbc_helpers", dataSource -> { });
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void firstNumberAnswersTheFirstRowsFirstColumnOrNothingWithInstantsBoundAsUtcTimestamps() throws SQLException {
        try (var connection = database.getConnection()) {
            assertThat(Sql.firstNumber(connection, "SELECT 41 + ?::int", 1)).hasValue(42);
            assertThat(Sql.firstNumber(connection, "SELECT 1 WHERE false")).isEmpty();
            var at = Instant.parse("2026-12-07T10:15:30.123456Z");
            assertThat(Sql.firstNumber(connection, "SELECT extract(epoch FROM ?::timestamptz)::bigint", at)).hasValue(at.getEpochSecond());
        }
    }

    @Test
    void metadataWrittenAsTwoArraysIsReadBackSortedByKeyWithInstantsAndIds() throws SQLException {
        try (var connection = database.getConnection()) {
            createTable(connection);
            var id = UUID.randomUUID();
            var at = Instant.parse("2026-12-07T10:15:30.123456Z");
            try (var ps = connection.prepareStatement("INSERT INTO things (id, at, metadata) VALUES (?, ?, " + Sql.METADATA_PARAM + ")")) {
                ps.setObject(1, id);
                Sql.setInstant(ps, 2, at);
                Sql.setMetadata(ps, 3, Map.of("zeta", "last", "alpha", "first", "quote", "a \"b\" | c"));
                ps.executeUpdate();
            }
            for (var select : new String[] {"SELECT id, at, " + Sql.metadataColumns() + " FROM things",
                    "SELECT t.id, t.at, " + Sql.metadataColumns("t") + " FROM things t"}) {
                try (var ps = connection.prepareStatement(select); var rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(Sql.uuid(rs, "id")).isEqualTo(id);
                    assertThat(Sql.instant(rs, "at")).isEqualTo(at);
                    assertThat(Sql.metadata(rs)).containsExactly(Map.entry("alpha", "first"), Map.entry("quote", "a \"b\" | c"),
                            Map.entry("zeta", "last"));
                }
            }
        }
    }

    private static void createTable(Connection connection) throws SQLException {
        try (var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS things (id uuid PRIMARY KEY, at timestamptz NOT NULL, metadata jsonb NOT NULL)");
            statement.execute("TRUNCATE things");
        }
    }
}
