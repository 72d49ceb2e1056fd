package dev.creditledger.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The production jar's logs as an operator gets them: {@code ledger serve} without {@code LEDGER_LOG_FORMAT} writes
 * one JSON object per line, from its first line to its last; a line written while a request is served carries
 * the request's trace id (from its {@code traceparent}), its request id ({@code X-Request-Id}, kept when valid,
 * else made; echoed) and the ledger of its key. The lines looked at are the audit lines of administration, which
 * name a key's id and prefix but never its secret.
 */
class JsonLogsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void serveWritesJsonLinesThatNameTheRequestTheyBelongTo() throws Exception {
        var workDir = Path.of(System.getProperty("ledger.chaos.work-dir", "target/chaos")).resolveSibling("json-logs").toAbsolutePath();
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        var serverJar = Path.of(System.getProperty("ledger.chaos.server-jar", "../ledger-server/target/ledger-server-exec.jar"));
        try (var infrastructure = ChaosInfrastructure.start(workDir); var http = HttpClient.newHttpClient()) {
            var operatorKey = "json-logs-operator-" + UUID.randomUUID();
            var service = new ServiceProcess("service", FreePorts.one(), serverJar, ChaosKit.JAVA_OPTIONS_DEFAULT,
                    Map.of("LEDGER_DB_URL", infrastructure.journalUrl(), "LEDGER_ADMIN_KEY", operatorKey,
                            "LEDGER_KAFKA_BOOTSTRAP", infrastructure.kafkaBootstrap(), "LEDGER_PROJECTIONS_DB_URL",
                            infrastructure.projectionsUrl()), workDir);
            service.start();
            try {
                var ledger = call(http, service, "POST", "/v1/admin/ledgers", operatorKey, "{\"name\":\"logs\"}", Map.of());
                var ledgerId = JSON.readTree(ledger.body()).path("id").asString();
                var admin = JSON.readTree(call(http, service, "POST", "/v1/admin/ledgers/" + ledgerId + "/keys", operatorKey,
                        "{\"role\":\"admin\"}", Map.of()).body()).path("key").asString();
                var traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
                var created = call(http, service, "POST", "/v1/admin/ledgers/" + ledgerId + "/keys", admin, "{\"role\":\"read\"}",
                        Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01", "X-Request-Id", "req-json-logs-1"));
                assertThat(created.headers().firstValue("X-Request-Id")).hasValue("req-json-logs-1");
                var secret = JSON.readTree(created.body()).path("key").asString();
                var keyId = JSON.readTree(created.body()).path("id").asString();
                var revoked = call(http, service, "DELETE", "/v1/admin/ledgers/" + ledgerId + "/keys/" + keyId, admin, null,
                        Map.of("X-Request-Id", "not a valid id!"));
                var madeId = revoked.headers().firstValue("X-Request-Id").orElseThrow();
                assertThat(madeId).as("an invalid request id is replaced").matches("[0-9a-f-]{36}");

                var lines = jsonLines(workDir.resolve("service-1.log"));
                assertThat(lines.stream().filter(l -> l.path("message").asString("").contains("api key " + keyId + " (read")).toList())
                        .singleElement().satisfies(line -> {
                            assertThat(line.path("traceId").asString()).isEqualTo(traceId);
                            assertThat(line.path("requestId").asString()).isEqualTo("req-json-logs-1");
                            assertThat(line.path("ledgerId").asString()).isEqualTo(ledgerId);
                            assertThat(line.path("log").path("logger").asString()).isEqualTo("dev.creditledger.audit");
                            assertThat(line.path("log").path("level").asString()).isEqualTo("INFO");
                        });
                assertThat(lines.stream().filter(l -> l.path("message").asString("").contains("api key " + keyId + " of ledger")).toList())
                        .singleElement().satisfies(line -> {
                            assertThat(line.path("requestId").asString()).isEqualTo(madeId);
                            assertThat(line.path("ledgerId").asString()).isEqualTo(ledgerId);
                        });
                assertThat(Files.readString(workDir.resolve("service-1.log"))).as("the secret is never logged").doesNotContain(secret);
            } finally {
                service.stop();
            }
        }
    }

    private static HttpResponse<String> call(HttpClient http, ServiceProcess service, String method, String path, String key, String body,
                                             Map<String, String> headers) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return response;
    }

    /** Every line of the log, each parsed as JSON: a line that is not a JSON object fails the test. */
    private static List<JsonNode> jsonLines(Path log) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (var line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                assertThat(line).as("a line of " + log).startsWith("{");
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (var path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
