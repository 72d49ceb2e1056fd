package dev.creditledger.chaos;

import dev.creditledger.core.Limits;
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
 * The set-up and checks of the cluster and saga phases through the public API, as an operator and a client would:
 * a ledger on a named cluster with a write key, accounts, balances, {@code POST /v1/admin/verify}. Every call is one
 * request; {@link #send} answers null when no answer came (the process went away under it).
 */
final class KitAdmin {

    /** A ledger of a phase and its write key. */
    record Ledger(UUID id, String key) {}

    /**
     * How long {@code POST /v1/admin/verify} may take: it recomputes every ledger of every cluster from its journal
     * (balances, hash chain, closes), which at full size takes longer than any other request may.
     */
    static final Duration VERIFY_TIMEOUT = Duration.ofMinutes(10);

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final String operatorKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    KitAdmin(String operatorKey) {
        this.operatorKey = operatorKey;
    }

    String operatorKey() {
        return operatorKey;
    }

    Ledger ledger(ServiceProcess instance, String name, String cluster) throws IOException {
        var ledger = json(send(instance, "POST", "/v1/admin/ledgers", operatorKey, "{\"name\":\"" + name + "\",\"cluster\":\"" + cluster + "\"}", null));
        var id = ledger.path("id").asString();
        var key = json(send(instance, "POST", "/v1/admin/ledgers/" + id + "/keys", operatorKey,
                "{\"role\":\"write\",\"ratePerSecond\":" + Limits.KEY_RATE_PER_SECOND_MAX + "}", null)).path("key").asString();
        return new Ledger(UUID.fromString(id), key);
    }

    UUID account(ServiceProcess instance, Ledger ledger, String body) throws IOException {
        return UUID.fromString(json(send(instance, "POST", "/v1/accounts", ledger.key(), body, null)).path("id").asString());
    }

    /** The balance object of an account ({@code posted}, {@code available}, ...). */
    JsonNode balance(ServiceProcess instance, String key, UUID account) throws IOException {
        return json(send(instance, "GET", "/v1/accounts/" + account + "/balance", key, null, null)).path("balance");
    }

    /** {@code POST /v1/admin/verify} with the operator key: its answer ({@code clean}, {@code differences}). */
    JsonNode verify(ServiceProcess instance) throws IOException {
        return json(send(instance, "POST", "/v1/admin/verify", operatorKey, null, null, VERIFY_TIMEOUT));
    }

    /** One request; null when it got no answer (the process halted under it, or is down). */
    HttpResponse<String> send(ServiceProcess instance, String method, String path, String key, String body, String idempotencyKey) {
        return send(instance, method, path, key, body, idempotencyKey, ApiClient.REQUEST_TIMEOUT);
    }

    private HttpResponse<String> send(ServiceProcess instance, String method, String path, String key, String body, String idempotencyKey,
                                      Duration timeout) {
        var builder = HttpRequest.newBuilder(URI.create(instance.baseUrl() + path)).timeout(timeout)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static JsonNode json(HttpResponse<String> answer) throws IOException {
        if (answer == null) {
            throw new IOException("no answer");
        }
        return JSON.readTree(answer.body());
    }
}
