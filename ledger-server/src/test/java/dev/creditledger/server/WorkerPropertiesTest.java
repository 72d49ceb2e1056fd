package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The limits of the reconciliation, daily-close and saga settings, each at its edge. */
class WorkerPropertiesTest {

    @Test
    void reconciliationIntervalsArePositive() {
        var defaults = new LedgerProperties.Reconciliation(null, null, null);
        assertThat(defaults.enabled()).isTrue();
        assertThat(defaults.intervalMs()).isEqualTo(10_000);
        assertThat(defaults.fullIntervalMs()).isEqualTo(3_600_000);
        assertThat(new LedgerProperties.Reconciliation(true, 1L, 1L).intervalMs()).isEqualTo(1);
        assertThatThrownBy(() -> new LedgerProperties.Reconciliation(true, 0L, 1L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LedgerProperties.Reconciliation(true, 1L, 0L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDayIsClosedAtLeastAMinuteAfterItsEnd() {
        var defaults = new LedgerProperties.Closes(null, null, null);
        assertThat(defaults.intervalMs()).isEqualTo(60_000);
        assertThat(defaults.graceMs()).isEqualTo(300_000);
        assertThat(new LedgerProperties.Closes(true, 1L, 60_000L).graceMs()).isEqualTo(60_000);
        assertThatThrownBy(() -> new LedgerProperties.Closes(true, 1L, 59_999L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("60000");
        assertThatThrownBy(() -> new LedgerProperties.Closes(true, 0L, 60_000L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSagasDeadlineAndLeaseAreAtLeastASecondAndItsIntervalPositive() {
        var defaults = new LedgerProperties.Sagas(null, null, null, null);
        assertThat(defaults.deadlineMs()).isEqualTo(dev.creditledger.postgres.SagaRunner.Settings.DEADLINE_DEFAULT.toMillis());
        assertThat(defaults.leaseMs()).isEqualTo(dev.creditledger.postgres.SagaRunner.Settings.LEASE_DEFAULT.toMillis());
        var edge = new LedgerProperties.Sagas(1_000L, 1L, 1_000L, null);
        assertThat(edge.settings().deadline().toMillis()).isEqualTo(1_000);
        assertThat(edge.settings().stepTimeout().toMillis()).as("a step waits at most half a lease").isEqualTo(500);
        assertThatThrownBy(() -> new LedgerProperties.Sagas(999L, 1L, 1_000L, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1000");
        assertThatThrownBy(() -> new LedgerProperties.Sagas(1_000L, 1L, 999L, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LedgerProperties.Sagas(1_000L, 0L, 1_000L, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
