package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Limits;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Earning loyalty points over HTTP at the edges of the rule: one whole unit earns, one minor unit less
 * does not; the rule's own limits (points per unit, days of validity) at and beyond their maximum; a
 * spend whose points would pass AMOUNT_MINOR_MAX; and the problems of wrong accounts. Every refusal leaves
 * the journal as it was. (The loyalty guide, run by UseCaseGuidesIT, covers earning, burning, expiry and
 * corrections end to end.)
 */
class LoyaltyApiIT extends E2eTestBase {

    @Test
    void aWholeUnitEarnsAndLessDoesNotAndTheRulesLimitsHoldAtTheirEdges() {
        var ledger = newLedger();
        var member = account(ledger, "{\"asset\":\"POINTS\",\"noOverdraft\":true}");
        var program = program(ledger, "3", "100", "0");

        var earned = earn(ledger, member, program, 100).expect(201).body();
        assertThat(earned.get("amount").asLong()).as("one unit of 100 at 3 points per unit").isEqualTo(3);
        assertThat(earned.hasNonNull("expiresAt")).as("expiresAfterDays 0: never expires").isFalse();
        assertThat(earn(ledger, member, program, 299).expect(201).body().get("amount").asLong()).as("rounded down").isEqualTo(6);
        var before = snapshot(ledger);
        assertProblem(earn(ledger, member, program, 99), 422, "EARN_BELOW_ONE_POINT");

        var most = program(ledger, String.valueOf(Limits.LOYALTY_POINTS_PER_UNIT_MAX), "1", String.valueOf(Limits.LOYALTY_EXPIRY_DAYS_MAX));
        assertThat(earn(ledger, member, most, 2).expect(201).body().get("amount").asLong()).isEqualTo(2 * Limits.LOYALTY_POINTS_PER_UNIT_MAX);
        var tooGenerous = program(ledger, String.valueOf(Limits.LOYALTY_POINTS_PER_UNIT_MAX + 1), "1", "0");
        var tooLong = program(ledger, "1", "1", String.valueOf(Limits.LOYALTY_EXPIRY_DAYS_MAX + 1));
        var zero = program(ledger, "0", "1", "0");
        var words = program(ledger, "two", "1", "0");
        var noRule = account(ledger, "{\"asset\":\"POINTS\"}");
        before = snapshot(ledger);
        for (var invalid : new UUID[] {tooGenerous, tooLong, zero, words, noRule}) {
            assertProblem(earn(ledger, member, invalid, 1_000), 422, "LOYALTY_RULE_MISSING");
        }
        long spendAtTheLimit = Limits.AMOUNT_MINOR_MAX / Limits.LOYALTY_POINTS_PER_UNIT_MAX;
        assertProblem(earn(ledger, member, most, spendAtTheLimit + 1), 400, "AMOUNT_EXCEEDS_LIMIT");
        assertThat(snapshot(ledger)).as("refusals leave no trace").isEqualTo(before);
        assertThat(earn(ledger, member, most, spendAtTheLimit).expect(201).body().get("amount").asLong())
                .as("exactly AMOUNT_MINOR_MAX points").isEqualTo(Limits.AMOUNT_MINOR_MAX);
    }

    @Test
    void wrongAccountsAndBadInputAreNamed() {
        var ledger = newLedger();
        var member = account(ledger, "{\"asset\":\"POINTS\",\"noOverdraft\":true}");
        var program = program(ledger, "1", "100", "30");
        var dollars = account(ledger, "{\"asset\":\"USD\"}");
        var debitNormal = account(ledger, "{\"asset\":\"POINTS\",\"normalSide\":\"DEBIT\"}");
        var before = snapshot(ledger);

        assertProblem(earn(ledger, member, UUID.randomUUID(), 1_000), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(earn(ledger, UUID.randomUUID(), program, 1_000), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(earn(ledger, program, program, 1_000), 400, "SAME_ACCOUNT");
        assertProblem(earn(ledger, dollars, program, 1_000), 422, "ASSET_MISMATCH");
        assertProblem(earn(ledger, debitNormal, program, 1_000), 422, "GRANT_ACCOUNT_NOT_CREDIT_NORMAL");
        assertProblem(earn(ledger, member, program, 0), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(earn(ledger, member, program, -100), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(post("/v1/loyalty/earn", ledger.writeKey(), "{\"program\":\"" + program + "\",\"spend\":100}"), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/loyalty/earn", ledger.writeKey(), "{\"member\":\"" + member + "\",\"spend\":100}"), 400, "VALIDATION_FAILED");
        assertProblem(post("/v1/loyalty/earn", ledger.writeKey(), "{\"member\":\"" + member + "\",\"program\":\"" + program
                + "\",\"spend\":\"lots\"}"), 400, "MALFORMED_JSON");
        var other = newLedger();
        assertProblem(earn(other, member, program, 1_000), 404, "ACCOUNT_NOT_FOUND");
        assertThat(snapshot(ledger)).as("refusals leave no trace").isEqualTo(before);

        var first = post("/v1/loyalty/earn", ledger.writeKey(), earnJson(member, program, 1_000), "earn-once").expect(201);
        var replay = post("/v1/loyalty/earn", ledger.writeKey(), earnJson(member, program, 1_000), "earn-once").expect(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.body()).isEqualTo(first.body());
        assertProblem(post("/v1/loyalty/earn", ledger.writeKey(), earnJson(member, program, 2_000), "earn-once"), 409,
                "IDEMPOTENCY_KEY_REUSED");
        assertThat(postedBalance(ledger, member)).isEqualTo(10);
    }

    private UUID program(TestLedger ledger, String pointsPerUnit, String unitMinor, String expiresAfterDays) {
        return account(ledger, "{\"asset\":\"POINTS\",\"metadata\":{\"loyalty.pointsPerUnit\":\"" + pointsPerUnit
                + "\",\"loyalty.unitMinor\":\"" + unitMinor + "\",\"loyalty.expiresAfterDays\":\"" + expiresAfterDays + "\"}}");
    }

    private Response earn(TestLedger ledger, UUID member, UUID program, long spend) {
        return post("/v1/loyalty/earn", ledger.writeKey(), earnJson(member, program, spend));
    }

    private static String earnJson(UUID member, UUID program, long spend) {
        return "{\"member\":\"" + member + "\",\"program\":\"" + program + "\",\"spend\":" + spend + "}";
    }
}
