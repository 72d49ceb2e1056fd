package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.server.console.RecentBatches;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/admin/status} (what the operator console shows): who may read it, and the figures it answers on the
 * shared service, which runs every role. The console's static files are served without a key.
 */
class ConsoleStatusApiIT extends E2eTestBase {

    @Test
    void theStatusNeedsTheOperatorKeyOrALedgerAdminKey() {
        var ledger = newLedger();
        assertProblem(get("/v1/admin/status", null), 401, "UNAUTHORIZED");
        assertProblem(get("/v1/admin/status", "not-a-key"), 401, "UNAUTHORIZED");
        assertProblem(get("/v1/admin/status", ledger.readKey()), 403, "FORBIDDEN");
        assertProblem(get("/v1/admin/status", ledger.writeKey()), 403, "FORBIDDEN");
        assertThat(get("/v1/admin/status", OPERATOR_KEY).expect(200).contentType()).startsWith("application/json");
        get("/v1/admin/status", ledger.adminKey()).expect(200);
    }

    @Test
    void theOperatorSeesEveryRoleTheQueueTheBatchesTheBacklogTheLagTheDeadLettersAndReconciliation() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\",\"code\":\"issuer\"}");
        var alice = account(ledger, "{\"asset\":\"USD\",\"code\":\"alice\"}");
        transfer(ledger, issuer, alice, 1_500, "USD").expect(201);

        var status = get("/v1/admin/status", OPERATOR_KEY).expect(200).body();
        assertThat(status.get("scope").asString()).isEqualTo("SERVICE");
        assertThat(status.get("ledgerId").isNull()).isTrue();
        assertThat(status.get("at").asString()).isNotBlank();
        assertThat(status.get("health").asString()).isIn("UP", "OUT_OF_SERVICE");

        // The shared service runs all four roles.
        assertThat(names(status.get("roles"), "role")).containsExactly("api", "relay", "projector", "worker");
        for (var role : status.get("roles")) {
            assertThat(role.get("running").asBoolean()).as(role.toString()).isTrue();
            assertThat(role.get("status").asString()).as(role.toString()).isIn("UP", "OUT_OF_SERVICE");
        }
        assertThat(role(status, "api").get("status").asString()).isEqualTo("UP");
        assertThat(role(status, "relay").get("status").asString()).isEqualTo("UP");
        assertThat(role(status, "projector").get("status").asString()).isEqualTo("UP");

        var engine = status.get("engine");
        assertThat(engine.get("queueDepth").asInt()).isGreaterThanOrEqualTo(0);
        assertThat(engine.get("queueSubmissionsMax").asInt()).isPositive();
        // This test's writes (two accounts and a transfer, each its own submission) are among the recent batches.
        var batches = engine.get("recentBatches");
        assertThat(batches.size()).isBetween(1, RecentBatches.BATCHES_MAX);
        var newest = batches.get(0);
        assertThat(newest.get("outcome").asString()).isEqualTo("COMMITTED");
        assertThat(newest.get("commands").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(newest.get("submissions").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(newest.get("durationMs").asDouble()).isPositive();
        assertThat(newest.get("at").asString()).isNotBlank();

        var eventLog = status.get("eventLog");
        assertThat(eventLog.get("relayRunning").asBoolean()).isTrue();
        assertThat(eventLog.get("backlogChanges").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(eventLog.get("backlogAgeSeconds").asDouble()).isGreaterThanOrEqualTo(0);

        var projections = status.get("projections");
        assertThat(projections.get("projectorRunning").asBoolean()).isTrue();
        assertThat(projections.get("lagRecords").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(names(projections.get("readModels"), "readModel"))
                .containsExactly("asset-totals", "balances", "daily-balances", "statements");
        assertThat(projections.get("ledger").isNull()).as("only a ledger admin gets its ledger's progress").isTrue();

        assertThat(status.get("deadLetters").get("unresolved").isNumber()).isTrue();

        var reconciliation = status.get("reconciliation");
        assertThat(reconciliation.get("running").asBoolean()).isTrue();
        assertThat(reconciliation.get("status").asString()).isIn("UP", "OUT_OF_SERVICE");
        assertThat(reconciliation.get("journalDifferences").isArray()).isTrue();
        assertThat(reconciliation.get("readModelDifferences").isArray()).isTrue();
    }

    @Test
    void aLedgerAdminSeesItsLedgersPartAndNoDeadLetters() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\",\"code\":\"issuer\"}");
        var alice = account(ledger, "{\"asset\":\"USD\",\"code\":\"alice\"}");
        transfer(ledger, issuer, alice, 700, "USD").expect(201);
        long lastSeq = lastSeq(ledger);
        awaitProjectionsCaughtUp();

        var status = get("/v1/admin/status", ledger.adminKey()).expect(200).body();
        assertThat(status.get("scope").asString()).isEqualTo("LEDGER");
        assertThat(status.get("ledgerId").asString()).isEqualTo(ledger.id().toString());
        assertThat(status.get("deadLetters").get("unresolved").isNull()).isTrue();
        assertThat(status.get("deadLetters").get("detail").asString()).contains("operator key");
        var progress = status.get("projections").get("ledger");
        assertThat(progress.get("ledgerId").asString()).isEqualTo(ledger.id().toString());
        assertThat(progress.get("lastSeq").asLong()).isEqualTo(lastSeq);
        assertThat(progress.get("projectedSeq").asLong()).isEqualTo(lastSeq);
        // Findings of other ledgers are not shown to this ledger's admin (this ledger has none).
        assertThat(status.get("reconciliation").get("journalDifferences").size()).isZero();
        assertThat(status.get("reconciliation").get("mismatches").asLong()).isZero();
    }

    @Test
    void theConsoleIsServedWithoutAKey() {
        var redirect = get("/console", null);
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location").orElseThrow()).endsWith("/console/");
        var page = get("/console/", null).expect(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.raw()).contains("<script src=\"console.js\"></script>").contains("console.css");
        assertThat(get("/console/console.js", null).expect(200).contentType()).contains("javascript");
        assertThat(get("/console/console.css", null).expect(200).contentType()).startsWith("text/css");
    }

    private static JsonNode role(JsonNode status, String name) {
        for (var role : status.get("roles")) {
            if (role.get("role").asString().equals(name)) {
                return role;
            }
        }
        throw new AssertionError("no role " + name + " in " + status);
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(item -> names.add(item.get(field).asString()));
        return names;
    }
}
