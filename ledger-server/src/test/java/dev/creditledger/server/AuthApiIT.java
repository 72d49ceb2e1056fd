package dev.creditledger.server;

import dev.creditledger.server.auth.ApiKeyCache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Authentication and roles on every endpoint, and the isolation of ledgers from each other. */
class AuthApiIT extends E2eTestBase {

    @org.springframework.beans.factory.annotation.Autowired
    private javax.sql.DataSource journal;

    private record Endpoint(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private TestLedger ledger;
    private UUID a;
    private UUID b;
    private UUID empty;
    private UUID transfer;
    private UUID hold;
    private UUID entry;
    private UUID credits;
    private UUID issuer;
    private UUID grant;
    private String order;
    private String revokedKey;

    @BeforeAll
    void sharedLedger() {
        ledger = newLedger();
        a = account(ledger, "{\"asset\":\"USD\"}");
        b = account(ledger, "{\"asset\":\"USD\"}");
        empty = account(ledger, "{\"asset\":\"USD\"}");
        transfer = transfer(ledger, a, b, 100, "USD").expect(201).id();
        hold = hold(ledger, a, b, 50, null).expect(201).id();
        entry = post("/v1/entries", ledger.writeKey(), "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":5,\"asset\":\"USD\"},"
                + "{\"account\":\"" + b + "\",\"side\":\"CREDIT\",\"amount\":5,\"asset\":\"USD\"}]}").expect(201).id();
        issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        credits = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        grant = post("/v1/grants", ledger.writeKey(), "{\"account\":\"" + credits + "\",\"from\":\"" + issuer
                + "\",\"amount\":100,\"asset\":\"CREDITS\"}").expect(201).id();
        order = "auth-order-1";
        post("/v1/escrows", ledger.writeKey(), "{\"orderId\":\"" + order + "\",\"buyer\":\"" + a + "\",\"seller\":\"" + b
                + "\",\"amount\":10,\"asset\":\"USD\"}").expect(201);
        var revoked = post("/v1/admin/ledgers/" + ledger.id() + "/keys", ledger.adminKey(), "{\"role\":\"admin\"}").expect(201).body();
        revokedKey = revoked.get("key").asString();
        call("DELETE", "/v1/admin/ledgers/" + ledger.id() + "/keys/" + revoked.get("id").asString(), ledger.adminKey(), null, Map.of())
                .expect(204);
    }

    /** Every write of a ledger, each of which would succeed with a write key. */
    private List<Endpoint> writes() {
        return List.of(
                new Endpoint("POST", "/v1/accounts", "{\"asset\":\"USD\"}"),
                new Endpoint("POST", "/v1/accounts/" + empty + "/close", null),
                new Endpoint("POST", "/v1/transfers", transferJson(a, b, 1, "USD")),
                new Endpoint("POST", "/v1/transfers/batch", "{\"transfers\":[" + transferJson(a, b, 1, "USD") + "]}"),
                new Endpoint("POST", "/v1/transfers/" + hold + "/capture", "{\"amount\":1}"),
                new Endpoint("POST", "/v1/transfers/" + hold + "/void", null),
                new Endpoint("POST", "/v1/transfers/" + transfer + "/reverse", "{\"amount\":1}"),
                new Endpoint("POST", "/v1/entries", "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":1,\"asset\":\"USD\"},"
                        + "{\"account\":\"" + b + "\",\"side\":\"CREDIT\",\"amount\":1,\"asset\":\"USD\"}]}"),
                new Endpoint("POST", "/v1/assets", "{\"code\":\"AUTHX\",\"exponent\":2}"),
                new Endpoint("PUT", "/v1/accounts/" + a + "/alert-thresholds", "{\"thresholds\":[10]}"),
                new Endpoint("POST", "/v1/grants", "{\"account\":\"" + credits + "\",\"from\":\"" + issuer
                        + "\",\"amount\":1,\"asset\":\"CREDITS\"}"),
                new Endpoint("POST", "/v1/usage", "{\"account\":\"" + credits + "\",\"overageAccount\":\"" + issuer
                        + "\",\"revenueAccount\":\"" + b + "\",\"amount\":1,\"asset\":\"CREDITS\"}"),
                new Endpoint("POST", "/v1/escrows", "{\"orderId\":\"auth-order-2\",\"buyer\":\"" + a + "\",\"seller\":\"" + b
                        + "\",\"amount\":1,\"asset\":\"USD\"}"),
                new Endpoint("POST", "/v1/escrows/" + order + "/refund", "{\"amount\":1}"),
                new Endpoint("POST", "/v1/escrows/" + order + "/release", "{}"),
                new Endpoint("POST", "/v1/loyalty/earn", "{\"member\":\"" + credits + "\",\"program\":\"" + issuer
                        + "\",\"spend\":100}"));
    }

    private List<Endpoint> reads() {
        return List.of(
                new Endpoint("GET", "/v1/accounts", null),
                new Endpoint("GET", "/v1/accounts/" + a, null),
                new Endpoint("GET", "/v1/accounts/" + a + "/balance", null),
                new Endpoint("GET", "/v1/accounts/" + a + "/statement", null),
                new Endpoint("GET", "/v1/accounts/" + a + "/transfers", null),
                new Endpoint("GET", "/v1/transfers?account=" + a, null),
                new Endpoint("GET", "/v1/transfers/" + transfer, null),
                new Endpoint("GET", "/v1/transfers/" + transfer + "/journey", null),
                new Endpoint("GET", "/v1/entries/" + entry, null),
                new Endpoint("GET", "/v1/accounts/" + a + "/alerts", null),
                new Endpoint("GET", "/v1/accounts/" + a + "/explain", null),
                new Endpoint("GET", "/v1/accounts/" + credits + "/grants", null),
                new Endpoint("GET", "/v1/accounts/" + credits + "/period-summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", null),
                new Endpoint("GET", "/v1/grants/" + grant, null),
                new Endpoint("GET", "/v1/escrows/" + order, null),
                new Endpoint("GET", "/v1/views/totals", null),
                new Endpoint("GET", "/v1/assets", null));
    }

    private List<Endpoint> admin() {
        return List.of(
                new Endpoint("POST", "/v1/admin/ledgers", "{\"name\":\"never-" + UUID.randomUUID().toString().substring(0, 8) + "\"}"),
                new Endpoint("GET", "/v1/admin/ledgers", null),
                new Endpoint("POST", "/v1/admin/ledgers/" + ledger.id() + "/keys", "{\"role\":\"admin\"}"),
                new Endpoint("GET", "/v1/admin/ledgers/" + ledger.id() + "/keys", null),
                new Endpoint("DELETE", "/v1/admin/ledgers/" + ledger.id() + "/keys/" + UUID.randomUUID(), null),
                new Endpoint("POST", "/v1/admin/verify", null));
    }

    private Response send(Endpoint endpoint, String key) {
        return call(endpoint.method(), endpoint.path(), key, endpoint.body(), Map.of());
    }

    private Response sendWithAuthorization(Endpoint endpoint, String authorization) {
        return call(endpoint.method(), endpoint.path(), null, endpoint.body(), authorization == null ? Map.of() : Map.of("Authorization", authorization));
    }

    private String keys() {
        return get("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY).expect(200).raw();
    }

    @Test
    void noKeyOrABadOrRevokedKeyIs401OnEveryEndpoint() {
        var before = snapshot(ledger);
        var ledgerCount = get("/v1/admin/ledgers", OPERATOR_KEY).body().size();
        for (var endpoint : concat(writes(), reads(), admin())) {
            for (var authorization : new String[] {null, "Bearer ", "Bearer cla_no_such_key", "Basic dXNlcjpwYXNz", ledger.writeKey(),
                    "bearer " + ledger.writeKey(), "Bearer " + revokedKey}) {
                var response = sendWithAuthorization(endpoint, authorization);
                assertThat(response.status()).as("%s with Authorization %s: %s", endpoint, authorization, response.raw()).isEqualTo(401);
                assertProblem(response, 401, "UNAUTHORIZED");
            }
        }
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertThat(get("/v1/admin/ledgers", OPERATOR_KEY).body().size()).isEqualTo(ledgerCount);
    }

    @Test
    void aReadKeyCannotWrite() {
        var before = snapshot(ledger);
        var assets = get("/v1/assets", ledger.readKey()).raw();
        for (var endpoint : writes()) {
            assertProblem(send(endpoint, ledger.readKey()), 403, "FORBIDDEN");
        }
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertThat(get("/v1/assets", ledger.readKey()).raw()).isEqualTo(assets);
        for (var endpoint : reads()) {
            assertThat(send(endpoint, ledger.readKey()).status()).as(endpoint.toString()).isEqualTo(200);
        }
    }

    @Test
    void readAndWriteKeysCannotAdministerAndALedgerAdminKeyCannotManageLedgers() {
        var keysBefore = keys();
        var ledgerCount = get("/v1/admin/ledgers", OPERATOR_KEY).body().size();
        for (var endpoint : admin()) {
            assertProblem(send(endpoint, ledger.writeKey()), 403, "FORBIDDEN");
            assertProblem(send(endpoint, ledger.readKey()), 403, "FORBIDDEN");
        }
        assertProblem(send(admin().get(0), ledger.adminKey()), 403, "FORBIDDEN");
        assertProblem(send(admin().get(1), ledger.adminKey()), 403, "FORBIDDEN");
        assertThat(keys()).isEqualTo(keysBefore);
        assertThat(get("/v1/admin/ledgers", OPERATOR_KEY).body().size()).isEqualTo(ledgerCount);
        // A write key cannot define assets either (needs an admin key of the ledger).
        assertProblem(post("/v1/assets", ledger.writeKey(), "{\"code\":\"AUTHW\",\"exponent\":0}"), 403, "FORBIDDEN");
        assertThat(get("/v1/assets", ledger.readKey()).body().findValuesAsString("code")).doesNotContain("AUTHW", "AUTHX");
    }

    @Test
    void theOperatorKeyBelongsToNoLedger() {
        var before = snapshot(ledger);
        for (var endpoint : concat(writes(), reads())) {
            assertProblem(send(endpoint, OPERATOR_KEY), 403, "FORBIDDEN");
        }
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnce() {
        var created = post("/v1/admin/ledgers/" + ledger.id() + "/keys", ledger.adminKey(), "{\"role\":\"write\",\"name\":\"temp\"}").expect(201).body();
        var secret = created.get("key").asString();
        account(new TestLedger(ledger.id(), secret, secret, null), "{\"asset\":\"USD\"}");
        call("DELETE", "/v1/admin/ledgers/" + ledger.id() + "/keys/" + created.get("id").asString(), ledger.adminKey(), null, Map.of()).expect(204);
        var before = snapshot(ledger);
        assertProblem(post("/v1/accounts", secret, "{\"asset\":\"USD\"}"), 401, "UNAUTHORIZED");
        assertProblem(get("/v1/accounts", secret), 401, "UNAUTHORIZED");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    /**
     * A key revoked through another instance (here: straight in the database, so this instance's key
     * cache is not told) stops working within ledger.auth.key-cache-ms, 1 s by default.
     */
    @Test
    void aKeyRevokedThroughAnotherInstanceStopsWorkingWithinTheKeyCacheTime() throws Exception {
        var created = post("/v1/admin/ledgers/" + ledger.id() + "/keys", ledger.adminKey(), "{\"role\":\"read\",\"name\":\"elsewhere\"}")
                .expect(201).body();
        var secret = created.get("key").asString();
        get("/v1/accounts", secret).expect(200);
        long revokedAt;
        try (var connection = journal.getConnection();
             var ps = connection.prepareStatement("UPDATE api_keys SET revoked_at = now() WHERE id = ?")) {
            ps.setObject(1, java.util.UUID.fromString(created.get("id").asString()));
            assertThat(ps.executeUpdate()).isEqualTo(1);
            revokedAt = System.nanoTime();
        }
        long refusedAfterMs;
        while (true) {
            var answer = get("/v1/accounts", secret);
            if (answer.status() == 401) {
                refusedAfterMs = (System.nanoTime() - revokedAt) / 1_000_000;
                break;
            }
            answer.expect(200);
            assertThat((System.nanoTime() - revokedAt) / 1_000_000).as("still accepted after revocation, in ms")
                    .isLessThan(ApiKeyCache.TTL_DEFAULT.toMillis() + REVOCATION_SLACK_MS);
            Thread.sleep(20); // the sampling interval of the measurement, bounded by the assertion above
        }
        assertThat(refusedAfterMs).isLessThan(ApiKeyCache.TTL_DEFAULT.toMillis() + REVOCATION_SLACK_MS);
    }

    /** Time a request may take on a busy machine, on top of the key cache's time to live. */
    private static final long REVOCATION_SLACK_MS = 1_000;

    @Test
    void anotherLedgersObjectsDoNotExist() {
        var other = newLedger();
        var otherAccount = account(other, "{\"asset\":\"USD\"}");
        var before = snapshot(ledger);
        var otherBefore = snapshot(other);
        for (var path : List.of("/v1/accounts/" + a, "/v1/accounts/" + a + "/balance", "/v1/accounts/" + a + "/statement",
                "/v1/accounts/" + a + "/transfers", "/v1/transfers?account=" + a)) {
            assertProblem(get(path, other.readKey()), 404, "ACCOUNT_NOT_FOUND");
        }
        assertProblem(get("/v1/transfers/" + transfer, other.readKey()), 404, "TRANSFER_NOT_FOUND");
        assertProblem(get("/v1/entries/" + entry, other.readKey()), 404, "NOT_FOUND");
        assertThat(AccountsApiIT.ids(get("/v1/accounts", other.readKey()).body())).containsExactly(otherAccount);

        assertProblem(post("/v1/transfers/" + hold + "/capture", other.writeKey(), null), 404, "TRANSFER_NOT_FOUND");
        assertProblem(post("/v1/transfers/" + hold + "/void", other.writeKey(), null), 404, "TRANSFER_NOT_FOUND");
        assertProblem(post("/v1/transfers/" + transfer + "/reverse", other.writeKey(), null), 404, "TRANSFER_NOT_FOUND");
        assertProblem(post("/v1/accounts/" + empty + "/close", other.writeKey(), null), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(transfer(other, a, otherAccount, 1, "USD"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(transfer(other, otherAccount, b, 1, "USD"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(post("/v1/entries", other.writeKey(), "{\"postings\":[{\"account\":\"" + otherAccount
                + "\",\"side\":\"DEBIT\",\"amount\":1,\"asset\":\"USD\"},{\"account\":\"" + a
                + "\",\"side\":\"CREDIT\",\"amount\":1,\"asset\":\"USD\"}]}"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/grants/" + grant, other.readKey()), 404, "GRANT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + credits + "/grants", other.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + credits + "/explain", other.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + credits + "/alerts", other.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + credits + "/period-summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z",
                other.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/escrows/" + order, other.readKey()), 404, "ESCROW_NOT_FOUND");
        assertProblem(post("/v1/escrows/" + order + "/refund", other.writeKey(), "{\"amount\":1}"), 404, "ESCROW_NOT_FOUND");
        assertProblem(post("/v1/escrows/" + order + "/release", other.writeKey(), "{}"), 404, "ESCROW_NOT_FOUND");
        assertProblem(post("/v1/grants", other.writeKey(), "{\"account\":\"" + credits + "\",\"from\":\"" + otherAccount
                + "\",\"amount\":1,\"asset\":\"USD\"}"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(post("/v1/usage", other.writeKey(), "{\"account\":\"" + credits + "\",\"overageAccount\":\"" + otherAccount
                + "\",\"revenueAccount\":\"" + b + "\",\"amount\":1,\"asset\":\"CREDITS\"}"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(post("/v1/loyalty/earn", other.writeKey(), "{\"member\":\"" + otherAccount + "\",\"program\":\"" + issuer
                + "\",\"spend\":100}"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(call("PUT", "/v1/accounts/" + credits + "/alert-thresholds", other.writeKey(), "{\"thresholds\":[1]}", Map.of()),
                404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/admin/ledgers/" + ledger.id() + "/keys", other.adminKey()), 404, "NOT_FOUND");
        assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", other.adminKey(), "{\"role\":\"admin\"}"), 404, "NOT_FOUND");
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertThat(snapshot(other)).isEqualTo(otherBefore);
    }

    @SafeVarargs
    private static List<Endpoint> concat(List<Endpoint>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}
