package dev.creditledger.server.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;

/**
 * The on-disk state of {@code ledger dev}, under {@code .ledger/dev} of the working tree (git-ignored):
 * the PostgreSQL cluster ({@code pg/}) with the journal and read-model databases, the Kafka log
 * ({@code kafka/}), the operator key, the demo ledger's key, and the addresses of the running database
 * and broker (so {@code ledger verify}, {@code ledger projections} and {@code ledger events tail} can
 * reach them). Keys are kept in plain files because
 * this is a developer's machine; production keys come from the environment. Starting the embedded
 * services is ledger-dev's part ({@code DevStack}); this class only knows the files, so the production
 * jar's tools can find a running {@code ledger dev}.
 */
public final class DevEnvironment {
    public static final String DATABASE = "ledger";
    public static final String PROJECTIONS_DATABASE = "ledger_projections";
    public static final int KAFKA_PORT_DEFAULT = 9092;

    private final Path directory;

    public DevEnvironment(Path workingTree) {
        this.directory = workingTree.resolve(".ledger").resolve("dev");
    }

    public Path directory() {
        return directory;
    }

    public Path postgresData() {
        return directory.resolve("pg");
    }

    /** Deletes everything, refusing while a PostgreSQL started by another {@code ledger dev} is running. */
    public void wipe() {
        var pid = postgresData().resolve("postmaster.pid");
        try {
            if (Files.exists(pid)) {
                long postmaster = Long.parseLong(Files.readAllLines(pid).getFirst().trim());
                if (ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)) {
                    throw new IllegalStateException("another `ledger dev` is running (PostgreSQL pid " + postmaster + "); stop it first");
                }
            }
            if (Files.exists(directory)) {
                try (var paths = Files.walk(directory)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The name {@code ledger dev --clusters N} gives its i-th cluster (1-based): the default cluster's name, then c2, c3, ... */
    public static String clusterName(int i) {
        return i == 1 ? dev.creditledger.postgres.Cluster.DEFAULT_NAME : "c" + i;
    }

    /** The data directory of another cluster than the default one (whose data is {@link #postgresData}). */
    public Path clusterData(String name) {
        return directory.resolve("pg-" + name);
    }

    /** How many clusters earlier runs of {@code ledger dev} made here (at least 1): a restart keeps them all. */
    public int clustersOnDisk() {
        int clusters = 1;
        while (Files.isDirectory(clusterData(clusterName(clusters + 1)))) {
            clusters++;
        }
        return clusters;
    }

    public Path kafkaData() {
        return directory.resolve("kafka");
    }

    /** Records where the running `ledger dev` database is, for the command-line tools. */
    public void recordDatabases(String databaseUrl, String projectionsUrl) {
        write("db-url", databaseUrl);
        write("projections-db-url", projectionsUrl);
    }

    /**
     * Records the clusters of a running {@code ledger dev --clusters N}: the default cluster's name and the others
     * as LEDGER_CLUSTERS would give them ({@code name=url;...}, empty for one cluster).
     */
    public void recordClusters(String defaultClusterName, String otherClusters) {
        write("cluster-name", defaultClusterName);
        write("clusters", otherClusters);
    }

    public Optional<String> runningClusterName() {
        return read("cluster-name");
    }

    public Optional<String> runningClusters() {
        return read("clusters");
    }

    /** Records where the running `ledger dev` broker is, for the command-line tools. */
    public void recordKafka(String bootstrapServers) {
        write("kafka-bootstrap", bootstrapServers);
    }

    public Optional<String> runningProjectionsUrl() {
        return read("projections-db-url");
    }

    public Optional<String> runningKafkaBootstrap() {
        return read("kafka-bootstrap");
    }

    /** The operator key, created on first start and kept across restarts. */
    public String operatorKey() {
        return read("admin.key").orElseGet(() -> {
            var bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            var key = "cla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            write("admin.key", key);
            return key;
        });
    }

    public Optional<String> demoKey() {
        return read("demo.key");
    }

    public void saveDemoKey(String key) {
        write("demo.key", key);
    }

    public Optional<String> runningDatabaseUrl() {
        return read("db-url");
    }

    public void forgetRunningServices() {
        try {
            Files.deleteIfExists(directory.resolve("db-url"));
            Files.deleteIfExists(directory.resolve("projections-db-url"));
            Files.deleteIfExists(directory.resolve("kafka-bootstrap"));
            Files.deleteIfExists(directory.resolve("cluster-name"));
            Files.deleteIfExists(directory.resolve("clusters"));
        } catch (IOException ignored) {
            // Best effort: a stale address only makes the CLI commands fail to connect, with a message.
        }
    }

    private Optional<String> read(String name) {
        try {
            var file = directory.resolve(name);
            return Files.exists(file) ? Optional.of(Files.readString(file).trim()).filter(v -> !v.isEmpty()) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String name, String value) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(name), value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
