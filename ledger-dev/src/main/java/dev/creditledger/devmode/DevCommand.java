package dev.creditledger.devmode;

import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.Cluster;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.server.LedgerMain;
import dev.creditledger.server.LedgerProperties;
import dev.creditledger.server.LogFormat;
import dev.creditledger.server.dev.DevEnvironment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledger dev}: embedded PostgreSQL 17 and Kafka with their data under {@code .ledger/dev}, every
 * role of the service, a demo ledger with a write key, and a banner that says where everything is.
 * Ctrl-C stops the service, then the broker, then the database.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run everything on this machine: embedded PostgreSQL 17 and Kafka (data in .ledger/dev), every role, a demo ledger.")
final class DevCommand implements Callable<Integer> {
    @Option(names = "--fresh", description = "Wipe .ledger/dev first (all data, all keys).")
    boolean fresh;

    @Option(names = "--port", description = "HTTP port (default ${DEFAULT-VALUE}).", defaultValue = "8080")
    int port;

    @Option(names = "--grpc-port", description = "gRPC port; 0 serves no gRPC API (default: LEDGER_GRPC_PORT or 9090).")
    Integer grpcPort;

    @Option(names = "--db-port", description = "PostgreSQL port on 127.0.0.1 (default: any free port).", defaultValue = "0")
    int dbPort;

    @Option(names = "--kafka-port", description = "Kafka port on 127.0.0.1; the controller uses the next one (default ${DEFAULT-VALUE}).",
            defaultValue = "" + DevEnvironment.KAFKA_PORT_DEFAULT)
    int kafkaPort;

    @Option(names = "--clusters", description = "PostgreSQL clusters to place ledgers on, each its own embedded PostgreSQL "
            + "(default: as many as earlier runs made here, at least 1; at most " + CLUSTERS_MAX + ").")
    Integer clusters;

    /** The most clusters {@code ledger dev} starts: each embedded PostgreSQL takes about 40 MB and its own processes. */
    static final int CLUSTERS_MAX = 8;

    private static boolean clusterCountAllowed(int count) {
        if (count < 1 || count > CLUSTERS_MAX) {
            System.err.println("ledger dev: --clusters is between 1 and " + CLUSTERS_MAX + ": " + count);
            return false;
        }
        return true;
    }

