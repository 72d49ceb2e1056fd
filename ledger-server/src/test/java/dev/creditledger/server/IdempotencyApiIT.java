package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Idempotency keys on every write: replays are byte for byte, reuse with another body is 409, bad input is never stored. */
class IdempotencyApiIT extends E2eTestBase {

    private static void assertReplayOf(Response replay, Response original) {
        assertThat(replay.status()).isEqualTo(original.status());
        assertThat(replay.raw()).isEqualTo(original.raw());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(original.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    private static String withKey(String body, String key) {
        return body.substring(0, body.length() - 1) + ",\"idempotencyKey\":\"" + key + "\"}";
    }

    @Autowired
    private ClusterJournals journals;
    @Autowired
    private DataSource journal;

    /**
     * Keys are remembered for ledger.idempotency.retention-days (30): within it a retry replays; once the
     * worker has purged a record older than that, a retry with its key is a new request and is applied
     * again. The entry keeps its key in the journal either way.
     */
    @Test
    void aKeyOlderThanTheRetentionIsForgottenAndItsRetryIsANewRequest() throws Exception {
        var ledger = newLedger();
        var funding = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = transferJson(funding, b, 100, "USD");
        var old = post("/v1/transfers", ledger.writeKey(), body, "retained-old").expect(201);
        var young = post("/v1/transfers", ledger.writeKey(), body, "retained-young").expect(201);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), body, "retained-old").expect(201), old);

        try (var connection = journal.getConnection();
             var ps = connection.prepareStatement("UPDATE idempotency SET created_at = created_at - interval '31 days' "
                     + "WHERE ledger_id = ? AND key_digest = encode(substr(sha256(convert_to(?, 'UTF8')), 1, 16), 'hex')::uuid")) {
            ps.setObject(1, ledger.id());
            ps.setString(2, "retained-old");
            assertThat(ps.executeUpdate()).as("the record of the old key, aged beyond the retention").isEqualTo(1);
        }
        assertThat(journals.all().getFirst().retention().purge()).isGreaterThanOrEqualTo(1);

