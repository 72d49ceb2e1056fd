package dev.creditledger.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one node, in this JVM) for
 * {@code ledger dev} and the tests.
 *
 * The log directory is formatted on first start and kept across {@link #stop()} and {@link #start()},
 * on the same two ports, so a test can take the broker away and bring it back with every record intact.
 * Without a data directory the broker lives in a temporary directory that {@link #close()} deletes.
 * Records are replicated to this one node only: good for development, never for production.
 *
 * What can go wrong: a port taken by another process fails {@link #start()}; a data directory formatted
 * for another cluster id is refused by the broker itself.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_WAIT = Duration.ofSeconds(60);
    /** The heap the broker's log cleaner takes for its dedupe map (Kafka's default: 128 MiB). */
    private static final int LOG_CLEANER_DEDUPE_BUFFER_BYTES = 8 * 1024 * 1024;

    private final Path logDirectory;
    private final boolean temporary;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Path logDirectory, boolean temporary, int brokerPort, int controllerPort) {
        this.logDirectory = logDirectory;
        this.temporary = temporary;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats (the first time) and starts a broker, and waits until it answers.
     *
     * @param dataDirectory where the log lives across restarts, or null for a throw-away broker
     * @param port          the client port on 127.0.0.1, or 0 for any free port; the controller listens
     *                      on the next port up
     */
    public static EmbeddedKafkaBroker start(Path dataDirectory, int port) {
        try {
            boolean temporary = dataDirectory == null;
            Path directory = temporary ? Files.createTempDirectory("ledger-kafka") : dataDirectory;
            Files.createDirectories(directory);
            int brokerPort = port > 0 ? port : FreePorts.pair();
            var broker = new EmbeddedKafkaBroker(directory, temporary, brokerPort, brokerPort + 1);
            broker.start();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the embedded Kafka broker's directory", e);
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public synchronized boolean running() {
        return server != null;
    }

    /** Starts the broker on its log directory and ports (again, after {@link #stop()}), and waits until it answers. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        long started = System.nanoTime();
        formatOnce();
        var config = KafkaConfig.fromProps(brokerProperties());
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        awaitReady();
        log.info("embedded Kafka broker listening on {} (ready in {} ms)", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** Stops the broker and keeps its log, as a crash of the broker's machine would (minus lost page cache). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.shutdown();
        server.awaitShutdown();
        server = null;
        log.info("embedded Kafka broker on {} stopped", bootstrapServers());
    }

    @Override
    public synchronized void close() {
        stop();
        if (temporary) {
            deleteRecursively(logDirectory);
        }
    }

    private Properties brokerProperties() {
        Map<String, String> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDirectory.toString());
        // One node: every internal topic has one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        // One node on a developer's machine (2 cores here) shares its cores with the service and PostgreSQL:
        // Kafka's defaults (8 request handlers, 3 network threads) only add context switches.
        props.put("num.io.threads", "2");
        props.put("num.network.threads", "2");
        // The log cleaner (compaction of the consumer-offset topic) allocates its dedupe map on the heap of
        // the JVM it runs in, 128 MiB by default: a quarter of ledger dev's heap, held for good, which kept
        // the old generation 83% full and G1 marking it over and over under load. A map entry is 24 bytes,
        // so 8 MiB still holds the offsets of about 350,000 keys per cleaning pass.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(LOG_CLEANER_DEDUPE_BUFFER_BYTES));
        var properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** Writes meta.properties and the bootstrap metadata once; a formatted directory is left as it is. */
    private void formatOnce() {
        if (Files.exists(logDirectory.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(Set.of(logDirectory.toString()))
                    .setMetadataLogDirectory(logDirectory.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format the embedded Kafka log directory " + logDirectory, e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 4000);
        try (var admin = Admin.create(config)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(4, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the embedded Kafka broker did not answer within " + READY_WAIT, notYet);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded Kafka broker", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}", directory, e);
        }
    }
}
