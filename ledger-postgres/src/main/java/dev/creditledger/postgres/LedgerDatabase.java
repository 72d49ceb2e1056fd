package dev.creditledger.postgres;

import java.sql.SQLException;
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

    /** Migrates a database that is the one cluster, named {@value Cluster#DEFAULT_NAME}. */
    public static void migrate(DataSource dataSource) {
        migrate(dataSource, Cluster.DEFAULT_NAME);
    }

    /**
     * Migrates the database of a cluster and checks its identity: the first migration stamps the database with the
     * cluster's name, and a database stamped with another name is refused (URLs swapped, or a copy taken for the
     * original), before anything is written to it.
     */
    public static void migrate(DataSource dataSource, String clusterName) {
        Cluster.requireValidName(clusterName);
        flyway(dataSource, clusterName).migrate();
        var stamped = stampedName(dataSource);
        if (!stamped.equals(clusterName)) {
            throw new IllegalStateException("the database configured as cluster '" + clusterName + "' is cluster '" + stamped
                    + "': check LEDGER_DB_URL, LEDGER_CLUSTER_NAME and LEDGER_CLUSTERS (a cluster's name is fixed once it is stamped)");
        }
    }

    private static String stampedName(DataSource dataSource) {
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("SELECT name FROM cluster_identity");
             var rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("the database has no cluster_identity row: its migration V13 did not complete");
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read the cluster's identity", e);
        }
    }

    /** Reads the migration history without changing anything. */
    public static Schema schema(DataSource dataSource) {
        var info = flyway(dataSource, Cluster.DEFAULT_NAME).info();
        if (info.current() == null) {
            return Schema.NONE;
        }
        return info.pending().length > 0 ? Schema.BEHIND : Schema.CURRENT;
    }

    private static Flyway flyway(DataSource dataSource, String clusterName) {
        // A migration may rewrite a large journal: the service's statement and lock timeouts do not apply to it.
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .javaMigrations(new JournalChainMigration())
                .initSql("SET statement_timeout = 0; SET lock_timeout = 0")
                // Only V13 uses it: the name of the cluster whose ledgers are already in this database.
                .placeholders(java.util.Map.of("clusterName", clusterName))
                .load();
    }
}
