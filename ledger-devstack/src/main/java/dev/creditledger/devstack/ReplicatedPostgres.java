package dev.creditledger.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of two embedded servers for the failover tests: a primary and a synchronous standby
 * ({@code synchronous_standby_names = 'standby1'}, {@code synchronous_commit = on}), so a commit is acknowledged only
 * once the standby has flushed it. The embedded binaries have no {@code pg_basebackup}: the standby is a copy of the
 * primary's data directory taken while the primary is stopped, with {@code standby.signal} and a
 * {@code primary_conninfo}. {@link #killPrimary} is {@code kill -9} of the primary's postmaster; {@link #promoteStandby}
 * is {@code pg_promote()}. Clients reach whichever is primary through {@link #jdbcUrl}: both hosts with
 * {@code targetServerType=primary}.
 *
 * The standby runs without {@code synchronous_standby_names}: once promoted it has no standby of its own, and must not
 * wait for one.
 */
public final class ReplicatedPostgres implements AutoCloseable {

    public static final String STANDBY_NAME = "standby1";
    private static final Duration STREAMING_WAIT = Duration.ofSeconds(60);

    private final Path primaryData;
    private final Path standbyData;
    private final int primaryPort;
    private final int standbyPort;
    private EmbeddedPostgresServer primary;
    private EmbeddedPostgresServer standby;

    private ReplicatedPostgres(Path primaryData, Path standbyData, int primaryPort, int standbyPort) {
        this.primaryData = primaryData;
        this.standbyData = standbyData;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
    }

    /** Starts a primary with {@code databases}, copies it into a standby, and waits until the standby streams synchronously. */
    public static ReplicatedPostgres start(Path directory, List<String> databases) throws IOException {
        int port = FreePorts.pair();
        var cluster = new ReplicatedPostgres(directory.resolve("primary"), directory.resolve("standby"), port, port + 1);
        var first = EmbeddedPostgresServer.start(cluster.primaryData, cluster.primaryPort, true);
        databases.forEach(first::createDatabase);
        first.close();
        copy(cluster.primaryData, cluster.standbyData);
        // PostgreSQL refuses a data directory that others may read.
        Files.setPosixFilePermissions(cluster.standbyData, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(cluster.standbyData.resolve("standby.signal"), "");
        Files.writeString(cluster.standbyData.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port=" + cluster.primaryPort
                + " user=postgres application_name=" + STANDBY_NAME + "'\n", java.nio.file.StandardOpenOption.APPEND);
        cluster.primary = EmbeddedPostgresServer.start(cluster.primaryData, cluster.primaryPort, true,
                Map.of("synchronous_standby_names", "'" + STANDBY_NAME + "'"));
        try {
            cluster.standby = EmbeddedPostgresServer.start(cluster.standbyData, cluster.standbyPort, true);
            Await.until(STREAMING_WAIT, "the standby streams synchronously", cluster::standbyIsSynchronous);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Both hosts, primary first, and {@code targetServerType=primary}: a client connects to whichever accepts writes. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + primaryPort + ",127.0.0.1:" + standbyPort + "/" + database + "?targetServerType=primary";
    }

    /** {@code kill -9} of the primary's postmaster; its backends end when they notice. Waits until it is gone. */
    public void killPrimary() {
        try {
            long pid = Long.parseLong(Files.readAllLines(primaryData.resolve("postmaster.pid")).getFirst().trim());
            var postmaster = ProcessHandle.of(pid).orElseThrow();
            postmaster.destroyForcibly();
            postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not kill the primary", e);
        }
    }

    /** The primary stopped as {@code pg_ctl stop -m immediate} does (no promotion: the cluster is down until {@link #startPrimary}). */
    public void stopPrimaryImmediately() {
        EmbeddedPostgresServer.stopImmediately(primaryData);
        primary.close();
    }

    /** The primary started again on its data; the standby reconnects by itself (commits wait for it, being synchronous). */
    public void startPrimary() {
        primary = EmbeddedPostgresServer.start(primaryData, primaryPort, true, Map.of("synchronous_standby_names", "'" + STANDBY_NAME + "'"));
    }

    /** Promotes the standby ({@code pg_promote()}, waiting for it) and returns once it accepts writes. */
    public void promoteStandby() {
        try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + standbyPort + "/postgres", "postgres", "");
             var statement = connection.createStatement()) {
            statement.execute("SELECT pg_promote(true, 60)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not promote the standby", e);
        }
        Await.until(Duration.ofSeconds(60), "the promoted standby accepts writes", () -> !inRecovery(standbyPort));
    }

    /** True while the standby streams from the primary and is its synchronous standby. */
    public boolean standbyIsSynchronous() {
        try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres", "postgres", "");
             var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT 1 FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME
                     + "' AND state = 'streaming' AND sync_state = 'sync'")) {
            return rs.next();
        } catch (SQLException e) {
            return false;
        }
    }

    private static boolean inRecovery(int port) {
        try (var connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
             var statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            return true;
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (var path : paths.toList()) {
                var target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (!path.getFileName().toString().equals("postmaster.pid") && !path.getFileName().toString().equals("epg-lock")) {
                    Files.copy(path, target);
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() {
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
    }
}
