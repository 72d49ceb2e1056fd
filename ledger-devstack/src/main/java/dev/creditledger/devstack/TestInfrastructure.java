package dev.creditledger.devstack;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The one test kit for the embedded PostgreSQL and Kafka: every module's tests reach the servers through it.
 *
 * One throw-away PostgreSQL server and one throw-away Kafka broker per JVM, started on first use and stopped
 * when the JVM exits (fsync off: nothing here outlives the tests). Each test class asks for databases of its
 * own ({@link #freshDatabase}: a name made of its purpose, the process id and a counter) and topics of its own
 * ({@link #freshTopicPrefix}), so no test sees another's ledgers or events. The schema is the caller's to
 * apply ({@code LedgerDatabase::migrate}, {@code ProjectionDatabase::migrate}): this module sits below the
 * modules that own the migrations.
 *
 * What can go wrong: a test that needs servers it can stop or kill (a broker outage, a database crash) starts
 * its own with {@link EmbeddedPostgresServer#start} or {@link EmbeddedKafkaBroker#start}; stopping the shared
 * ones would take them from every other test class in the JVM.
 */
public final class TestInfrastructure {

    public static final int POOL_SIZE_MAX_DEFAULT = 20;
    public static final Duration CONNECTION_TIMEOUT_DEFAULT = Duration.ofSeconds(30);

    private static final AtomicInteger databaseCounter = new AtomicInteger();
    private static EmbeddedPostgresServer postgres;
    private static EmbeddedKafkaBroker kafka;

    private TestInfrastructure() {}

    /** The JVM's shared PostgreSQL server. */
    public static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            var server = EmbeddedPostgresServer.start(null, 0, false);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "embedded-postgres-stop"));
            postgres = server;
        }
        return postgres;
    }

    /** The JVM's shared Kafka broker. */
    public static synchronized EmbeddedKafkaBroker kafka() {
        if (kafka == null) {
            var broker = EmbeddedKafkaBroker.start(null, 0);
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
            kafka = broker;
        }
        return kafka;
    }

    /** A database name no other test of this JVM (or of another JVM on the same server) has: purpose, pid, counter. */
    public static String freshDatabaseName(String purpose) {
        var name = "t_" + purpose.toLowerCase().replaceAll("[^a-z0-9]", "_") + "_" + ProcessHandle.current().pid() + "_"
                + databaseCounter.incrementAndGet();
        // PostgreSQL cuts identifiers at 63 bytes; a cut name could meet another test's.
        if (name.length() > 63) {
            throw new IllegalArgumentException("purpose too long for a database name: " + purpose);
        }
        return name;
    }

    /** A new empty database on the shared server with a pool of {@link #POOL_SIZE_MAX_DEFAULT}, and the schema applied. */
    public static HikariDataSource freshDatabase(String purpose, Consumer<DataSource> schema) {
        var dataSource = database(freshDatabaseName(purpose), POOL_SIZE_MAX_DEFAULT, CONNECTION_TIMEOUT_DEFAULT, Map.of());
        schema.accept(dataSource);
        return dataSource;
    }

    /**
     * A pool on the named database of the shared server, created if it does not exist yet (so a test can name
     * the databases it will take away, or open a second pool with other connection options on the same one).
     *
     * @param dataSourceProperties driver properties, such as {@code options=-c lock_timeout=300}
     */
    public static HikariDataSource database(String name, int poolSizeMax, Duration connectionTimeout,
            Map<String, String> dataSourceProperties) {
        var server = postgres();
        var config = new HikariConfig();
        config.setJdbcUrl(server.createDatabase(name));
        config.setUsername(server.user());
        config.setMaximumPoolSize(poolSizeMax);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        dataSourceProperties.forEach(config::addDataSourceProperty);
        return new HikariDataSource(config);
    }

    /** The JDBC URL of the named database on the shared server, created if it does not exist yet (for a service's configuration). */
    public static String databaseUrl(String name) {
        return postgres().createDatabase(name);
    }

    /**
     * Takes a database of the shared server away for real, or gives it back: no new connections, and every
     * open one terminated.
     */
    public static void setConnectionsAllowed(String database, boolean allowed) {
        var server = postgres();
        try (var c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), ""); var s = c.createStatement()) {
            s.execute("ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not set ALLOW_CONNECTIONS " + allowed + " on " + database, e);
        }
    }

    /** A topic prefix no other test uses, so a test's topics on the shared broker are its own. */
    public static String freshTopicPrefix() {
        return "t" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