    @Override
    public Integer call() {
        // Refused before anything is touched: a --fresh with a bad count must not wipe the data first.
        if (clusters != null && !clusterCountAllowed(clusters)) {
            return 2;
        }
        LogFormat format;
        try {
            format = LogFormat.from(System.getenv(LogFormat.VARIABLE), LogFormat.TEXT);
        } catch (IllegalArgumentException e) {
            System.err.println("ledger dev: " + e.getMessage());
            return 2;
        }
        DevLogging.quietUntilTheBanner();
        var environment = new DevEnvironment(LedgerMain.workingTree());
        if (fresh) {
            environment.wipe();
        }
        int clusterCount = clusters == null ? environment.clustersOnDisk() : clusters;
        if (!clusterCountAllowed(clusterCount)) {
            return 2;
        }
        if (clusterCount < environment.clustersOnDisk()) {
            System.err.println("ledger dev: earlier runs made " + environment.clustersOnDisk() + " clusters here, and ledgers may live on "
                    + "each; start with --clusters " + environment.clustersOnDisk() + " (or --fresh to start over)");
            return 2;
        }
        var postgres = DevStack.startPostgres(environment, dbPort);
        List<Map.Entry<String, EmbeddedPostgresServer>> otherClusters;
        try {
            otherClusters = DevStack.startOtherClusters(environment, clusterCount);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        EmbeddedKafkaBroker kafka = null;
        ConfigurableApplicationContext context;
        try {
            kafka = DevStack.startKafka(environment, kafkaPort);
            var properties = new HashMap<String, Object>();
            properties.put("spring.datasource.url", postgres.jdbcUrl(DevEnvironment.DATABASE));
            properties.put("spring.datasource.username", postgres.user());
            properties.put("ledger.clusters", environment.runningClusters().orElse(""));
            properties.put("ledger.admin-key", environment.operatorKey());
            properties.put("ledger.roles", "api,relay,projector,worker");
            properties.put("ledger.kafka.bootstrap-servers", kafka.bootstrapServers());
            properties.put("ledger.kafka.partitions", 4);
            properties.put("ledger.kafka.replication-factor", 1);
            properties.put("ledger.projections.url", postgres.jdbcUrl(DevEnvironment.PROJECTIONS_DATABASE));
            properties.put("ledger.projections.username", postgres.user());
            properties.put("server.port", port);
            // LEDGER_GRPC_PORT (the property's environment name) overrides this default; --grpc-port overrides both.
            properties.put("ledger.grpc.port", LedgerProperties.Grpc.PORT_DEFAULT);
            // The console shows a transfer's spans: keep the recent ones in memory (OTLP export stays optional).
            properties.put("ledger.tracing.memory-spans", LedgerProperties.Tracing.DEV_MEMORY_SPANS);
            properties.putAll(DevLogging.serviceProperties());
            properties.putAll(format.properties());
            context = LedgerMain.startService(properties, LedgerMain.withGrpcPort(java.util.List.of(), grpcPort));
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            otherClusters.forEach(entry -> entry.getValue().close());
            postgres.close();
            throw e;
        }
        var broker = kafka;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // The service first (relay and projector stop), then the broker, then the database under them;
            // a failure of one stop must not leave the others running.
            try {
                context.close();
            } finally {
                try {
                    broker.close();
                } finally {
                    otherClusters.forEach(entry -> entry.getValue().close());
                    postgres.close();
                    environment.forgetRunningServices();
                }
            }
        }, "ledger-dev-stop"));
        var admin = context.getBean(LedgerAdmin.class);
        var demo = admin.ledgerByName("demo").orElseGet(() -> admin.createLedger("demo"));
        var demoKey = environment.demoKey().filter(k -> admin.authenticate(k).isPresent()).orElseGet(() -> {
            var key = admin.createKey(demo.id(), ApiKeyRole.WRITE, "demo").secret();
            environment.saveDemoKey(key);
            return key;
        });
        var base = "http://localhost:" + port;
        System.out.printf("""

                Credit Ledger is running (ledger dev). Ctrl-C stops it.
                  API          %s/v1
                  gRPC         %s   (ledger.v1 services; docs/grpc.md)
                  Console      %s/console   (log in with the operator key and/or the demo key)
                  Swagger UI   %s/swagger-ui
                  OpenAPI      %s/v3/api-docs
                  Metrics      %s/actuator/prometheus
                  PostgreSQL   %s  (user postgres, data in %s)%s
                  Read models  %s
                  Kafka        %s  (topics ledger.account.v1, ledger.transfer.v1, ledger.entry.v1, ledger.alert.v1)
                  Roles        api, relay, projector, worker

                  Operator (admin) key:  %s
                  Demo ledger:           demo (%s)
                  Demo ledger key:       %s   (role write)

                Try:  export KEY=%s
                      curl -s %s/v1/accounts -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"asset":"USD"}'

                """, base, LedgerMain.grpcBanner(context), base, base, base, base, postgres.jdbcUrl(DevEnvironment.DATABASE), environment.postgresData(),
                clustersBanner(otherClusters), postgres.jdbcUrl(DevEnvironment.PROJECTIONS_DATABASE), broker.bootstrapServers(),
                environment.operatorKey(), demo.id(), demoKey, demoKey, base);
        return 0;
    }

    /** The banner's lines for the clusters after the default one, or nothing with one cluster. */
    private static String clustersBanner(List<Map.Entry<String, EmbeddedPostgresServer>> otherClusters) {
        if (otherClusters.isEmpty()) {
            return "";
        }
        var lines = new StringBuilder("\n  Clusters     " + Cluster.DEFAULT_NAME + " (the one above; it holds the directory and the keys)");
        for (var entry : otherClusters) {
            lines.append("\n               ").append(entry.getKey()).append("  ").append(entry.getValue().jdbcUrl(DevEnvironment.DATABASE));
        }
        return lines.toString();
    }
}
