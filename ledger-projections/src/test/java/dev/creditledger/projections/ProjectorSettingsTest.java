package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProjectorSettingsTest {

    static final Duration ONE_MS = Duration.ofMillis(1);
    static final Duration SESSION = ProjectorSettings.SESSION_TIMEOUT_MIN;

    @Test
    void defaults() {
        var d = ProjectorSettings.defaults();
        assertThat(d).isEqualTo(new ProjectorSettings("ledger-projector", 2_000, Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofSeconds(10)));
        assertThat(d.heartbeatInterval()).isEqualTo(Duration.ofMillis(3_333));
        assertThat(d.pollRecordsMax()).isLessThanOrEqualTo(ProjectorSettings.POLL_RECORDS_MAX_LIMIT);
    }

    @Test
    void pollRecordsMaxEdges() {
        assertThat(settings(1, ONE_MS, ONE_MS).pollRecordsMax()).isEqualTo(1);
        assertThat(settings(ProjectorSettings.POLL_RECORDS_MAX_LIMIT, ONE_MS, ONE_MS).pollRecordsMax()).isEqualTo(10_000);
        assertThatThrownBy(() -> settings(0, ONE_MS, ONE_MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(ProjectorSettings.POLL_RECORDS_MAX_LIMIT + 1, ONE_MS, ONE_MS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10000");
    }

    @Test
    void pollTimeoutEdges() {
        settings(1, ProjectorSettings.POLL_TIMEOUT_LIMIT, ONE_MS);
        assertThatThrownBy(() -> settings(1, ProjectorSettings.POLL_TIMEOUT_LIMIT.plusMillis(1), ONE_MS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, Duration.ZERO, ONE_MS)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, null, ONE_MS)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffMaxEdges() {
        settings(1, ONE_MS, ProjectorSettings.BACKOFF_MAX_LIMIT);
        assertThatThrownBy(() -> settings(1, ONE_MS, ProjectorSettings.BACKOFF_MAX_LIMIT.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> settings(1, ONE_MS, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sessionTimeoutEdges() {
        assertThat(new ProjectorSettings("g", 1, ONE_MS, ONE_MS, ProjectorSettings.SESSION_TIMEOUT_MIN).heartbeatInterval())
                .isEqualTo(Duration.ofSeconds(2));
        new ProjectorSettings("g", 1, ONE_MS, ONE_MS, ProjectorSettings.SESSION_TIMEOUT_LIMIT);
        assertThatThrownBy(() -> new ProjectorSettings("g", 1, ONE_MS, ONE_MS, ProjectorSettings.SESSION_TIMEOUT_MIN.minusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6000 ms");
        assertThatThrownBy(() -> new ProjectorSettings("g", 1, ONE_MS, ONE_MS, ProjectorSettings.SESSION_TIMEOUT_LIMIT.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProjectorSettings("g", 1, ONE_MS, ONE_MS, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupIdIsRequired() {
        assertThatThrownBy(() -> new ProjectorSettings(" ", 1, ONE_MS, ONE_MS, SESSION)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ProjectorSettings(null, 1, ONE_MS, ONE_MS, SESSION)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ProjectorSettings settings(int pollRecordsMax, Duration pollTimeout, Duration backoffMax) {
        return new ProjectorSettings("g", pollRecordsMax, pollTimeout, backoffMax, SESSION);
    }
}
