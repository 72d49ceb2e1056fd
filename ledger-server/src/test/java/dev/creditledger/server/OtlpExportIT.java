package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.creditledger.devstack.TestInfrastructure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With {@code OTEL_EXPORTER_OTLP_ENDPOINT} set (here its property twin), the service exports its spans with
 * OTLP over HTTP: a collector stand-in (the JDK's HTTP server, answering 200 as a collector does) receives
 * protobuf posts at {@code /v1/traces} that carry the request's trace id and the names of every step, from
 * the HTTP request to the projector. Nothing is kept in memory on this service (memory-spans 0), so the
 * console's trace lookup answers TRACE_NOT_FOUND.
 */
@DirtiesContext
class OtlpExportIT extends ApiTestBase {

    private static final List<byte[]> POSTS = new CopyOnWriteArrayList<>();
    private static final List<String> CONTENT_TYPES = new CopyOnWriteArrayList<>();
    private static final HttpServer COLLECTOR = collector();

    private static HttpServer collector() {
        try {
            var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                try (exchange) {
                    POSTS.add(exchange.getRequestBody().readAllBytes());
                    CONTENT_TYPES.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            service(registry, "otlp_export", TestInfrastructure.kafka());
            registry.add("ledger.kafka.topic-prefix", () -> "otlp");
            registry.add("ledger.tracing.memory-spans", () -> "0");
            registry.add("otel.exporter.otlp.endpoint", () -> "http://127.0.0.1:" + COLLECTOR.getAddress().getPort());
            registry.add("otel.service.name", () -> "ledger-under-test");
        });
    }

    @AfterAll
    static void stopCollector() {
        COLLECTOR.stop(0);
    }

    @Test
    void spansOfEveryStepReachTheCollector() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\"}");
        var traceId = UUID.randomUUID().toString().replace("-", "");
        call("POST", "/v1/transfers", ledger.writeKey(), transferJson(issuer, alice, 42, "USD"),
                Map.of("traceparent", "00-" + traceId + "-0123456789abcdef-01")).expect(201);

        var traceIdBytes = HexFormat.of().parseHex(traceId);
        var steps = List.of("POST /v1/transfers", "ledger.queue", "ledger.batch", "ledger.commit", "ledger.publish", "ledger.project");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String missing;
        do {
            var all = new ByteArrayOutputStream();
            POSTS.forEach(all::writeBytes);
            var bytes = all.toByteArray();
            var text = new String(bytes, StandardCharsets.ISO_8859_1);
            missing = !contains(bytes, traceIdBytes) ? "the trace id"
                    : steps.stream().filter(step -> !text.contains(step)).findFirst().orElse(null);
            if (missing == null) {
                assertThat(text).contains("ledger-under-test");
                break;
            }
            Thread.sleep(200); // the poll interval of this loop, bounded by its deadline
        } while (System.nanoTime() < deadline);
        assertThat(missing).as("what the collector has not received after 30 s (%d posts)", POSTS.size()).isNull();
        assertThat(CONTENT_TYPES).allMatch("application/x-protobuf"::equals);

        assertProblem(get("/v1/admin/traces/" + traceId, OPERATOR_KEY), 404, "TRACE_NOT_FOUND");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
