package dev.creditledger.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the schema migrations in {@code db/migration} to a database. Safe to run at every start. */
public final class LedgerDatabase {
    private LedgerDatabase() {}

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }
}
