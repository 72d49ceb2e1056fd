package dev.creditledger.projections;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the read-model schema ({@code classpath:db/projections}) to the projections database, with
 * its own history table so that it never mixes with the journal's migrations even if both were pointed
 * at one database. Safe to run at every start.
 */
public final class ProjectionDatabase {

    public static final String HISTORY_TABLE = "projections_schema_history";

    private ProjectionDatabase() {}

    public static void migrate(DataSource projections) {
        Flyway.configure()
                .dataSource(projections)
                .locations("classpath:db/projections")
                .table(HISTORY_TABLE)
                .load()
                .migrate();
    }
}
