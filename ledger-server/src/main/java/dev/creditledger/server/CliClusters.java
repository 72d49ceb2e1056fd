package dev.creditledger.server;

import dev.creditledger.postgres.Cluster;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.server.dev.DevEnvironment;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The clusters the command-line tools work on ({@code ledger verify}, {@code ledger admin move-ledger}): those of the
 * {@code LEDGER_*} variables of {@code ledger serve} (LEDGER_DB_URL named LEDGER_CLUSTER_NAME, and LEDGER_CLUSTERS),
 * or else those a running {@code ledger dev} recorded. Each must hold a journal of this version.
 */
final class CliClusters {

    /** Why the tools have nothing to work on: no database configured, one without a current journal, or a cluster unreachable. */
    static final class NothingToWorkOn extends Exception {
        NothingToWorkOn(String message) {
            super(message, null, false, false);
        }
    }

    private CliClusters() {}

    static Clusters open(UnaryOperator<String> environment, Path workingTree, String tool) throws NothingToWorkOn {
        var dev = new DevEnvironment(workingTree);
        var url = variable(environment, "LEDGER_DB_URL", null);
        var user = variable(environment, "LEDGER_DB_USER", "postgres");
        var password = variable(environment, "LEDGER_DB_PASSWORD", "");
        if (url == null) {
            url = dev.runningDatabaseUrl().filter(CliClusters::reachable).orElse(null);
        }
        if (url == null) {
            throw new NothingToWorkOn(tool + ": no database to work on. Set LEDGER_DB_URL (and LEDGER_DB_USER, LEDGER_DB_PASSWORD, "
                    + "LEDGER_CLUSTERS), or start `ledger dev` first.");
        }
        var clusterName = variable(environment, "LEDGER_CLUSTER_NAME", dev.runningClusterName().orElse(Cluster.DEFAULT_NAME));
        var others = variable(environment, "LEDGER_CLUSTERS", dev.runningClusters().orElse(""));
        List<Cluster> configured = new ArrayList<>();
        configured.add(new Cluster(clusterName, url, new SimpleDriverDataSource(new org.postgresql.Driver(), url, user, password)));
        for (var other : ClusterPools.parse(others).entrySet()) {
            configured.add(new Cluster(other.getKey(), other.getValue(),
                    new SimpleDriverDataSource(new org.postgresql.Driver(), other.getValue(), user, password)));
        }
        for (var cluster : configured) {
            LedgerDatabase.Schema schema;
            try {
                schema = LedgerDatabase.schema(cluster.dataSource());
            } catch (RuntimeException unreachable) {
                throw new NothingToWorkOn(tool + ": cluster " + cluster.name() + " at " + cluster.url() + " cannot be reached ("
                        + firstLine(unreachable.getMessage()) + "); nothing was checked. Start it, or leave it out of LEDGER_CLUSTERS.");
            }
            String refusal = switch (schema) {
                case NONE -> tool + ": " + cluster.url() + " (cluster " + cluster.name()
                        + ") holds no ledger journal (Credit Ledger never migrated it); nothing to work on.";
                case BEHIND -> tool + ": the journal at " + cluster.url() + " (cluster " + cluster.name()
                        + ") is of an older version (migrations pending); start this version's service on it once (it migrates at start).";
                case CURRENT -> null;
            };
            if (refusal != null) {
                throw new NothingToWorkOn(refusal);
            }
        }
        return new Clusters(configured);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    private static String variable(UnaryOperator<String> environment, String name, String fallback) {
        var value = environment.apply(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean reachable(String url) {
        try (var ignored = DriverManager.getConnection(url, "postgres", "")) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
