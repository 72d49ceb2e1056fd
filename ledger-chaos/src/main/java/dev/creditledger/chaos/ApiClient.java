package dev.creditledger.chaos;

import dev.creditledger.chaos.OpResult.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kit's HTTP client: sends an {@link Op} with the ledger's write key and classifies the answer. It never
 * retries by itself (the JDK client does not retry a POST), so every sending is one recorded result. Its
 * request timeout is longer than the service's write timeout (30 s), so a slow answer is still an answer.
 */
final class ApiClient implements AutoCloseable {

    /** The failure of a request that never reached a service: the connection was refused or not made in time. */
    static final String NOT_CONNECTED = "ConnectException";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(40);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String key;

    ApiClient(String key) {
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
    }

    OpResult send(Op op, ServiceProcess instance, boolean replay) {
        var request = HttpRequest.newBuilder(URI.create(instance.baseUrl() + op.path())).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(op.body())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
            return new OpResult(op, Outcome.UNKNOWN, 0, null, null, null, false, instance.name(), replay, NOT_CONNECTED);
        } catch (IOException e) {
            return new OpResult(op, Outcome.UNKNOWN, 0, null, null, null, false, instance.name(), replay, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new OpResult(op, Outcome.UNKNOWN, 0, null, null, null, false, instance.name(), replay, "interrupted");
        }
        int status = response.statusCode();
        boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            var id = body.path("id").asString(null);
            var amount = body.path("amount");
            return new OpResult(op, Outcome.ACKNOWLEDGED, status, null, id == null ? null : UUID.fromString(id),
                    amount.isNumber() ? amount.asLong() : null, retryAfter, instance.name(), replay, null);
        }
        var code = body.path("code").asString("(no problem code)");
        var outcome = status >= 500 ? Outcome.UNKNOWN : Outcome.REJECTED;
        return new OpResult(op, outcome, status, code, null, null, retryAfter, instance.name(), replay, null);
    }

    /** A GET with the key, for the set-up and the checks; the parsed body of a 200, else an exception. */
    JsonNode get(ServiceProcess instance, String path) throws IOException, InterruptedException {
        return call(instance, HttpRequest.newBuilder(URI.create(instance.baseUrl() + path)).GET(), key, 200);
    }

    /** A POST with the given key that must answer {@code expectedStatus}; its parsed body. */
    JsonNode post(ServiceProcess instance, String path, String body, String bearer, int expectedStatus)
            throws IOException, InterruptedException {
        return call(instance, HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), bearer, expectedStatus);
    }

    private JsonNode call(ServiceProcess instance, HttpRequest.Builder builder, String bearer, int expectedStatus)
            throws IOException, InterruptedException {
        var response = http.send(builder.timeout(REQUEST_TIMEOUT).header("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IOException(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + " " + response.body());
        }
        return parse(response.body());
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (RuntimeException notJson) {
            return JSON.createObjectNode();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
