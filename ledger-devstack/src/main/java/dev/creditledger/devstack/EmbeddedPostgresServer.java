package dev.creditledger.devstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded PostgreSQL 17 server (zonky binaries) for {@code ledger dev} and the tests.
 *
 * With a data directory the cluster survives restarts; without one it lives in a temporary directory
 * that is wiped on close. {@code durable} turns fsync and synchronous_commit on, as anything that
 * acknowledges money movements must (zonky's default is fsync off). A postmaster left running by a
 * JVM that was killed with -9 is stopped before a new one starts on the same data directory, so a
 * crashed {@code ledger dev} can always be started again.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts a server.
     *
     * @param dataDirectory where the cluster lives across restarts, or null for a throw-away cluster
     * @param port          the TCP port on 127.0.0.1, or 0 for any free port
     * @param durable       fsync and synchronous_commit on (off is only for tests)
     */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean durable) {
        return start(dataDirectory, port, durable, java.util.Map.of());
    }

    /** Starts a server with more settings ({@code -c name=value}), which override the ones above. */
    public static EmbeddedPostgresServer start(Path dataDirectory, int port, boolean durable, java.util.Map<String, String> settings) {
        try {
            var builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(STARTUP_WAIT)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .setServerConfig("full_page_writes", durable ? "on" : "off")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("listen_addresses", "127.0.0.1");
            settings.forEach(builder::setServerConfig);
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                stopOrphanedPostmaster(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            var server = new EmbeddedPostgresServer(builder.start());
            log.info("embedded PostgreSQL listening on 127.0.0.1:{} (fsync {})", server.port(), durable ? "on" : "off");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database;
    }

    public String user() {
        return "postgres";
    }

    /** Creates the database if it does not exist yet and returns its JDBC URL. */
    public String createDatabase(String database) {
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database names are lower-case identifiers: " + database);
        }
        try (var connection = DriverManager.getConnection(jdbcUrl("postgres"), user(), "");
             var exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, database);
            try (var rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (var create = connection.createStatement()) {
                        create.execute("CREATE DATABASE " + database);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + database, e);
        }
        return jdbcUrl(database);
    }

    /**
     * What {@code pg_ctl stop -m immediate} does to the server on {@code dataDirectory}: SIGQUIT to the postmaster
     * (no checkpoint, every backend gone), then waits until it is gone (at most 30 s). The fault tests use it; the
     * server is then closed (to release this JVM's hold on the directory) and started again on the same data.
     */
    public static void stopImmediately(Path dataDirectory) {
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst().trim());
            var kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -QUIT " + pid + " failed");
            }
            var postmaster = ProcessHandle.of(pid);
            long deadline = System.nanoTime() + ORPHAN_STOP_WAIT.toNanos();
            while (postmaster.map(ProcessHandle::isAlive).orElse(false)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postmaster " + pid + " still runs " + ORPHAN_STOP_WAIT + " after SIGQUIT");
                }
                Thread.sleep(100); // the poll interval of this loop, bounded by its deadline
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly", e);
        }
    }

    /**
     * A JVM killed with -9 leaves its postmaster running and holding the data directory. Stop it
     * (SIGTERM, then SIGKILL) so the new server can start on the same data.
     */
    private static void stopOrphanedPostmaster(Path dataDirectory) throws IOException {
        var pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile);
        Optional<ProcessHandle> postmaster = lines.isEmpty() ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(lines.getFirst().trim()))
                        .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isEmpty() || !postmaster.get().isAlive()) {
            return;
        }
        log.warn("stopping PostgreSQL (pid {}) left running on {} by an earlier run", postmaster.get().pid(), dataDirectory);
        postmaster.get().destroy();
        try {
            postmaster.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception timeout) {
            postmaster.get().destroyForcibly();
        }
        // zonky's own lock file would still name the dead JVM; it is safe to remove once the postmaster is gone.
        Files.deleteIfExists(dataDirectory.resolve("epg-lock"));
    }
}