        var again = post("/v1/transfers", ledger.writeKey(), body, "retained-old").expect(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).as("forgotten: a new request").isEmpty();
        assertThat(again.id()).isNotEqualTo(old.id());
        assertThat(postedBalance(ledger, b)).as("applied again").isEqualTo(300);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), body, "retained-young").expect(201), young);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), body, "retained-old").expect(201), again);
        assertThat(get("/v1/accounts/" + b + "/explain", ledger.readKey()).expect(200).body().get("changes").get(0)
                .get("idempotencyKey").asString()).as("the journal keeps the key").isEqualTo("retained-old");
    }

    @Test
    void aRejectedRequestReplaysTheSameProblemEvenAfterTheStateChanged() {
        var ledger = newLedger();
        var funding = account(ledger, "{\"asset\":\"USD\"}");
        var guarded = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = transferJson(guarded, b, 100, "USD");
        var first = assertProblem(post("/v1/transfers", ledger.writeKey(), body, "pay-1"), 422, "INSUFFICIENT_FUNDS");
        transfer(ledger, funding, guarded, 1000, "USD").expect(201);
        var before = snapshot(ledger);
        var replay = assertProblem(post("/v1/transfers", ledger.writeKey(), body, "pay-1"), 422, "INSUFFICIENT_FUNDS");
        assertReplayOf(replay, first);
        assertThat(replay.body().get("detail").asString()).isEqualTo(first.body().get("detail").asString());
        assertThat(replay.contentType()).startsWith("application/problem+json");
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertThat(postedBalance(ledger, guarded)).isEqualTo(1000);
        // A new key moves the money.
        post("/v1/transfers", ledger.writeKey(), body, "pay-2").expect(201);
        assertThat(postedBalance(ledger, b)).isEqualTo(100);
    }

    @Test
    void sameKeyWithADifferentBodyIsRefusedAndTheFirstAnswerStands() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var first = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 100, "USD"), "k").expect(201);
        var before = snapshot(ledger);
        var conflict = assertProblem(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 101, "USD"), "k"), 409, "IDEMPOTENCY_KEY_REUSED");
        assertThat(conflict.body().get("detail").asString()).contains("'k'");
        assertProblem(post("/v1/transfers", ledger.writeKey(), withKey(transferJson(b, a, 100, "USD"), "k")), 409, "IDEMPOTENCY_KEY_REUSED");
        // The key belongs to the ledger, whatever the operation.
        assertProblem(post("/v1/accounts", ledger.writeKey(), "{\"asset\":\"USD\"}", "k"), 409, "IDEMPOTENCY_KEY_REUSED");
        assertProblem(post("/v1/transfers/" + first.id() + "/reverse", ledger.writeKey(), null, "k"), 409, "IDEMPOTENCY_KEY_REUSED");
        assertThat(snapshot(ledger)).isEqualTo(before);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 100, "USD"), "k"), first);
    }

    @Test
    void keyOrderAndWhitespaceDoNotChangeTheRequest() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var first = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 5, "USD"), "order").expect(201);
        var reordered = "{ \"asset\" : \"USD\", \"amount\" : 5,\n \"to\":\"" + b + "\", \"from\":\"" + a + "\" }";
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), reordered, "order"), first);
        assertThat(postedBalance(ledger, b)).isEqualTo(5);
    }

    @Test
    void keysBelongToOneLedger() {
        var one = newLedger();
        var two = newLedger();
        var a1 = account(one, "{\"asset\":\"USD\"}");
        var b1 = account(one, "{\"asset\":\"USD\"}");
        var a2 = account(two, "{\"asset\":\"USD\"}");
        var b2 = account(two, "{\"asset\":\"USD\"}");
        post("/v1/transfers", one.writeKey(), transferJson(a1, b1, 7, "USD"), "shared").expect(201);
        var other = post("/v1/transfers", two.writeKey(), transferJson(a2, b2, 7, "USD"), "shared").expect(201);
        assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(postedBalance(one, b1)).isEqualTo(7);
        assertThat(postedBalance(two, b2)).isEqualTo(7);
    }

    @Test
    void accountCreateReplaysTheSameAccount() {
        var ledger = newLedger();
        var body = "{\"asset\":\"USD\",\"code\":\"idem\",\"metadata\":{\"a\":\"b\"}}";
        var first = post("/v1/accounts", ledger.writeKey(), body, "acct-1").expect(201);
        var replay = post("/v1/accounts", ledger.writeKey(), body, "acct-1");
        assertReplayOf(replay, first);
        assertThat(AccountsApiIT.ids(get("/v1/accounts", ledger.readKey()).body())).containsExactly(first.id());
    }

    @Test
    void captureVoidReverseAndCloseReplay() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var holdId = hold(ledger, a, b, 1000, null).expect(201).id();
        var capture = post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), "{\"amount\":600}", "cap").expect(201);
        assertReplayOf(post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), "{\"amount\":600}", "cap"), capture);
        assertProblem(post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), "{\"amount\":500}", "cap"), 409, "IDEMPOTENCY_KEY_REUSED");
        assertThat(postedBalance(ledger, b)).isEqualTo(600);

        var reverse = post("/v1/transfers/" + holdId + "/reverse", ledger.writeKey(), "{\"amount\":100}", "rev").expect(201);
        assertReplayOf(post("/v1/transfers/" + holdId + "/reverse", ledger.writeKey(), "{\"amount\":100}", "rev"), reverse);
        assertThat(get("/v1/transfers/" + holdId, ledger.readKey()).body().get("reversedAmount").asLong()).isEqualTo(100);
        assertThat(postedBalance(ledger, b)).isEqualTo(500);

        var other = hold(ledger, a, b, 10, null).expect(201).id();
        var voided = post("/v1/transfers/" + other + "/void", ledger.writeKey(), null, "void").expect(201);
        assertReplayOf(post("/v1/transfers/" + other + "/void", ledger.writeKey(), null, "void"), voided);

        var empty = account(ledger, "{\"asset\":\"USD\"}");
        var closed = post("/v1/accounts/" + empty + "/close", ledger.writeKey(), null, "close").expect(201);
        assertReplayOf(post("/v1/accounts/" + empty + "/close", ledger.writeKey(), null, "close"), closed);
    }

    @Test
    void entriesReplay() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var c = account(ledger, "{\"asset\":\"USD\"}");
        var body = "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":30,\"asset\":\"USD\"},{\"account\":\"" + b
                + "\",\"side\":\"CREDIT\",\"amount\":20,\"asset\":\"USD\"},{\"account\":\"" + c + "\",\"side\":\"CREDIT\",\"amount\":10,\"asset\":\"USD\"}]}";
        var first = post("/v1/entries", ledger.writeKey(), withKey(body, "entry-1")).expect(201);
        assertReplayOf(post("/v1/entries", ledger.writeKey(), withKey(body, "entry-1")), first);
        assertReplayOf(post("/v1/entries", ledger.writeKey(), body, "entry-1"), first);
        assertThat(postedBalance(ledger, b)).isEqualTo(20);
        assertThat(postedBalance(ledger, c)).isEqualTo(10);
    }

    @Test
    void headerAndBodyFieldAreTheSameKey() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = transferJson(a, b, 9, "USD");
        var byHeader = post("/v1/transfers", ledger.writeKey(), body, "h-1").expect(201);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), withKey(body, "h-1")), byHeader);
        var byField = post("/v1/transfers", ledger.writeKey(), withKey(body, "f-1")).expect(201);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), body, "f-1"), byField);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), withKey(body, "f-1"), "f-1"), byField);
        assertThat(postedBalance(ledger, b)).isEqualTo(18);

        var before = snapshot(ledger);
        assertProblem(post("/v1/transfers", ledger.writeKey(), withKey(body, "f-2"), "f-3"), 400, "VALIDATION_FAILED");
        assertThat(snapshot(ledger)).isEqualTo(before);
        // neither key was stored by the refused request
        assertThat(post("/v1/transfers", ledger.writeKey(), body, "f-2").expect(201).headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void badInputIsNeverStoredUnderItsKey() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        assertProblem(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 0, "USD"), "retry-me"), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + a + "\"}", "retry-me"), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/transfers", ledger.writeKey(), "{\"from\":", "retry-me"), 400, "MALFORMED_JSON");
        var fixed = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 3, "USD"), "retry-me").expect(201);
        assertThat(fixed.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 3, "USD"), "retry-me"), fixed);
        assertThat(postedBalance(ledger, b)).isEqualTo(3);
    }

    @Test
    void keyLength255IsAcceptedAnd256Refused() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var before = snapshot(ledger);
        assertProblem(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 1, "USD"), "k".repeat(256)), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/transfers", ledger.writeKey(), withKey(transferJson(a, b, 1, "USD"), "k".repeat(256))), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/transfers", ledger.writeKey(), withKey(transferJson(a, b, 1, "USD"), "")), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/transfers", ledger.writeKey(), withKey(transferJson(a, b, 1, "USD"), "tab\\there")), 400, "VALIDATION_FAILED");
        assertThat(snapshot(ledger)).isEqualTo(before);
        var first = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 1, "USD"), "k".repeat(255)).expect(201);
        assertReplayOf(post("/v1/transfers", ledger.writeKey(), withKey(transferJson(a, b, 1, "USD"), "k".repeat(255))), first);
        assertThat(postedBalance(ledger, b)).isEqualTo(1);
    }

    @Test
    void batchItemsCarryTheirOwnKeysAndABatchHeaderKeyIsRefused() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var batch = "{\"transfers\":[" + withKey(transferJson(a, b, 1, "USD"), "i-1") + "," + withKey(transferJson(a, b, 2, "USD"), "i-2") + "]}";
        var first = post("/v1/transfers/batch", ledger.writeKey(), batch).expect(200).body();
        assertThat(first.get("results").findValuesAsString("replayed")).containsExactly("false", "false");
        var again = post("/v1/transfers/batch", ledger.writeKey(), batch).expect(200).body();
        assertThat(again.get("results").findValuesAsString("replayed")).containsExactly("true", "true");
        assertThat(again.get("results").get(0).get("transfer")).isEqualTo(first.get("results").get(0).get("transfer"));
        assertThat(postedBalance(ledger, b)).isEqualTo(3);
        // the single-transfer endpoint sees the same keys
        assertThat(post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 2, "USD"), "i-2").expect(201).headers()
                .firstValue("Idempotent-Replayed")).contains("true");

        var before = snapshot(ledger);
        assertProblem(call("POST", "/v1/transfers/batch", ledger.writeKey(), "{\"transfers\":[" + transferJson(a, b, 1, "USD") + "]}",
                Map.of("Idempotency-Key", "whole")), 400, "VALIDATION_FAILED");
        var twice = "{\"transfers\":[" + withKey(transferJson(a, b, 1, "USD"), "dup") + "," + withKey(transferJson(a, b, 1, "USD"), "dup") + "]}";
        var dup = post("/v1/transfers/batch", ledger.writeKey(), twice).expect(200).body().get("results");
        assertThat(dup.get(1).get("error").get("code").asString()).isEqualTo("VALIDATION_FAILED");
        assertThat(dup.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(postedBalance(ledger, b)).isEqualTo(4);
        assertThat(lastSeq(ledger)).isEqualTo(Long.parseLong(before.substring(before.lastIndexOf('=') + 1)) + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/accounts", "/v1/transfers", "/v1/entries"})
    void theReplayHeaderIsAbsentWithoutAKey(String path) {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = switch (path) {
            case "/v1/accounts" -> "{\"asset\":\"USD\"}";
            case "/v1/transfers" -> transferJson(a, b, 1, "USD");
            default -> "{\"postings\":[{\"account\":\"" + a + "\",\"side\":\"DEBIT\",\"amount\":1,\"asset\":\"USD\"},{\"account\":\"" + b
                    + "\",\"side\":\"CREDIT\",\"amount\":1,\"asset\":\"USD\"}]}";
        };
        var one = post(path, ledger.writeKey(), body).expect(201);
        var two = post(path, ledger.writeKey(), body).expect(201);
        assertThat(two.id()).isNotEqualTo(one.id());
        assertThat(two.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }
}
