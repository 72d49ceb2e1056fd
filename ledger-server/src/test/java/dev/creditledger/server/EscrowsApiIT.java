package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Escrow per order over HTTP: pay in, partial refund (idempotent by key), release to the seller minus a
 * fee in one entry, and every refusal: a second escrow for the order, refund beyond what is held, double
 * release, refund after release, anything after a full refund, a fee not below what is held.
 */
class EscrowsApiIT extends E2eTestBase {

    @Test
    void anOrderIsPaidPartlyRefundedAndReleasedOnceMinusTheFee() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var buyer = account(ledger, "{\"asset\":\"USD\",\"code\":\"wallet:buyer\",\"noOverdraft\":true}");
        var seller = account(ledger, "{\"asset\":\"USD\",\"code\":\"wallet:seller\",\"noOverdraft\":true}");
        var fees = account(ledger, "{\"asset\":\"USD\",\"code\":\"revenue:fees\"}");
        transfer(ledger, issuer, buyer, 5000, "USD").expect(201);

        var funded = post("/v1/escrows", ledger.writeKey(), fundBody("ord-1", buyer, seller, 2500), "fund-ord-1").expect(201).body();
        assertThat(funded.get("type").asString()).isEqualTo("ESCROW_FUND");
        var held = get("/v1/escrows/ord-1", ledger.readKey()).expect(200).body();
        assertThat(held.get("status").asString()).isEqualTo("HELD");
        assertThat(held.get("held").asLong()).isEqualTo(2500);
        assertThat(get("/v1/accounts?code=escrow.USD", ledger.readKey()).expect(200).body().get("items").get(0)
                .get("balance").get("posted").asLong()).isEqualTo(2500);
        assertProblem(post("/v1/escrows", ledger.writeKey(), fundBody("ord-1", buyer, seller, 10)), 409, "ESCROW_ALREADY_EXISTS");

        var refund = post("/v1/escrows/ord-1/refund", ledger.writeKey(), "{\"amount\":500}", "refund-1").expect(201);
        var again = post("/v1/escrows/ord-1/refund", ledger.writeKey(), "{\"amount\":500}", "refund-1").expect(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.body()).isEqualTo(refund.body());
        assertProblem(post("/v1/escrows/ord-1/refund", ledger.writeKey(), "{\"amount\":2001}"), 422, "REFUND_EXCEEDS_ESCROW");
        assertProblem(post("/v1/escrows/ord-1/release", ledger.writeKey(), "{\"fee\":200}"), 400, "ESCROW_FEE_INVALID");

        var release = post("/v1/escrows/ord-1/release", ledger.writeKey(), "{\"fee\":200,\"feeAccount\":\"" + fees + "\"}").expect(201).body();
        assertThat(release.get("type").asString()).isEqualTo("ESCROW_RELEASE");
        assertThat(release.get("postings")).hasSize(3);
        var done = get("/v1/escrows/ord-1", ledger.readKey()).expect(200).body();
        assertThat(done.get("status").asString()).isEqualTo("RELEASED");
        assertThat(done.get("released").asLong()).isEqualTo(2000);
        assertThat(done.get("refunded").asLong()).isEqualTo(500);
        assertThat(done.get("held").asLong()).isZero();
        assertThat(postedBalance(ledger, seller)).isEqualTo(1800);
        assertThat(postedBalance(ledger, fees)).isEqualTo(200);
        assertProblem(post("/v1/escrows/ord-1/release", ledger.writeKey(), null), 409, "ESCROW_ALREADY_RELEASED");
        assertProblem(post("/v1/escrows/ord-1/refund", ledger.writeKey(), null), 409, "ESCROW_ALREADY_RELEASED");

        post("/v1/escrows", ledger.writeKey(), fundBody("ord-2", buyer, seller, 100)).expect(201);
        assertProblem(post("/v1/escrows/ord-2/release", ledger.writeKey(), "{\"fee\":100,\"feeAccount\":\"" + fees + "\"}"), 422,
                "ESCROW_FEE_TOO_HIGH");
        post("/v1/escrows/ord-2/refund", ledger.writeKey(), null).expect(201);
        assertThat(get("/v1/escrows/ord-2", ledger.readKey()).expect(200).body().get("status").asString()).isEqualTo("REFUNDED");
        assertProblem(post("/v1/escrows/ord-2/refund", ledger.writeKey(), null), 409, "ESCROW_REFUNDED");
        assertProblem(post("/v1/escrows/ord-2/release", ledger.writeKey(), null), 409, "ESCROW_REFUNDED");
        assertThat(postedBalance(ledger, buyer)).as("5000 - 2500 + 500 - 100 + 100").isEqualTo(3000);
    }

    @Test
    void unknownOrdersAndBadOrderIdsAreProblems() {
        var ledger = newLedger();
        var buyer = account(ledger, "{\"asset\":\"USD\"}");
        var seller = account(ledger, "{\"asset\":\"USD\"}");
        assertProblem(get("/v1/escrows/none", ledger.readKey()), 404, "ESCROW_NOT_FOUND");
        assertProblem(post("/v1/escrows/none/release", ledger.writeKey(), null), 404, "ESCROW_NOT_FOUND");
        assertProblem(get("/v1/escrows/" + "x".repeat(129), ledger.readKey()), 400, "ESCROW_ORDER_ID_INVALID");
        assertProblem(post("/v1/escrows", ledger.writeKey(), fundBody("", buyer, seller, 10)), 400, "ESCROW_ORDER_ID_INVALID");
        assertProblem(post("/v1/escrows", ledger.writeKey(), fundBody("shop/7", buyer, seller, 10)), 400, "ESCROW_ORDER_ID_INVALID");
        post("/v1/escrows", ledger.writeKey(), fundBody("x".repeat(128), buyer, seller, 10)).expect(201);
        assertThat(get("/v1/escrows/" + "x".repeat(128), ledger.readKey()).expect(200).body().get("held").asLong()).isEqualTo(10);
        assertProblem(post("/v1/escrows", ledger.writeKey(), fundBody("ord-x", buyer, buyer, 10)), 400, "SAME_ACCOUNT");
        assertProblem(post("/v1/escrows", ledger.writeKey(), fundBody("ord-x", buyer, UUID.randomUUID(), 10)), 404, "ACCOUNT_NOT_FOUND");
        assertVerifyClean();
    }

    private static String fundBody(String orderId, UUID buyer, UUID seller, long amount) {
        return "{\"orderId\":\"" + orderId + "\",\"buyer\":\"" + buyer + "\",\"seller\":\"" + seller + "\",\"amount\":" + amount
                + ",\"asset\":\"USD\"}";
    }
}
