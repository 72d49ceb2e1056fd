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

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Clusters.class);

    private final Map<String, Cluster> byName = new LinkedHashMap<>();
    private final ClusterDirectory directory;
    private final java.util.Set<String> unmigrated = java.util.concurrent.ConcurrentHashMap.newKeySet();

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

    /**
     * Applies the migrations to every cluster and checks that each database is the cluster it is configured as. A
     * cluster other than the catalog that does not answer does not stop the start: it is left unmigrated, its ledgers
     * answer 503 until {@link #migratePending} reaches it (one cluster's trouble never stops another's work). The catalog
     * must answer, and a database stamped with another name always stops the start.
     */
    public Clusters migrate() {
        for (var cluster : all()) {
            try {
                LedgerDatabase.migrate(cluster.dataSource(), cluster.name());
            } catch (RuntimeException e) {
                if (cluster == catalog() || !unreachable(e)) {
                    throw e;
                }
                unmigrated.add(cluster.name());
                log.warn("cluster {} does not answer; it is migrated when it does, and its ledgers answer 503 until then: {}", cluster.name(),
                        e.getMessage());
            }
        }
        return this;
    }

    /** Migrates the clusters that did not answer before; true when none is left. Called on a schedule. */
    public boolean migratePending() {
        for (var name : List.copyOf(unmigrated)) {
            try {
                LedgerDatabase.migrate(byName.get(name).dataSource(), name);
                unmigrated.remove(name);
                log.info("cluster {} answers again and is migrated", name);
            } catch (RuntimeException e) {
                if (!unreachable(e)) {
                    log.error("cluster {} cannot be migrated: {}", name, e.getMessage());
                }
            }
        }
        return unmigrated.isEmpty();
    }

    /** False while a cluster that did not answer at the start is not migrated yet. */
    public boolean migrated(String name) {
        return !unmigrated.contains(name);
    }

    /** A failure to reach the database (connection refused or timed out, SQLSTATE class 08), as opposed to one of its answers. */
    static boolean unreachable(Throwable failure) {
        for (var cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.sql.SQLTransientConnectionException
                    || (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        return false;
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

    /**
     * The cluster a ledger lives on; LEDGER_NOT_FOUND when it is placed nowhere, and unavailable while its cluster is
     * not migrated (it did not answer when this instance started).
     */
    public Cluster home(UUID ledgerId) {
        var placement = directory.placementOf(ledgerId)
                .orElseThrow(() -> new LedgerRejection(Reason.LEDGER_NOT_FOUND, "no ledger " + ledgerId));
        var cluster = clusterOf(placement);
        if (unmigrated.contains(cluster.name())) {
            throw new StorageUnavailableException("cluster " + cluster.name() + " has not answered since this instance started", null);
        }
        return cluster;
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
