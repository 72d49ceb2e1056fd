package dev.creditledger.devmode;

import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.postgres.Cluster;
import dev.creditledger.server.dev.DevEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starts the embedded services of {@code ledger dev} on the data under {@code .ledger/dev}, and records
 * their addresses in the {@link DevEnvironment} so the command-line tools of either jar can reach them.
 */
final class DevStack {
    private DevStack() {}

    static EmbeddedPostgresServer startPostgres(DevEnvironment environment, int port) {
        var server = EmbeddedPostgresServer.start(environment.postgresData(), port, true);
        server.createDatabase(DevEnvironment.DATABASE);
        server.createDatabase(DevEnvironment.PROJECTIONS_DATABASE);
        environment.recordDatabases(server.jdbcUrl(DevEnvironment.DATABASE), server.jdbcUrl(DevEnvironment.PROJECTIONS_DATABASE));
        return server;
    }

    /**
     * The other clusters of {@code ledger dev --clusters N}: one more embedded PostgreSQL per cluster, named c2, c3, ...,
     * with its data in {@code .ledger/dev/pg-c2}, ... (each on any free port); recorded as LEDGER_CLUSTERS gives them.
     * A server that fails to start stops the ones already started.
     */
    static List<Map.Entry<String, EmbeddedPostgresServer>> startOtherClusters(DevEnvironment environment, int clusters) {
        List<Map.Entry<String, EmbeddedPostgresServer>> started = new ArrayList<>();
        try {
            for (int i = 2; i <= clusters; i++) {
                var name = DevEnvironment.clusterName(i);
                var server = EmbeddedPostgresServer.start(environment.clusterData(name), 0, true);
                started.add(Map.entry(name, server));
                server.createDatabase(DevEnvironment.DATABASE);
            }
        } catch (RuntimeException e) {
            started.forEach(entry -> entry.getValue().close());
            throw e;
        }
        environment.recordClusters(Cluster.DEFAULT_NAME, started.stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue().jdbcUrl(DevEnvironment.DATABASE)).collect(Collectors.joining(";")));
        return started;
    }

    static EmbeddedKafkaBroker startKafka(DevEnvironment environment, int port) {
        var broker = EmbeddedKafkaBroker.start(environment.kafkaData(), port);
        environment.recordKafka(broker.bootstrapServers());
        return broker;
    }
}
