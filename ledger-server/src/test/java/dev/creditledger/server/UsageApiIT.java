package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Usage records over HTTP beyond the SaaS guide's happy path: an account with nothing available owes
 * everything as overage (two postings), an overage account without a limit takes any amount, and bad
 * records are problems that write nothing.
 */
class UsageApiIT extends E2eTestBase {

    @Test
    void nothingAvailableMeansEverythingIsOwedAndAnUnlimitedOverageAccountTakesAnyAmount() {
        var ledger = newLedger();
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\"}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        var entry = post("/v1/usage", ledger.writeKey(), body(wallet, overage, revenue, 1_000_000)).expect(201).body();
        assertThat(entry.get("postings")).hasSize(2);
        assertThat(entry.get("postings").get(0).get("account").asString()).isEqualTo(overage.toString());
        assertThat(postedBalance(ledger, wallet)).isZero();
        assertThat(postedBalance(ledger, overage)).isEqualTo(-1_000_000);
        assertThat(postedBalance(ledger, revenue)).isEqualTo(1_000_000);
    }

    @Test
    void badUsageRecordsAreProblemsAndWriteNothing() {
        var ledger = newLedger();
        var wallet = account(ledger, "{\"asset\":\"CREDITS\"}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        var usd = account(ledger, "{\"asset\":\"USD\"}");
        var before = snapshot(ledger);
        assertProblem(post("/v1/usage", ledger.writeKey(), body(wallet, overage, revenue, 5)), 422, "OVERAGE_LIMIT_EXCEEDED");
        assertProblem(post("/v1/usage", ledger.writeKey(), body(wallet, overage, wallet, 5)), 400, "SAME_ACCOUNT");
        assertProblem(post("/v1/usage", ledger.writeKey(), body(wallet, overage, revenue, 0)), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(post("/v1/usage", ledger.writeKey(), body(wallet, overage, UUID.randomUUID(), 5)), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(post("/v1/usage", ledger.writeKey(), body(wallet, overage, usd, 5)), 422, "ASSET_MISMATCH");
        assertProblem(post("/v1/usage", ledger.writeKey(), "{\"account\":\"" + wallet + "\",\"amount\":5,\"asset\":\"CREDITS\"}"),
                400, "VALIDATION_FAILED");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    private static String body(UUID account, UUID overage, UUID revenue, long amount) {
        return "{\"account\":\"" + account + "\",\"overageAccount\":\"" + overage + "\",\"revenueAccount\":\"" + revenue
                + "\",\"amount\":" + amount + ",\"asset\":\"CREDITS\"}";
    }
}
