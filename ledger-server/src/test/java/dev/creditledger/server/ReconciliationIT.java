package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.server.events.ProjectionsAccess;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Continuous reconciliation, on a service of its own (it corrupts its databases on purpose), passes every
 * second and a full pass every four: a balance row changed behind the ledger's back, a row of the balances read
 * model, and a hold's state (which only the full pass checks) are each reported within 60 seconds (the metric, a
 * log line naming the account and the amounts, the readiness group for the journal) and cleared once put back.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class ReconciliationIT extends ApiTestBase {

    private static final Duration REPORTED_WITHIN = Duration.ofSeconds(60);

    @Autowired
    private DataSource journal;
    @Autowired
    private ProjectionsAccess projections;

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            service(registry, "reconciliation", TestInfrastructure.kafka());
            registry.add("ledger.reconciliation.interval-ms", () -> "1000");
            registry.add("ledger.reconciliation.full-interval-ms", () -> "4000");
            // Its own topics on the shared broker: the shared service's projector must not read this service's events.
            registry.add("ledger.kafka.topic-prefix", () -> "reconciliation");
        });
    }

    @Test
    void aCorruptedBalanceAndACorruptedReadModelRowAreReportedWithinAMinute(CapturedOutput output) throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var wallet = account(ledger, "{\"asset\":\"USD\"}");
        var seq = Long.parseLong(transfer(ledger, issuer, wallet, 700, "USD").expect(201).headers().firstValue("Ledger-Seq").orElseThrow());
        get("/v1/views/accounts/" + wallet + "/balance?minSeq=" + seq, ledger.readKey()).expect(200);
        await("a clean pass", () -> metric("ledger_reconciliation_mismatches") == 0 && metric("ledger_reconciliation_last_clean_age_seconds") >= 0);
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);

        // A balance row changed behind the ledger's back.
        update(journal, "UPDATE balances SET credits_posted = credits_posted + 5 WHERE account_id = ?", wallet);
        await("the corrupted balance reported", () -> metric("ledger_reconciliation_mismatches") >= 1);
        assertThat(output.getOut()).contains("the journal disagrees with itself").contains("account " + wallet)
                .contains("posted 0/705").contains("says 0/700");
        var readiness = get("/actuator/health/readiness", null);
        assertThat(readiness.status()).as(readiness.raw()).isEqualTo(503);
        assertThat(readiness.raw()).contains("OUT_OF_SERVICE").contains(wallet.toString());

        update(journal, "UPDATE balances SET credits_posted = credits_posted - 5 WHERE account_id = ?", wallet);
        await("clean again", () -> metric("ledger_reconciliation_mismatches") == 0);
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);

        // A row of the balances read model changed: reported, the instance stays ready (the journal is sound).
        var readModel = projections.dataSource().orElseThrow();
        update(readModel, "UPDATE account_balances SET debits_posted = debits_posted + 3 WHERE account_id = ?", issuer);
        await("the corrupted read model reported", () -> metric("ledger_reconciliation_mismatches") >= 1);
        assertThat(output.getOut()).contains("a read model disagrees with the journal").contains("account " + issuer)
                .contains("debits_posted 703 (journal 700)");
        assertThat(get("/actuator/health/readiness", null).status()).isEqualTo(200);
        update(readModel, "UPDATE account_balances SET debits_posted = debits_posted - 3 WHERE account_id = ?", issuer);
        await("clean again", () -> metric("ledger_reconciliation_mismatches") == 0);

        // What only the full pass (the verifier) sees, a hold's state, is reported and stays reported between full passes.
        var hold = hold(ledger, wallet, issuer, 40, null).expect(201).id();
        await("clean with the hold", () -> metric("ledger_reconciliation_mismatches") == 0);
        update(journal, "UPDATE transfer_states SET posted_amount = posted_amount + 1 WHERE transfer_id = ?", hold);
        await("the corrupted hold reported by the full pass", () -> metric("ledger_reconciliation_mismatches") >= 1);
        // Three more passes (at least two of them cheap ones, which do not run the verifier), each seen to have run
        // by the passes counter, which a pass counts after it has set its findings.
        for (int pass = 1; pass <= 3; pass++) {
            double passesBefore = metric("ledger_reconciliation_passes_total");
            await("pass " + pass + " after the report ran", () -> metric("ledger_reconciliation_passes_total") > passesBefore);
            assertThat(metric("ledger_reconciliation_mismatches")).as("still reported by the cheap passes between full passes")
                    .isGreaterThanOrEqualTo(1);
        }
        update(journal, "UPDATE transfer_states SET posted_amount = posted_amount - 1 WHERE transfer_id = ?", hold);
        await("clean after the next full pass", () -> metric("ledger_reconciliation_mismatches") == 0);
    }

    private static void update(DataSource dataSource, String sql, UUID account) throws Exception {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, account);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private double metric(String name) {
        for (var line : get("/actuator/prometheus", null).expect(200).raw().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(REPORTED_WITHIN, what, condition);
    }
}
