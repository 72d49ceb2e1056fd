package dev.creditledger.postgres;

import dev.creditledger.core.Reason;
import dev.creditledger.core.placement.Placement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The clusters this service writes to (ADR 0020), the first of them the catalog (it holds the directory and the
 * API keys), and the routing of each ledger to its cluster through the directory. With one cluster, the catalog
 * is the only one and every ledger lives there.
 */
public final class Clusters implements JournalRouter {

    private final Map<String, Cluster> byName = new LinkedHashMap<>();
    private final ClusterDirectory directory;

    public Clusters(List<Cluster> clusters) {
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException("at least one cluster");
        }
        for (var cluster : clusters) {
            if (byName.putIfAbsent(cluster.name(), cluster) != null) {
                throw new IllegalArgumentException("two clusters are named '" + cluster.name() + "'");
            }
        }
        this.directory = new ClusterDirectory(clusters.getFirst().dataSource());
    }

    /** One database as the only cluster, named {@value Cluster#DEFAULT_NAME}. */
    public static Clusters single(DataSource dataSource) {
        return new Clusters(List.of(new Cluster(Cluster.DEFAULT_NAME, "", dataSource)));
    }

    /** Applies the migrations to every cluster and checks that each database is the cluster it is configured as. */
    public Clusters migrate() {
        for (var cluster : all()) {
            LedgerDatabase.migrate(cluster.dataSource(), cluster.name());
        }
        return this;
    }

    /** The cluster that holds the directory and the keys (the first configured). */
    public Cluster catalog() {
        return byName.values().iterator().next();
    }

    public List<Cluster> all() {
        return List.copyOf(byName.values());
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public Optional<Cluster> named(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public ClusterDirectory directory() {
        return directory;
    }

    /** The cluster a ledger lives on; LEDGER_NOT_FOUND when it is placed nowhere. */
    public Cluster home(UUID ledgerId) {
        var placement = directory.placementOf(ledgerId)
                .orElseThrow(() -> new LedgerRejection(Reason.LEDGER_NOT_FOUND, "no ledger " + ledgerId));
        return clusterOf(placement);
    }

    /** The cluster of a placement; a placement on a cluster this instance is not configured with is a configuration error. */
    public Cluster clusterOf(Placement placement) {
        var cluster = byName.get(placement.cluster());
        if (cluster == null) {
            throw new StorageUnavailableException("a ledger lives on cluster '" + placement.cluster()
                    + "', which this instance is not configured with (LEDGER_CLUSTERS)", null);
        }
        return cluster;
    }

    @Override
    public DataSource dataSourceFor(UUID ledgerId) {
        return home(ledgerId).dataSource();
    }
}
