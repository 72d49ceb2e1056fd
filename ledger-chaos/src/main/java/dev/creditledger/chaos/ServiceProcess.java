package dev.creditledger.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the service, started as a user starts it in production: {@code java -jar
 * ledger-server-exec.jar serve --port P} with the {@code LEDGER_*} environment of the README, in its own
 * process, its output in {@code <workDir>/<name>-<n>.log} (n counts the starts). {@link #kill()} is
 * {@code kill -9}: no shutdown hook runs, in-flight requests lose their connections.
 *
 * What can go wrong: the process exits or is not ready within {@link #READY_WAIT}; the error then quotes
 * the end of its log.
 */
final class ServiceProcess {

    static final Duration READY_WAIT = Duration.ofSeconds(120);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final int port;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workDir;
    private Process process;
    private int starts;

    ServiceProcess(String name, int port, Path serverJar, String javaOptions, Map<String, String> environment, Path workDir) {
        this.name = name;
        this.port = port;
        this.environment = Map.copyOf(environment);
        this.workDir = workDir;
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!javaOptions.isBlank()) {
            command.addAll(List.of(javaOptions.trim().split("\\s+")));
        }
        // A single embedded broker: topics with one replica. No gRPC API: the kit drives HTTP, and two instances on one
        // machine would both take the default gRPC port.
        command.addAll(List.of("-jar", serverJar.toAbsolutePath().toString(), "serve", "--port", Integer.toString(port),
                "--grpc-port", "0", "--ledger.kafka.replication-factor=1", "--ledger.kafka.partitions=4"));
        this.command = List.copyOf(command);
    }

    String name() {
        return name;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the process and waits until its readiness group answers 200. */
    void start() throws IOException, InterruptedException {
        if (running()) {
            throw new IllegalStateException(name + " is already running");
        }
        starts++;
        var log = workDir.resolve(name + "-" + starts + ".log");
        var builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
        awaitReady(log);
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        try (var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            var readiness = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + " before it was ready; the end of "
                            + log + ":\n" + tail(log));
                }
                try {
                    if (client.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
        }
        kill();
        throw new IOException(name + " was not ready within " + READY_WAIT.toSeconds() + " s; the end of " + log + ":\n" + tail(log));
    }

    /** {@code kill -9}, and waits until the process is gone. */
    void kill() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself (at most {@code wait}, then it is killed); its exit status, -1 if it had to be killed. */
    int awaitExit(Duration wait) throws InterruptedException {
        if (process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    /** SIGTERM (the service's own shutdown), then SIGKILL if it does not end within a minute. */
    void stop() throws InterruptedException {
        if (!running()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            kill();
        }
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }
}
