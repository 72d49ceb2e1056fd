package dev.creditledger.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.creditledger.devstack.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image of {@code ./ledger image}, run as a container runtime would run it, without Docker: the
 * tarball's layers (manifest.json order) are unpacked into one root file system, and the image's Entrypoint and
 * Cmd run in it with nothing but the image's Env plus the README's {@code LEDGER_*} variables, in its WorkingDir,
 * as its User, with a /proc of their own ({@code unshare --mount --pid --root --wd --setuid --setgid}; as Docker
 * does, the host's /etc/hosts and /etc/resolv.conf are put in). So only the files of the image are used: its
 * jlinked Java, its glibc, its classpath. It must become ready against PostgreSQL and Kafka (run by this test, on
 * loopback) and serve: a ledger, a key, two accounts and a transfer through the HTTP API.
 *
 * It does not prove the image under Docker or Kubernetes themselves (cgroup limits, port mapping, a read-only
 * root), nor a multi-architecture image (it is linux/amd64 only).
 *
 * {@code ./ledger image} runs it with {@code -Dledger.image.tar}; without that property (as in
 * {@code ./ledger test}, which builds no image) it is skipped. Unpacking and switching to the image's user needs
 * root; otherwise it runs in a user namespace as the namespace's root, and says so.
 */
class ContainerImageIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration READY_WAIT = Duration.ofSeconds(120);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    @Test
    void theImageServesTheLedgerConfiguredByTheReadmeEnvironment() throws Exception {
        var tarProperty = System.getProperty("ledger.image.tar");
        assumeTrue(tarProperty != null, "no -Dledger.image.tar (./ledger test builds no image): `./ledger image` runs this test");
        var tar = Path.of(tarProperty).toAbsolutePath();
        assertThat(tar).as("the image tarball").isRegularFile();

        var workDir = Path.of(System.getProperty("ledger.chaos.work-dir", "target/chaos")).resolveSibling("container-image")
                .toAbsolutePath();
        deleteRecursively(workDir);
        var unpacked = Files.createDirectories(workDir.resolve("image"));
        var rootfs = Files.createDirectories(workDir.resolve("rootfs"));
        run(List.of("tar", "-xf", tar.toString(), "-C", unpacked.toString()));
        var manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        var layers = manifest.path("Layers");
        assertThat(layers.size()).as("layers").isGreaterThan(1);
        for (var layer : layers) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", unpacked.resolve(layer.asString()).toString(), "-C",
                    rootfs.toString()));
        }
        try (var paths = Files.walk(rootfs)) {
            assertThat(paths.filter(p -> p.getFileName().toString().startsWith(".wh."))).as("whiteouts (not applied here)").isEmpty();
        }

        var config = JSON.readTree(unpacked.resolve(manifest.path("Config").asString()).toFile()).path("config");
        var entrypoint = strings(config.path("Entrypoint"));
        var cmd = strings(config.path("Cmd"));
        var user = config.path("User").asString();
        var workingDir = config.path("WorkingDir").asString("/");
        assertThat(cmd).as("Cmd").containsExactly("serve");
        assertThat(entrypoint.getFirst()).as("the entrypoint's java is the image's").isEqualTo("/opt/java/bin/java");
        assertThat(rootfs.resolve(entrypoint.getFirst().substring(1))).isExecutable();
        assertThat(config.path("ExposedPorts").has("8080/tcp")).as("ExposedPorts " + config.path("ExposedPorts")).isTrue();
        assertThat(user).as("User").matches("[1-9][0-9]*:[1-9][0-9]*");

        // What a container runtime provides: /proc is mounted by unshare; the name files are the host's.
        Files.createDirectories(rootfs.resolve("proc"));
        for (var name : List.of("hosts", "resolv.conf")) {
            var host = Path.of("/etc", name);
            if (Files.isReadable(host)) {
                Files.copy(host, rootfs.resolve("etc").resolve(name));
            }
        }

        boolean root = "0".equals(run(List.of("id", "-u")).trim());
        var command = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child=SIGTERM",
                "--root=" + rootfs, "--mount-proc=/proc", "--wd=" + workingDir));
        if (root) {
            var ids = user.split(":");
            command.addAll(List.of("--setgid", ids[1], "--setuid", ids[0]));
        } else {
            command.addAll(1, List.of("--user", "--map-root-user"));
            System.err.println("ContainerImageIT: not root, so the image runs as the root of a user namespace, not as " + user);
        }
        command.addAll(entrypoint);
        command.addAll(cmd);

        try (var infrastructure = ChaosInfrastructure.start(workDir); var http = HttpClient.newHttpClient()) {
            int port = FreePorts.one();
            var operatorKey = "image-operator-" + UUID.randomUUID();
            Map<String, String> environment = new LinkedHashMap<>();
            for (var variable : strings(config.path("Env"))) {
                environment.put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
            }
            environment.put("LEDGER_DB_URL", infrastructure.journalUrl());
            environment.put("LEDGER_PROJECTIONS_DB_URL", infrastructure.projectionsUrl());
            environment.put("LEDGER_KAFKA_BOOTSTRAP", infrastructure.kafkaBootstrap());
            environment.put("LEDGER_ADMIN_KEY", operatorKey);
            environment.put("LEDGER_PORT", Integer.toString(port)); // the host's network: no port mapping here
            // The image's gRPC port (9090) on a free one of the host: the gRPC server (Netty) starts in the jlinked runtime too.
            environment.put("LEDGER_GRPC_PORT", Integer.toString(FreePorts.one()));
            environment.put("LEDGER_KAFKA_REPLICATIONFACTOR", "1"); // a single broker
            var log = workDir.resolve("service.log");
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            var process = builder.start();
            try {
                var baseUrl = "http://127.0.0.1:" + port;
                awaitReady(http, process, baseUrl, log);
                if (root) {
                    assertThat(uidOfJava(process)).as("the service's user id").isEqualTo(user.split(":")[0]);
                }
                var ledgerId = JSON.readTree(call(http, baseUrl, "POST", "/v1/admin/ledgers", operatorKey, "{\"name\":\"image\"}").body())
                        .path("id").asString();
                var key = JSON.readTree(call(http, baseUrl, "POST", "/v1/admin/ledgers/" + ledgerId + "/keys", operatorKey,
                        "{\"role\":\"write\"}").body()).path("key").asString();
                var from = JSON.readTree(call(http, baseUrl, "POST", "/v1/accounts", key, "{\"asset\":\"USD\",\"code\":\"issuer\"}").body())
                        .path("id").asString();
                var to = JSON.readTree(call(http, baseUrl, "POST", "/v1/accounts", key, "{\"asset\":\"USD\",\"code\":\"alice\"}").body())
                        .path("id").asString();
                var transfer = JSON.readTree(call(http, baseUrl, "POST", "/v1/transfers", key,
                        "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":1234,\"asset\":\"USD\"}").body());
                assertThat(transfer.path("status").asString()).as("the transfer " + transfer).isEqualTo("POSTED");
                var balance = JSON.readTree(call(http, baseUrl, "GET", "/v1/accounts/" + to + "/balance", key, null).body());
                assertThat(balance.path("balance").path("posted").asLong()).as("alice's posted balance: the transfer of 1234").isEqualTo(1234);
                // As `docker stop`: SIGTERM to the container's first process (unshare itself ignores it), which must end.
                process.descendants().forEach(ProcessHandle::destroy);
                assertThat(process.waitFor(STOP_WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped by SIGTERM within " + STOP_WAIT).isTrue();
            } finally {
                if (process.isAlive()) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor();
                }
            }
        }
        deleteRecursively(workDir.resolve("rootfs"));
        deleteRecursively(workDir.resolve("image"));
    }

    private static void awaitReady(HttpClient http, Process process, String baseUrl, Path log) throws Exception {
        var readiness = HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("the image's process is running; its log:\n" + Files.readString(log)).isTrue();
            try {
                if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            TimeUnit.MILLISECONDS.sleep(250); // the poll interval of this loop, bounded by READY_WAIT
        }
        throw new AssertionError("not ready within " + READY_WAIT.toSeconds() + " s; its log:\n" + Files.readString(log));
    }

    /** The real user id of the java process under unshare, from its /proc status. */
    private static String uidOfJava(Process process) throws IOException {
        var java = process.descendants().filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                .orElseThrow(() -> new AssertionError("no java process under " + process.pid()));
        return Files.readAllLines(Path.of("/proc", Long.toString(java.pid()), "status")).stream().filter(l -> l.startsWith("Uid:"))
                .findFirst().orElseThrow().split("\\s+")[1];
    }

    private static HttpResponse<String> call(HttpClient http, String baseUrl, String method, String path, String key, String body)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        var response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response;
    }

    private static List<String> strings(JsonNode array) {
        var values = new ArrayList<String>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    /** Runs a short command of the host and answers its output; a non-zero exit fails the test with that output. */
    private static String run(List<String> command) throws Exception {
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
