package dev.creditledger.server;

import dev.creditledger.postgres.ClusterVerification;
import dev.creditledger.postgres.Clusters;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The production executable (ledger-server-exec.jar): {@code serve} (any subset of the roles against
 * external PostgreSQL and Kafka from LEDGER_* variables), {@code verify} (recompute balances from the
 * journal), {@code projections} (rebuild or check a read model) and {@code events tail}. {@code dev}
 * (embedded PostgreSQL and Kafka) is added by ledger-dev's executable, so this jar carries neither. The
 * launcher script {@code ./ledger} builds the jars and calls them.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true, subcommands = {LedgerMain.Serve.class,
        LedgerMain.Verify.class, ProjectionsCommand.class, EventsCommand.class, AdminCommand.class},
        description = "Credit Ledger: a double-entry ledger service.")
public final class LedgerMain implements Runnable {

    public static void main(String[] args) {
        run(commandLine(), args);
    }

    /** The commands of this jar; ledger-dev adds {@code dev} to them. */
    public static CommandLine commandLine() {
        return new CommandLine(new LedgerMain()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Runs a command and exits with its code when it is not 0 (a service keeps running on its own threads). */
    public static void run(CommandLine commandLine, String[] args) {
        int exit = commandLine.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static Path workingTree() {
        var home = System.getenv("LEDGER_HOME");
        return Path.of(home != null && !home.isBlank() ? home : ".").toAbsolutePath().normalize();
    }

    static String env(String name, String fallback) {
        var value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void putIfSet(Map<String, Object> properties, String property, String variable) {
        var value = env(variable, null);
        if (value != null) {
            properties.put(property, value);
        }
    }

    public static ConfigurableApplicationContext startService(Map<String, Object> properties) {
        return startService(properties, java.util.List.of());
    }

    /**
     * Starts the service with {@code properties} as defaults (environment variables override them) and
     * {@code propertyArguments} ({@code --name=value}) above both.
     */
    public static ConfigurableApplicationContext startService(Map<String, Object> properties, java.util.List<String> propertyArguments) {
        var application = new SpringApplicationBuilder(LedgerApplication.class).properties(properties).build();
        // Our own shutdown hook orders the stop: the service first, then the embedded database under it.
        application.setRegisterShutdownHook(false);
        return application.run(propertyArguments.toArray(String[]::new));
    }

    /**
     * The arguments picocli did not know, which must each be a property as {@code --name=value}; an
     * argument of another shape is refused by name, so a typo is not silently ignored.
     */
    static java.util.List<String> propertyArguments(java.util.List<String> unmatched) {
        var arguments = unmatched == null ? java.util.List.<String>of() : unmatched;
        for (var argument : arguments) {
            if (!argument.matches("--[A-Za-z][A-Za-z0-9_.\\[\\]-]*=.*")) {
                throw new IllegalArgumentException("unknown option '" + argument
                        + "': properties are given as --name=value, e.g. --ledger.engine.batchers=4");
            }
        }
        return java.util.List.copyOf(arguments);
    }

    /**
     * The property arguments, with {@code --ledger.grpc.port} from a {@code --grpc-port} option when one was given (a
     * property argument ranks above the environment's LEDGER_GRPC_PORT).
     */
    public static java.util.List<String> withGrpcPort(java.util.List<String> arguments, Integer grpcPort) {
        if (grpcPort == null) {
            return arguments;
        }
        var all = new java.util.ArrayList<>(arguments);
        all.add("--ledger.grpc.port=" + grpcPort);
        return java.util.List.copyOf(all);
    }

    /** Where the started service serves its gRPC API: {@code 127.0.0.1:PORT}, or why it does not. */
    public static String grpcBanner(ConfigurableApplicationContext context) {
        int port = context.getBean(dev.creditledger.server.grpc.GrpcServer.class).port();
        return port == 0 ? "off (ledger.grpc.port 0, or not the api role)" : "127.0.0.1:" + port;
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = {"Run some or all roles against external PostgreSQL and Kafka.",
                    "Environment: LEDGER_DB_URL, LEDGER_DB_USER, LEDGER_DB_PASSWORD, LEDGER_ADMIN_KEY, LEDGER_KAFKA_BOOTSTRAP,",
                    "LEDGER_KAFKA_TOPIC_PREFIX, LEDGER_PROJECTIONS_DB_URL, LEDGER_PROJECTIONS_DB_USER, LEDGER_PROJECTIONS_DB_PASSWORD."})
    static final class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "HTTP port (default: LEDGER_PORT or 8080).")
        Integer port;

        @Option(names = "--grpc-port", description = "gRPC port of the api role; 0 serves no gRPC API (default: LEDGER_GRPC_PORT or 9090).")
        Integer grpcPort;

        @Option(names = "--roles", split = ",", description = "Any of api, relay, projector, worker (default: all).")
        java.util.List<Role> roles;

        /** Any property of the README's tables as {@code --name=value}, above the environment. */
        @CommandLine.Unmatched
        java.util.List<String> propertyOptions;

        @Override
        public Integer call() {
            var url = env("LEDGER_DB_URL", null);
            if (url == null) {
                System.err.println("ledger serve: set LEDGER_DB_URL (for example jdbc:postgresql://db:5432/ledger), "
                        + "LEDGER_DB_USER, LEDGER_DB_PASSWORD and LEDGER_ADMIN_KEY");
                return 2;
            }
            var properties = new HashMap<String, Object>();
            properties.put("spring.datasource.url", url);
            properties.put("spring.datasource.username", env("LEDGER_DB_USER", "postgres"));
            properties.put("spring.datasource.password", env("LEDGER_DB_PASSWORD", ""));
            properties.put("ledger.admin-key", env("LEDGER_ADMIN_KEY", ""));
            properties.put("server.port", port != null ? port : Integer.parseInt(env("LEDGER_PORT", "8080")));
            properties.put("ledger.roles", roles == null || roles.isEmpty() ? "api,relay,projector,worker"
                    : String.join(",", roles.stream().map(r -> r.name().toLowerCase()).toList()));
            putIfSet(properties, "ledger.kafka.bootstrap-servers", "LEDGER_KAFKA_BOOTSTRAP");
            putIfSet(properties, "ledger.kafka.topic-prefix", "LEDGER_KAFKA_TOPIC_PREFIX");
            putIfSet(properties, "ledger.projections.url", "LEDGER_PROJECTIONS_DB_URL");
            putIfSet(properties, "ledger.projections.username", "LEDGER_PROJECTIONS_DB_USER");
            putIfSet(properties, "ledger.projections.password", "LEDGER_PROJECTIONS_DB_PASSWORD");
            // LEDGER_GRPC_PORT is the property's own environment name, so it overrides this default; --grpc-port overrides both.
            properties.put("ledger.grpc.port", LedgerProperties.Grpc.PORT_DEFAULT);
            java.util.List<String> arguments;
            try {
                arguments = withGrpcPort(propertyArguments(propertyOptions), grpcPort);
                properties.putAll(LogFormat.from(System.getenv(LogFormat.VARIABLE), LogFormat.JSON).properties());
            } catch (IllegalArgumentException e) {
                System.err.println("ledger serve: " + e.getMessage());
                return 2;
            }
            var context = startService(properties, arguments);
            Runtime.getRuntime().addShutdownHook(new Thread(context::close, "ledger-serve-stop"));
            org.slf4j.LoggerFactory.getLogger(LedgerMain.class)
                    .info("Credit Ledger is serving on port {} (gRPC: {})", context.getEnvironment().getProperty("local.server.port"),
                            grpcBanner(context));
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every balance from the journal and check the trial balance, the transfer states, grants, "
                    + "escrows, alerts and the sequence. Checks LEDGER_DB_URL (with LEDGER_DB_USER, LEDGER_DB_PASSWORD) or the "
                    + "database of a running `ledger dev`; without either it refuses (exit code 2): there is nothing to check.")
    static final class Verify implements Callable<Integer> {
        /** Exit code when there is no database to check, or it holds no ledger journal. */
        static final int NOTHING_TO_CHECK = 2;

        private final java.util.function.UnaryOperator<String> environment;
        private final Path workingTree;

        Verify() {
            this(System::getenv, workingTree());
        }

        /** With the environment variables and the working tree given (tests). */
        Verify(java.util.function.UnaryOperator<String> environment, Path workingTree) {
            this.environment = environment;
            this.workingTree = workingTree;
        }

        @Override
        public Integer call() throws Exception {
            CliConnections.quietLogging();
            Clusters clusters;
            try {
                clusters = CliClusters.open(environment, workingTree, "ledger verify");
            } catch (CliClusters.NothingToWorkOn e) {
                System.err.println(e.getMessage());
                return NOTHING_TO_CHECK;
            }
            var configured = clusters.all();
            var report = ClusterVerification.verifyAll(clusters);
            System.out.printf("verified %d ledgers on %d cluster%s (%s), %d accounts, %d entries: %s%n", report.ledgers(),
                    configured.size(), configured.size() == 1 ? "" : "s", String.join(", ", clusters.names()), report.accounts(),
                    report.entries(), report.clean() ? "clean" : report.differences().size() + " differences");
            report.differences().forEach(d -> System.out.println("  " + d));
            return report.clean() ? 0 : 1;
        }
    }
}
