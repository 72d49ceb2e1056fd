package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's quickstart, step by step: two USD accounts, one transfer with key demo-1, a retry that moves nothing. */
class QuickstartTest extends ApiTestBase {

    @Test
    void quickstartMovesMoneyOnceAndTheStatementShowsIt() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":1234,\"asset\":\"USD\",\"idempotencyKey\":\"demo-1\"}";

        var first = post("/v1/transfers", ledger.writeKey(), body).expect(201);
        var again = post("/v1/transfers", ledger.writeKey(), body).expect(201);

        assertThat(again.raw()).isEqualTo(first.raw());
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(postedBalance(ledger, b)).isEqualTo(1234);
        assertThat(postedBalance(ledger, a)).isEqualTo(-1234);

        var statement = get("/v1/accounts/" + b + "/statement", ledger.readKey()).expect(200).body();
        assertThat(statement.get("lines").size()).isEqualTo(1);
        var line = statement.get("lines").get(0);
        assertThat(line.get("entryId").asString()).isEqualTo(first.body().get("id").asString());
        assertThat(line.get("amount").asLong()).isEqualTo(1234);
        assertThat(line.get("balance").asLong()).isEqualTo(1234);
        assertThat(line.get("side").asString()).isEqualTo("CREDIT");
        assertVerifyClean();
    }
}
