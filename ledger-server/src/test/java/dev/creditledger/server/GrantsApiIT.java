package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Grants over HTTP, against the real engine, worker and read path: creation and its replay, listing
 * with a status filter and a cursor, which grants a spend used, expiry by the worker into the breakage
 * account, and the problems of bad grants.
 */
class GrantsApiIT extends E2eTestBase {

    @Test
    void aGrantIsMadeReplayedListedAndSpentSoonestExpiryFirst() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\",\"code\":\"plan:pro\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var shop = account(ledger, "{\"asset\":\"CREDITS\"}");
        var later = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
        var sooner = Instant.now().plus(Duration.ofDays(7)).truncatedTo(ChronoUnit.SECONDS);

        var body = grantBody(wallet, plan, 1000, later, "plan:pro:2026-12");
        var made = post("/v1/grants", ledger.writeKey(), body, "grant-1").expect(201);
        assertThat(made.body().get("amount").asLong()).isEqualTo(1000);
        assertThat(made.body().get("remaining").asLong()).isEqualTo(1000);
        assertThat(made.body().get("status").asString()).isEqualTo("ACTIVE");
        assertThat(made.body().get("source").asString()).isEqualTo("plan:pro:2026-12");
        assertThat(Instant.parse(made.body().get("expiresAt").asString())).isEqualTo(later);
        var replay = post("/v1/grants", ledger.writeKey(), body, "grant-1").expect(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.body()).isEqualTo(made.body());
        var soon = post("/v1/grants", ledger.writeKey(), grantBody(wallet, plan, 300, sooner, null)).expect(201);

        var spend = transfer(ledger, wallet, shop, 500, "CREDITS").expect(201);
        var used = get("/v1/transfers/" + spend.id(), ledger.readKey()).expect(200).body().get("grants");
        assertThat(used).hasSize(2);
        assertThat(used.get(0).get("grant").asString()).isEqualTo(soon.id().toString());
        assertThat(used.get(0).get("kind").asString()).isEqualTo("CONSUMED");
        assertThat(used.get(0).get("amount").asLong()).isEqualTo(300);
        assertThat(used.get(1).get("grant").asString()).isEqualTo(made.id().toString());
        assertThat(used.get(1).get("amount").asLong()).isEqualTo(200);

        var first = get("/v1/grants/" + made.id(), ledger.readKey()).expect(200).body();
        assertThat(first.get("remaining").asLong()).isEqualTo(800);
        assertThat(first.get("consumed").asLong()).isEqualTo(200);
        assertThat(get("/v1/grants/" + soon.id(), ledger.readKey()).expect(200).body().get("status").asString()).isEqualTo("CONSUMED");

        var active = get("/v1/accounts/" + wallet + "/grants?status=ACTIVE", ledger.readKey()).expect(200).body();
        assertThat(active.get("items")).hasSize(1);
        var page = get("/v1/accounts/" + wallet + "/grants?limit=1", ledger.readKey()).expect(200).body();
        assertThat(page.get("items").get(0).get("id").asString()).isEqualTo(made.id().toString());
        var next = get("/v1/accounts/" + wallet + "/grants?limit=1&cursor=" + page.get("nextCursor").asString(), ledger.readKey())
                .expect(200).body();
        assertThat(next.get("items").get(0).get("id").asString()).isEqualTo(soon.id().toString());
        assertThat(next.get("nextCursor").isNull()).isTrue();

        // Refunding the spend gives back the credit that lasts longest first.
        var refund = post("/v1/transfers/" + spend.id() + "/reverse", ledger.writeKey(), "{\"amount\":100}").expect(201);
        var restored = get("/v1/transfers/" + refund.id(), ledger.readKey()).expect(200).body().get("grants");
        assertThat(restored.get(0).get("grant").asString()).isEqualTo(made.id().toString());
        assertThat(restored.get(0).get("kind").asString()).isEqualTo("RESTORED");
    }

    @Test
    void theWorkerExpiresWhatRemainsIntoTheBreakageAccount() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var expiresAt = Instant.now().plusSeconds(2);
        var grant = post("/v1/grants", ledger.writeKey(), grantBody(wallet, plan, 70, expiresAt, null)).expect(201).id();

        Await.until(java.time.Duration.ofSeconds(30), "grant " + grant + " expired by the worker",
                () -> "EXPIRED".equals(get("/v1/grants/" + grant, ledger.readKey()).expect(200).body().get("status").asString()));
        assertThat(postedBalance(ledger, wallet)).isZero();
        var breakage = get("/v1/accounts?code=breakage.CREDITS", ledger.readKey()).expect(200).body().get("items").get(0);
        assertThat(breakage.get("balance").get("posted").asLong()).isEqualTo(70);
        assertThat(breakage.get("metadata").get("purpose").asString()).isEqualTo("breakage");
    }

    @Test
    void badGrantsAreProblemsAndWriteNothing() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\"}");
        var cash = account(ledger, "{\"asset\":\"CREDITS\",\"normalSide\":\"DEBIT\"}");
        var before = snapshot(ledger);
        assertProblem(post("/v1/grants", ledger.writeKey(), grantBody(wallet, plan, 10, Instant.now().minusSeconds(1), null)),
                400, "GRANT_EXPIRY_INVALID");
        assertProblem(post("/v1/grants", ledger.writeKey(), grantBody(wallet, plan, 0, null, null)), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(post("/v1/grants", ledger.writeKey(), grantBody(wallet, plan, 10, null, "x".repeat(129))), 400,
                "GRANT_SOURCE_INVALID");
        assertProblem(post("/v1/grants", ledger.writeKey(), grantBody(cash, plan, 10, null, null)), 422,
                "GRANT_ACCOUNT_NOT_CREDIT_NORMAL");
        assertProblem(post("/v1/grants", ledger.writeKey(), grantBody(UUID.randomUUID(), plan, 10, null, null)), 404,
                "ACCOUNT_NOT_FOUND");
        assertProblem(post("/v1/grants", ledger.readKey(), grantBody(wallet, plan, 10, null, null)), 403, "FORBIDDEN");
        assertProblem(get("/v1/grants/" + UUID.randomUUID(), ledger.readKey()), 404, "GRANT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + UUID.randomUUID() + "/grants", ledger.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    private static String grantBody(UUID account, UUID from, long amount, Instant expiresAt, String source) {
        return "{\"account\":\"" + account + "\",\"from\":\"" + from + "\",\"amount\":" + amount + ",\"asset\":\"CREDITS\""
                + (expiresAt == null ? "" : ",\"expiresAt\":\"" + expiresAt + "\"")
                + (source == null ? "" : ",\"source\":\"" + source + "\"") + "}";
    }
}
