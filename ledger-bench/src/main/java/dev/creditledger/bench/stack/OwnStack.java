package dev.creditledger.bench.stack;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.devstack.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Starts the stack as a new user would: {@code java <serverJavaOpts> -jar ledger-dev-exec.jar dev
 * --fresh --port P --grpc-port G --db-port Q --kafka-port K} on free ports (the gRPC port too: ledger dev's default,
 * 9090, would collide with any other ledger dev on the machine), with {@code LEDGER_HOME=<workDir>} (so
 * {@code ledger dev} keeps its data in {@code <workDir>/.ledger/dev/}) and its output in
 * {@code <workDir>/server.log}. That runs PostgreSQL with fsync and synchronous_commit on, an embedded
 * Kafka broker and every role in one process. It waits for {@code /actuator/health/readiness} to
 * answer 200, then reads the operator key ({@code admin.key}) and the journal's JDBC URL
 * ({@code db-url}, user {@code postgres}, no password) that {@code ledger dev} wrote.
 *
 * Stopping: SIGTERM (the server stops the service, Kafka and PostgreSQL in its shutdown hook), a wait
 * of {@link #STOP_WAIT_SECONDS}, then SIGKILL. What can go wrong: the server exits or is not ready
 * within the limit; the error then quotes the end of server.log, and the process is stopped.
 */
public final class OwnStack implements Stack {

    public static final int STOP_WAIT_SECONDS = 60;
    public static final long READINESS_POLL_MS = 500;
    public static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final int grpcPort;
    private final String adminKey;
    private final String dbUrl;
    private final Path workDir;
    private final List<String> command;

    private OwnStack(Process process, int port, int grpcPort, String adminKey, String dbUrl, Path workDir, List<String> command) {
        this.process = process;
        this.port = port;
        this.grpcPort = grpcPort;
        this.adminKey = adminKey;
        this.dbUrl = dbUrl;
        this.workDir = workDir;
        this.command = command;
    }

    public static OwnStack start(Path serverJar, Path workDir, String serverJavaOpts, Duration readinessWaitMax) throws IOException {
        return start(serverJar, workDir, serverJavaOpts, readinessWaitMax, 1);
    }

    /** The stack with {@code clusters} PostgreSQL clusters ({@code ledger dev --clusters N}); their URLs in {@link #otherClusters()}. */
    public static OwnStack start(Path serverJar, Path workDir, String serverJavaOpts, Duration readinessWaitMax, int clusters)
            throws IOException {
        if (!Files.isRegularFile(serverJar)) {
            throw new IOException("the server jar " + serverJar + " does not exist; build it with ./ledger build");
        }
        Files.createDirectories(workDir);
        int port = FreePorts.one();
        int grpcPort = FreePorts.one();
        int dbPort = FreePorts.one();
        int kafkaPort = FreePorts.pair();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (serverJavaOpts != null && !serverJavaOpts.isBlank()) {
            command.addAll(Arrays.asList(serverJavaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", serverJar.toAbsolutePath().toString(), "dev", "--fresh", "--port", Integer.toString(port),
                "--grpc-port", Integer.toString(grpcPort), "--db-port", Integer.toString(dbPort), "--kafka-port", Integer.toString(kafkaPort)));
        if (clusters > 1) {
            command.addAll(List.of("--clusters", Integer.toString(clusters)));
        }
        var log = workDir.resolve("server.log");
        var builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().put("LEDGER_HOME", workDir.toAbsolutePath().toString());
        var process = builder.start();
        var stack = new OwnStack(process, port, grpcPort, null, null, workDir, command);
        try {
            awaitReady(process, port, readinessWaitMax, log);
            var dev = workDir.resolve(".ledger").resolve("dev");
            var key = Files.readString(dev.resolve("admin.key")).trim();
            var url = Files.readString(dev.resolve("db-url")).trim();
            return new OwnStack(process, port, grpcPort, key, url, workDir, command);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static void awaitReady(Process process, int port, Duration limit, Path log) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (var connection = new HttpConnection("http://127.0.0.1:" + port, null, (int) READINESS_POLL_MS * 4)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("the server exited with code " + process.exitValue() + " before it was ready; the end of "
                            + log + ":\n" + tail(log));
                }
                try {
                    if (connection.get("/actuator/health/readiness").status() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                try {
                    Thread.sleep(READINESS_POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the server", e);
                }
            }
        }
        throw new IOException("the server was not ready within " + limit.toSeconds() + " s; the end of " + log + ":\n" + tail(log));
    }

    static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * The clusters besides the default one ({@code main}, at {@link #dbUrl()}), by name, as {@code ledger dev --clusters N}
     * recorded them ({@code name=url;...}); empty for one cluster.
     */
    public Map<String, String> otherClusters() throws IOException {
        var recorded = workDir.resolve(".ledger").resolve("dev").resolve("clusters");
        var clusters = new LinkedHashMap<String, String>();
        if (Files.isRegularFile(recorded)) {
            for (var item : Files.readString(recorded).trim().split(";")) {
                int equals = item.indexOf('=');
                if (equals > 0) {
                    clusters.put(item.substring(0, equals), item.substring(equals + 1));
                }
            }
        }
        return clusters;
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Optional<String> grpcTarget() {
        return Optional.of("127.0.0.1:" + grpcPort);
    }

    @Override
    public String adminKey() {
        return adminKey;
    }

    @Override
    public String dbUrl() {
        return dbUrl;
    }

    @Override
    public String dbUser() {
        return "postgres";
    }

    @Override
    public String dbPassword() {
        return "";
    }

    @Override
    public OptionalLong serverPid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public Map<String, Object> describe() {
        var d = new LinkedHashMap<String, Object>();
        d.put("started", "by the kit");
        d.put("command", command);
        d.put("environment", Map.of("LEDGER_HOME", workDir.toAbsolutePath().toString()));
        d.put("log", workDir.resolve("server.log").toString());
        d.put("url", baseUrl());
        d.put("grpcTarget", "127.0.0.1:" + grpcPort);
        d.put("dbUrl", dbUrl);
        d.put("serverPid", process.pid());
        return d;
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
