package dev.creditledger.chaos;

import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.devstack.FreePorts;
import dev.creditledger.devstack.ReplicatedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL 17 (fsync and synchronous_commit on) and a Kafka broker, both running in the kit's own process
 * on data under the work directory, so the service processes can be killed without them and they can be
 * stopped and started under the service. PostgreSQL is stopped as {@code pg_ctl stop -m immediate} does:
 * SIGQUIT to the postmaster, no checkpoint, every backend gone; started again on the same data and port.
 * Kafka is stopped as a whole broker (its log kept) and started again on the same ports.
 */
final class ChaosInfrastructure implements AutoCloseable {

    static final String JOURNAL_DATABASE = "chaos_journal";
    static final String PROJECTIONS_DATABASE = "chaos_projections";
    /**
     * A second cluster of the service, a primary with a synchronous standby of its own (two more PostgreSQL servers):
     * the destination of the saga phase, stopped in the cluster phase and failed over in the failover phase.
     */
    static final String SECOND_CLUSTER = "c2";
    static final String SECOND_CLUSTER_DATABASE = "ledger";

    private final Path postgresData;
    private final int postgresPort;
    private EmbeddedPostgresServer postgres;
    private final EmbeddedKafkaBroker kafka;
    private final ReplicatedPostgres secondCluster;

    private ChaosInfrastructure(Path postgresData, int postgresPort, EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka,
                                ReplicatedPostgres secondCluster) {
        this.secondCluster = secondCluster;
        this.postgresData = postgresData;
        this.postgresPort = postgresPort;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    static ChaosInfrastructure start(Path workDir) throws IOException {
        var postgresData = workDir.resolve("postgres");
        int postgresPort = FreePorts.one();
        var postgres = EmbeddedPostgresServer.start(postgresData, postgresPort, true);
        postgres.createDatabase(JOURNAL_DATABASE);
        postgres.createDatabase(PROJECTIONS_DATABASE);
        EmbeddedKafkaBroker kafka;
        ReplicatedPostgres secondCluster = null;
        try {
            secondCluster = ReplicatedPostgres.start(workDir.resolve("c2"), List.of(SECOND_CLUSTER_DATABASE));
            kafka = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), FreePorts.pair());
        } catch (RuntimeException e) {
            if (secondCluster != null) {
                secondCluster.close();
            }
            postgres.close();
            throw e;
        }
        return new ChaosInfrastructure(postgresData, postgresPort, postgres, kafka, secondCluster);
    }

    String journalUrl() {
        return jdbcUrl(JOURNAL_DATABASE);
    }

    /** LEDGER_CLUSTERS of the services: the second cluster. */
    String otherClusters() {
        return SECOND_CLUSTER + "=" + secondCluster.jdbcUrl(SECOND_CLUSTER_DATABASE);
    }

    /** The second cluster's two servers, for its faults. */
    ReplicatedPostgres secondCluster() {
        return secondCluster;
    }

    String projectionsUrl() {
        return jdbcUrl(PROJECTIONS_DATABASE);
    }

    private String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    String kafkaBootstrap() {
        return kafka.bootstrapServers();
    }

    DataSource journal() {
        return dataSource(journalUrl());
    }

    DataSource projections() {
        return dataSource(projectionsUrl());
    }

    private static DataSource dataSource(String url) {
        var source = new PGSimpleDataSource();
        source.setUrl(url);
        source.setUser("postgres");
        return source;
    }

    /** What {@code pg_ctl stop -m immediate} does ({@link EmbeddedPostgresServer#stopImmediately}), then releases the data directory. */
    void stopPostgresImmediately() {
        EmbeddedPostgresServer.stopImmediately(postgresData);
        postgres.close(); // releases the kit's hold on the data directory; the postmaster is already gone
    }

    void startPostgres() {
        postgres = EmbeddedPostgresServer.start(postgresData, postgresPort, true);
    }

    void stopKafka() {
        kafka.stop();
    }

    void startKafka() {
        kafka.start();
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            try {
                secondCluster.close();
            } finally {
                postgres.close();
            }
        }
    }

}
