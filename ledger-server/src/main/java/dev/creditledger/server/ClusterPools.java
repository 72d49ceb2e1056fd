package dev.creditledger.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.postgres.Cluster;
import dev.creditledger.postgres.Clusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The clusters of the configuration (ADR 0020): the default one on the service's own pool (LEDGER_DB_URL, named
 * LEDGER_CLUSTER_NAME) and one more pool per entry of LEDGER_CLUSTERS, each made like the default pool (same
 * size, timeouts, credentials and driver settings) with its own URL, named {@code cluster-<name>} and measured like
 * it ({@code hikaricp_connections_*} with {@code pool="cluster-<name>"}). Closing closes the pools it made.
 */
final class ClusterPools implements AutoCloseable {

    /** Separates the clusters of LEDGER_CLUSTERS; a JDBC URL may hold commas (several hosts) but no ';'. */
    static final String SEPARATOR = ";";

    private final Clusters clusters;
    private final List<HikariDataSource> opened;

    private ClusterPools(Clusters clusters, List<HikariDataSource> opened) {
        this.clusters = clusters;
        this.opened = opened;
    }

    static ClusterPools open(DataSource defaultPool, LedgerProperties properties, io.micrometer.core.instrument.MeterRegistry registry) {
        var others = parse(properties.clusters());
        List<Cluster> clusters = new ArrayList<>();
        clusters.add(new Cluster(properties.clusterName(), jdbcUrl(defaultPool), defaultPool));
        List<HikariDataSource> opened = new ArrayList<>();
        for (var other : others.entrySet()) {
            var config = new HikariConfig();
            if (defaultPool instanceof HikariDataSource hikari) {
                hikari.copyStateTo(config);
            }
            config.setJdbcUrl(other.getValue());
            config.setPoolName("cluster-" + other.getKey());
            // Spring Boot measures the pools that are beans; these are not.
            config.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(registry));
            var pool = new HikariDataSource(config);
            opened.add(pool);
            clusters.add(new Cluster(other.getKey(), other.getValue(), pool));
        }
        return new ClusterPools(new Clusters(clusters), opened);
    }

    /** {@code name=url;name=url} in order; a malformed entry or a repeated name is a configuration error. */
    static Map<String, String> parse(String setting) {
        Map<String, String> clusters = new LinkedHashMap<>();
        for (var entry : setting.split(SEPARATOR)) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals < 1 || !entry.substring(equals + 1).strip().startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("ledger.clusters (LEDGER_CLUSTERS) entries are name=jdbc:postgresql://... separated by '"
                        + SEPARATOR + "': '" + entry.strip() + "'");
            }
            var name = Cluster.requireValidName(entry.substring(0, equals).strip());
            if (clusters.put(name, entry.substring(equals + 1).strip()) != null) {
                throw new IllegalArgumentException("ledger.clusters names cluster '" + name + "' twice");
            }
        }
        return clusters;
    }

    private static String jdbcUrl(DataSource pool) {
        return pool instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null ? hikari.getJdbcUrl() : "";
    }

    Clusters clusters() {
        return clusters;
    }

    @Override
    public void close() {
        opened.forEach(HikariDataSource::close);
    }
}
