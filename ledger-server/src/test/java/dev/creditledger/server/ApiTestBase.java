package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.FreePorts;
import dev.creditledger.devstack.TestInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Base of the end-to-end tests: the real service with every role (api, relay, projector, worker) on a
 * random port, over the shared embedded PostgreSQL (journal and read-model databases) and the shared
 * embedded Kafka broker (one Spring context for every subclass), a plain HTTP client, and helpers that
 * create an isolated ledger with keys for each test.
 */
@SpringBootTest(classes = LedgerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestBase {

    public static final String OPERATOR_KEY = "cla_test_operator_key";
    /** The OpenAPI document: the one answer that may name the deprecated input alias {@code currency}. */
    protected static final String API_DOCS_PATH = "/v3/api-docs";
    protected static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    protected int port;

    /**
     * Set by a subclass's own {@code @DynamicPropertySource} method when it needs a service of its own. Such a
     * subclass is annotated {@code @DirtiesContext}: its context serves no other class, and Spring's context cache
     * would otherwise keep its connection pools open to the end of the run, and enough cached services exhaust the
     * shared PostgreSQL's 200 connections (RateLimitIT once failed to start: "too many clients already").
     */
    protected static final java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<DynamicPropertyRegistry>>
            OWN_SERVICE = new java.util.concurrent.atomic.AtomicReference<>();

    /**
     * Spring calls a subclass's {@code @DynamicPropertySource} methods before this one, and the last
     * registration of a property wins; so a subclass that wants its own service (own databases, own
     * broker) leaves its registrations in {@link #OWN_SERVICE}, and this method applies them instead of
     * the shared service's.
     */
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        var own = OWN_SERVICE.getAndSet(null);
        if (own != null) {
            own.accept(registry);
        } else {
            service(registry, "api_tests", TestInfrastructure.kafka());
        }
    }

    /** Every property of the service under test, on the given database (and its read-model twin) and broker. */
    protected static void service(DynamicPropertyRegistry registry, String database, EmbeddedKafkaBroker kafka) {
        var postgres = TestInfrastructure.postgres();
        registry.add("spring.datasource.url", () -> TestInfrastructure.databaseUrl(database));
        registry.add("spring.datasource.username", postgres::user);
        registry.add("ledger.admin-key", () -> OPERATOR_KEY);
        registry.add("ledger.expiry.interval-ms", () -> "200");
        registry.add("ledger.roles", () -> "api,relay,projector,worker");
        registry.add("ledger.kafka.bootstrap-servers", kafka::bootstrapServers);
        registry.add("ledger.kafka.partitions", () -> "4");
        registry.add("ledger.kafka.replication-factor", () -> "1");
        registry.add("ledger.projections.url", () -> TestInfrastructure.databaseUrl(database + "_projections"));
        registry.add("ledger.projections.username", postgres::user);
        // The tests present thousands of bad keys from one address on purpose; RateLimitIT tests the throttle.
        registry.add("ledger.rate-limit.bad-keys-per-address-per-minute", () -> "1000000");
        // As ledger dev: recent spans in memory (JourneyIT reads them), so every test runs with tracing on.
        registry.add("ledger.tracing.memory-spans", () -> "50000");
        // The gRPC API, as ledger dev serves it, on a free port of its own (every context of the tests has one).
        int grpcPort = freePort();
        registry.add("ledger.grpc.port", () -> grpcPort);
    }

    private static int freePort() {
        try {
            return FreePorts.one();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** An HTTP answer: status, headers and the parsed JSON body (null when empty). */
    public record Response(int status, java.net.http.HttpHeaders headers, JsonNode body, String raw) {
        public String code() {
            return body == null || body.get("code") == null ? null : body.get("code").asString();
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        public UUID id() {
            return UUID.fromString(body.get("id").asString());
        }

        public Response expect(int expected) {
            assertThat(status).as("HTTP status of %s", raw).isEqualTo(expected);
            return this;
        }
    }

    protected Response call(String method, String path, String key, String body, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        headers.forEach(builder::header);
        if (body != null) {
            builder.header("Content-Type", "application/json");
            builder.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            var raw = response.body();
            // Bodies that are not JSON (the Prometheus text format, an HTML page) have no parsed body.
            boolean jsonBody = response.headers().firstValue("Content-Type").map(t -> t.contains("json")).orElse(true);
            JsonNode parsed = raw == null || raw.isBlank() || !jsonBody ? null : json.readTree(raw);
            assertAnswerSaysAsset(path, parsed);
            return new Response(response.statusCode(), response.headers(), parsed, raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fails the test when an answer names a field {@code currency} (or anything containing it), at any depth:
     * the API's word is {@code asset}, and {@code currency} is a deprecated alias for input only (ADR 0019).
     * Every answer of every test on this base passes through here, except the OpenAPI document, which
     * describes that input alias.
     */
    public static void assertAnswerSaysAsset(String path, JsonNode answer) {
        if (answer == null || path.startsWith(API_DOCS_PATH)) {
            return;
        }
        assertThat(currencyFields(answer, "$")).as("fields named currency in the answer of %s: %s", path, answer).isEmpty();
    }

    /** The paths of the fields of {@code node} whose names contain "currency", in any case. */
    public static java.util.List<String> currencyFields(JsonNode node, String at) {
        var found = new java.util.ArrayList<String>();
        if (node.isObject()) {
            for (var field : node.properties()) {
                var path = at + "." + field.getKey();
                if (field.getKey().toLowerCase(java.util.Locale.ROOT).contains("currency")) {
                    found.add(path);
                }
                found.addAll(currencyFields(field.getValue(), path));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                found.addAll(currencyFields(node.get(i), at + "[" + i + "]"));
            }
        }
        return found;
    }

    protected Response get(String path, String key) {
        return call("GET", path, key, null, Map.of());
    }

    protected Response post(String path, String key, String body) {
        return call("POST", path, key, body, Map.of());
    }

    protected Response post(String path, String key, String body, String idempotencyKey) {
        return call("POST", path, key, body, Map.of("Idempotency-Key", idempotencyKey));
    }

    /** A new ledger (unique name) with a key of each role. */
    protected TestLedger newLedger() {
        return newLedgerWith("");
    }

    /** A new ledger (unique name) with a key of each role, created with more fields ({@code ,"cluster":"c2"}). */
    protected TestLedger newLedgerWith(String moreFields) {
        var name = "t-" + UUID.randomUUID().toString().substring(0, 12);
        var ledger = post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + name + "\"" + moreFields + "}").expect(201);
        var id = ledger.body().get("id").asString();
        return new TestLedger(UUID.fromString(id), key(id, "read"), key(id, "write"), key(id, "admin"));
    }

    private String key(String ledgerId, String role) {
        return post("/v1/admin/ledgers/" + ledgerId + "/keys", OPERATOR_KEY, "{\"role\":\"" + role + "\"}")
                .expect(201).body().get("key").asString();
    }

    public record TestLedger(UUID id, String readKey, String writeKey, String adminKey) {}

    /** Opens an account and returns its id. */
    protected UUID account(TestLedger ledger, String bodyJson) {
        return post("/v1/accounts", ledger.writeKey(), bodyJson).expect(201).id();
    }

    protected Response transfer(TestLedger ledger, UUID from, UUID to, long amount, String asset) {
        return post("/v1/transfers", ledger.writeKey(),
                "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + ",\"asset\":\"" + asset + "\"}");
    }

    protected long postedBalance(TestLedger ledger, UUID account) {
        return get("/v1/accounts/" + account + "/balance", ledger.readKey()).expect(200).body().get("balance").get("posted").asLong();
    }

    protected void assertVerifyClean() {
        var report = post("/v1/admin/verify", OPERATOR_KEY, null).expect(200);
        assertThat(report.body().get("differences").size()).as(report.raw()).isZero();
        assertThat(report.body().get("clean").asBoolean()).isTrue();
    }

    // ---- helpers added for the end-to-end HTTP tests -------------------------------------------------

    /** Like {@link #call} but with an explicit Content-Type (or none when null) for the body. */
    protected Response callWithContentType(String method, String path, String key, String contentType, String body) {
        var builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (key != null) {
            builder.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return send(builder.build());
    }

    /** Sends a body of unknown length (chunked transfer encoding). */
    protected Response postChunked(String path, String key, byte[] body) {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build();
        return send(request);
    }

    private Response send(HttpRequest request) {
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            var raw = response.body();
            JsonNode parsed;
            try {
                parsed = raw == null || raw.isBlank() ? null : json.readTree(raw);
            } catch (RuntimeException notJson) {
                parsed = null;
            }
            assertAnswerSaysAsset(request.uri().getPath(), parsed);
            return new Response(response.statusCode(), response.headers(), parsed, raw);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a raw HTTP/1.1 request on a socket (for headers HttpClient refuses to set) and returns the raw answer. */
    protected String rawHttp(String request) {
        try (var socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            var in = socket.getInputStream();
            var out = new java.io.ByteArrayOutputStream();
            var buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    if (out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("\"}")) {
                        break;
                    }
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException closed) {
                // the server may reset the connection after answering; what was read is the answer
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Asserts a problem response: status, problem+json content type and code. */
    protected Response assertProblem(Response response, int status, String code) {
        assertThat(response.status()).as("HTTP status of %s", response.raw()).isEqualTo(status);
        assertThat(response.contentType()).as("Content-Type of %s", response.raw()).startsWith("application/problem+json");
        assertThat(response.code()).as("code of %s", response.raw()).isEqualTo(code);
        assertThat(response.body().get("status").asInt()).isEqualTo(status);
        assertThat(response.body().get("detail").asString()).isNotBlank();
        return response;
    }

    /** The ledger's last journal sequence number (operator view). */
    protected long lastSeq(TestLedger ledger) {
        for (var l : get("/v1/admin/ledgers", OPERATOR_KEY).expect(200).body()) {
            if (l.get("id").asString().equals(ledger.id().toString())) {
                return l.get("lastSeq").asLong();
            }
        }
        throw new AssertionError("ledger " + ledger.id() + " not listed");
    }

    /** Everything a write could change in a ledger: its accounts (balances, versions, status) and its last sequence. */
    protected String snapshot(TestLedger ledger) {
        return get("/v1/accounts?limit=1000", ledger.readKey()).expect(200).raw() + "\nlastSeq=" + lastSeq(ledger);
    }

    protected static String transferJson(UUID from, UUID to, long amount, String asset) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + ",\"asset\":\"" + asset + "\"}";
    }

    protected Response hold(TestLedger ledger, UUID from, UUID to, long amount, Long timeoutSeconds) {
        return post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount
                + ",\"asset\":\"USD\",\"pending\":true" + (timeoutSeconds == null ? "" : ",\"timeoutSeconds\":" + timeoutSeconds) + "}");
    }

    protected JsonNode balance(TestLedger ledger, UUID account) {
        return get("/v1/accounts/" + account + "/balance", ledger.readKey()).expect(200).body().get("balance");
    }

    protected String transferStatus(TestLedger ledger, UUID transfer) {
        return get("/v1/transfers/" + transfer, ledger.readKey()).expect(200).body().get("status").asString();
    }

    /** Polls the transfer until it has the status, up to ten seconds. */
    protected JsonNode awaitTransferStatus(TestLedger ledger, UUID transfer, String status) {
        return Await.until(Duration.ofSeconds(10), "status " + status + " of " + transfer,
                () -> get("/v1/transfers/" + transfer, ledger.readKey()).expect(200).body(),
                body -> body.get("status").asString().equals(status));
    }
}
