package dev.creditledger.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the fault kit against the production jar: reduced in {@code ./ledger test}, at full size with
 * {@code ./ledger chaos} ({@code -Dledger.chaos.size=full}). Every fault must have been survived: the checker
 * found nothing after any of them. The run must also have exercised what it claims to test: kills done,
 * operations acknowledged and refused, answers lost to the kills, replays, an outage seen by the clients.
 */
class ChaosKitIT {

    @Test
    void nothingAcknowledgedIsLostOrAppliedTwiceThroughEveryFault() throws Exception {
        var settings = ChaosSettings.fromSystemProperties();
        var report = ChaosKit.run(settings);
        System.out.println(report.text());

        assertThat(report.findings()).as("the checker's findings").isEmpty();
        assertThat(report.kills()).as("kill -9 of the service, and of one of two instances").isEqualTo(settings.kills() + 1);
        var checks = report.checks();
        assertThat(checks).extracting(ChaosReport.Check::phase).containsOnlyOnce("postgres", "kafka", "two", "race", "sagas", "cluster", "move", "failover");
        assertThat(checks).filteredOn(c -> c.phase().equals("kill")).hasSize(settings.kills());
        var faults = checks.stream().filter(c -> c.phase().equals("two")).findFirst().orElseThrow().result();
        var sagas = checks.stream().filter(c -> c.phase().equals("sagas")).findFirst().orElseThrow().result();
        assertThat(sagas.unknown()).as("each halt took its request's answer away").isEqualTo(4);
        assertThat(sagas.acknowledged()).as("the three that completed, once each").isEqualTo(3);
        for (var phase : java.util.List.of("cluster", "move", "failover")) {
            var result = checks.stream().filter(c -> c.phase().equals(phase)).findFirst().orElseThrow().result();
            assertThat(result.acknowledged()).as("writes acknowledged in the %s phase", phase).isPositive();
        }
        // A cluster down for longer than the pool waits refuses its writes (503); a promotion within that wait may refuse none.
        var outage = checks.stream().filter(c -> c.phase().equals("cluster")).findFirst().orElseThrow().result();
        assertThat(outage.unknownCauses().values().iterator().next()).as("writes the cluster outage refused, sent again").isPositive();
        var move = checks.stream().filter(c -> c.phase().equals("move")).findFirst().orElseThrow();
        assertThat(move.fault()).as("the move's figures").contains("fence").doesNotContain("the move failed");
        var race = checks.stream().filter(c -> c.phase().equals("race")).findFirst().orElseThrow().result();
        for (var result : java.util.List.of(faults, race)) {
            assertThat(result.acknowledged()).as("operations acknowledged").isPositive();
            assertThat(result.rejected()).as("operations refused (overdraft storms, holds resolved twice)").isPositive();
        }
        assertThat(faults.unknown()).as("operations whose answer a fault took away").isPositive();
    }
}
