package dev.creditledger.devmode;

import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.server.dev.DevEnvironment;

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

    static EmbeddedKafkaBroker startKafka(DevEnvironment environment, int port) {
        var broker = EmbeddedKafkaBroker.start(environment.kafkaData(), port);
        environment.recordKafka(broker.bootstrapServers());
        return broker;
    }
}
