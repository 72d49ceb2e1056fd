package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /v1/admin/status} on an instance that runs only the api role, with no Kafka and no read-model database:
 * the other roles are reported NOT_RUNNING with null figures, never as an error, and the answer is still 200.
 */
@DirtiesContext
class ConsoleStatusApiOnlyIT extends ApiTestBase {

    /** This class's service runs the api role alone on a database of its own (see ApiTestBase.OWN_SERVICE). */
    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            var postgres = TestInfrastructure.postgres();
            registry.add("spring.datasource.url", () -> TestInfrastructure.databaseUrl("console_api_only"));
            registry.add("spring.datasource.username", postgres::user);
            registry.add("ledger.admin-key", () -> OPERATOR_KEY);
            registry.add("ledger.roles", () -> "api");
        });
    }

    @Test
    void rolesThisInstanceDoesNotRunAreReportedNotRunning() {
        var ledger = newLedger();
        account(ledger, "{\"asset\":\"USD\"}");

        var status = get("/v1/admin/status", OPERATOR_KEY).expect(200).body();
        var roles = status.get("roles");
        assertThat(roles.size()).isEqualTo(4);
        for (var role : roles) {
            boolean api = role.get("role").asString().equals("api");
            assertThat(role.get("running").asBoolean()).as(role.toString()).isEqualTo(api);
            assertThat(role.get("status").asString()).as(role.toString()).isEqualTo(api ? "UP" : "NOT_RUNNING");
        }
        assertThat(status.get("engine").get("recentBatches").size()).isGreaterThanOrEqualTo(1);
        assertThat(status.get("eventLog").get("relayRunning").asBoolean()).isFalse();
        assertThat(status.get("eventLog").get("backlogChanges").isNull()).isTrue();
        assertThat(status.get("projections").get("projectorRunning").asBoolean()).isFalse();
        assertThat(status.get("projections").get("lagRecords").isNull()).isTrue();
        assertThat(status.get("deadLetters").get("unresolved").isNull()).isTrue();
        assertThat(status.get("deadLetters").get("detail").asString()).contains("no read-model database");
        assertThat(status.get("reconciliation").get("running").asBoolean()).isFalse();
        assertThat(status.get("reconciliation").get("status").asString()).isEqualTo("NOT_RUNNING");
    }
}
