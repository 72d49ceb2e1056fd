package dev.creditledger.kafka;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.postgres.LedgerDatabase;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, migrated database on the shared embedded PostgreSQL (a copy of ledger-postgres's test helper,
 * which is package-private there). The relay claims any ledger with a backlog, so every test that runs
 * a relay gets a database of its own: another test's ledgers would otherwise leak into its topics.
 */
final class TestDatabase {
    private static final AtomicInteger counter = new AtomicInteger();

    private TestDatabase() {}

    static HikariDataSource create(String purpose) {
        var server = EmbeddedPostgresServer.shared();
        var name = "t_" + purpose.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid() + "_"
                + counter.incrementAndGet();
        var config = new HikariConfig();
        config.setJdbcUrl(server.createDatabase(name));
        config.setUsername(server.user());
        config.setMaximumPoolSize(20);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        var dataSource = new HikariDataSource(config);
        LedgerDatabase.migrate(dataSource);
        return dataSource;
    }
}
