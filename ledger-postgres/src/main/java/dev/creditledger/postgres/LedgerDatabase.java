package dev.creditledger.postgres;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Applies the schema migrations in {@code db/migration} to a database. Safe to run at every start. */
public final class LedgerDatabase {
    private LedgerDatabase() {}

    /** How a database's journal schema compares with this version's migrations. */
    public enum Schema {
        /** Never migrated by Credit Ledger: no journal here. */
        NONE,
        /** A journal of an older version: migrations are pending (the service applies them when it starts). */
        BEHIND,
        /** Every migration of this version is applied. */
        CURRENT
    }

    public static void migrate(DataSource dataSource) {
        flyway(dataSource).migrate();
    }

    /** Reads the migration history without changing anything. */
    public static Schema schema(DataSource dataSource) {
        var info = flyway(dataSource).info();
        if (info.current() == null) {
            return Schema.NONE;
        }
        return info.pending().length > 0 ? Schema.BEHIND : Schema.CURRENT;
    }

    private static Flyway flyway(DataSource dataSource) {
        // A migration may rewrite a large journal: the service's statement and lock timeouts do not apply to it.
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .initSql("SET statement_timeout = 0; SET lock_timeout = 0")
                .load();
    }
}
