package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** No request body, however wrong, makes the service answer 5xx; each is refused with a problem and writes nothing. */
class GarbageBodiesIT extends E2eTestBase {

    private static List<String> garbage(UUID a, UUID b) {
        var bodies = new ArrayList<>(List.of(
                "", " ", "null", "true", "0", "-1", "\"text\"", "[]", "[null]", "{}", "{", "}", "{{}}", "{\"a\":}", "{\"a\" 1}", "{'a':1}",
                "{\"amount\":1e400}", "{\"amount\":-0}", "{\"amount\":NaN}", "{\"amount\":Infinity}", "{\"amount\":0x10}",
                "{\"amount\":99999999999999999999999999999999}", "{\"exponent\":99999999999}", "{\"exponent\":\"2\"}",
                "{\"from\":null,\"to\":null,\"amount\":null,\"asset\":null}", "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":1,\"asset\":\"USD\"}x",
                "{\"transfers\":null}", "{\"transfers\":[null]}", "{\"transfers\":[{}]}", "{\"transfers\":{}}", "{\"transfers\":[],\"atomic\":true}",
                "{\"transfers\":[{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":1,\"asset\":\"USD\",\"timeoutSeconds\":-9223372036854775808,\"pending\":true}],\"atomic\":\"yes\"}",
                "{\"postings\":null}", "{\"postings\":[null,null]}", "{\"postings\":[{},{}]}", "{\"postings\":[{\"side\":\"UP\"}]}",
                "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":9223372036854775807,\"asset\":\"USD\"},"
                        + "{\"account\":\"" + b + "\",\"side\":\"CREDIT\",\"amount\":9223372036854775807,\"asset\":\"USD\"}]}",
                "{\"metadata\":null}", "{\"metadata\":[]}", "{\"metadata\":{\"k\":null}}", "{\"metadata\":{\"k\":{\"nested\":\"x\"}}}",
                "{\"metadata\":{\"\\u0000\":\"\\u0000\"}}", "{\"idempotencyKey\":\"\\u0000\"}", "{\"idempotencyKey\":12}",
                "{\"amount\":-9223372036854775808}", "{\"amount\":9223372036854775807}", "{\"overdraftLimit\":-9223372036854775808,\"asset\":\"USD\"}",
                "{\"asset\":\"\",\"code\":\"\"}", "{\"asset\":\"USD\",\"normalSide\":null,\"code\":\"\"}", "{\"asset\":\"USD\",\"normalSide\":\"debit\",\"overdraftLimit\":-1}",
                "{\"name\":\"\"}", "{\"name\":null}", "{\"role\":\"\"}", "{\"role\":null,\"name\":null}", "{\"code\":null,\"exponent\":null}",
                "{\"code\":\"\",\"exponent\":-2147483648}", "\uFEFF{}", "\u0000", "{\"\u00e9\":\"\uD83D\uDCB0\"}", "{\"amount\":\"\uD800\"}",
                "[" .repeat(5000) + "]".repeat(5000), "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
                "{\"metadata\":{\"k\":\"" + "x".repeat(200_000) + "\"}}"));
        return bodies;
    }

    @Test
    void noGarbageBodyEverProducesA5xxOrMovesMoney() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        // Targets whose state refuses any valid request, so that every answer below is a refusal and nothing may change.
        var transfer = transfer(ledger, a, b, 100, "USD").expect(201).id();
        post("/v1/transfers/" + transfer + "/reverse", ledger.writeKey(), null).expect(201);
        var hold = hold(ledger, a, b, 50, null).expect(201).id();
        post("/v1/transfers/" + hold + "/void", ledger.writeKey(), null).expect(201);
        transfer(ledger, a, b, 1, "USD").expect(201); // b is not empty, so it cannot be closed
        record Target(String path, String key) {}
        var targets = List.of(
                new Target("/v1/accounts", ledger.writeKey()),
                new Target("/v1/accounts/" + b + "/close", ledger.writeKey()),
                new Target("/v1/transfers", ledger.writeKey()),
                new Target("/v1/transfers/batch", ledger.writeKey()),
                new Target("/v1/transfers/" + hold + "/capture", ledger.writeKey()),
                new Target("/v1/transfers/" + hold + "/void", ledger.writeKey()),
                new Target("/v1/transfers/" + transfer + "/reverse", ledger.writeKey()),
                new Target("/v1/entries", ledger.writeKey()),
                new Target("/v1/assets", ledger.adminKey()),
                new Target("/v1/admin/ledgers", OPERATOR_KEY),
                new Target("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY));
        var before = snapshot(ledger);
        var ledgers = get("/v1/admin/ledgers", OPERATOR_KEY).body().size();
        var keys = get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).raw();
        var assets = get("/v1/assets", ledger.readKey()).raw();
        List<String> serverErrors = new ArrayList<>();
        int requests = 0;
        var bodies = garbage(a, b);
        assertThat(bodies.size()).isGreaterThanOrEqualTo(40);
        for (var target : targets) {
            for (var body : bodies) {
                for (var headers : List.of(Map.<String, String>of(), Map.of("Idempotency-Key", "garbage-" + (requests % 3)))) {
                    var response = call("POST", target.path(), target.key(), body, headers);
                    requests++;
                    if (response.status() == 200 && target.path().endsWith("/batch")) {
                        // a batch answers 200 with a result per item: every item must be refused
                        assertThat(response.body().get("accepted").asInt()).as(abbreviate(body)).isZero();
                        assertThat(response.body().get("results").get(0).get("status").asInt()).as(abbreviate(body)).isEqualTo(400);
                    } else if (response.status() < 400) {
                        serverErrors.add("accepted: " + target.path() + " <- " + abbreviate(body) + " => " + response.status());
                    } else if (response.status() >= 500) {
                        serverErrors.add(target.path() + " <- " + abbreviate(body) + " => " + response.status() + " " + abbreviate(response.raw()));
                    } else if (response.status() >= 400) {
                        assertThat(response.contentType()).as("%s <- %s", target.path(), abbreviate(body)).startsWith("application/problem+json");
                    }
                }
            }
        }
        assertThat(serverErrors).as("5xx or accepted answers out of %d requests", requests).isEmpty();
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertThat(get("/v1/admin/ledgers", OPERATOR_KEY).body().size()).isEqualTo(ledgers);
        assertThat(get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).raw()).isEqualTo(keys);
        assertThat(get("/v1/assets", ledger.readKey()).raw()).isEqualTo(assets);
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 120 ? s.substring(0, 120) + "...(" + s.length() + ")" : s;
    }
}
