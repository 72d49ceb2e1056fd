package dev.creditledger.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The console's ring of recent batches: newest first, bounded at BATCHES_MAX (50), failures kept without a duration. */
class RecentBatchesTest {

    private final RecentBatches batches = new RecentBatches(Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));

    @Test
    void itRemembersTheLastFiftyBatchesNewestFirst() {
        assertThat(batches.newestFirst()).isEmpty();
        for (int i = 1; i <= 50; i++) {
            batches.batchCommitted(1, i, 2_500_000);
        }
        assertThat(batches.newestFirst()).hasSize(50);
        assertThat(batches.newestFirst().getFirst().commands()).isEqualTo(50);
        assertThat(batches.newestFirst().getLast().commands()).isEqualTo(1);

        batches.batchCommitted(3, 51, 1_000_000);   // the 51st pushes out the first
        assertThat(batches.newestFirst()).hasSize(50);
        assertThat(batches.newestFirst().getFirst()).isEqualTo(new RecentBatches.Batch(Instant.parse("2026-12-02T10:00:00Z"),
                3, 51, 1.0, RecentBatches.Outcome.COMMITTED));
        assertThat(batches.newestFirst().getLast().commands()).isEqualTo(2);
    }

    @Test
    void aFailedBatchIsKeptWithoutADuration() {
        batches.batchCommitted(2, 7, 4_000_000);
        batches.batchFailed(1, 3, new IllegalStateException("database down"));
        batches.batchRetried(1, 3, 1, new IllegalStateException("lock timeout"));   // a retry is not a batch that ended
        assertThat(batches.newestFirst()).extracting(RecentBatches.Batch::outcome)
                .containsExactly(RecentBatches.Outcome.FAILED, RecentBatches.Outcome.COMMITTED);
        assertThat(batches.newestFirst().getFirst().durationMs()).isNull();
        assertThat(batches.newestFirst().getLast().durationMs()).isEqualTo(4.0);
    }
}
