package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The checker lists at most DIFFERENCES_MAX differences and counts them all. */
class CheckerLimitsIT {

    @Test
    void differencesAreListedUpToTheLimitAndCountedBeyondIt() {
        try (var stack = TestStack.create("checker_limits")) {
            assertThat(stack.check().clean()).isTrue();
            var ledger = UUID.randomUUID();
            // Asset totals of a ledger the journal does not know: one difference per row.
            stack.execute(stack.projections, "INSERT INTO asset_totals SELECT '" + ledger + "', 'A' || lpad(i::text, 4, '0'), 0, 0, 0, 0, 0, 0"
                    + " FROM generate_series(1, " + ProjectionChecker.DIFFERENCES_MAX + ") i");
            var atLimit = stack.check();
            assertThat(atLimit.differencesTotal()).isEqualTo(1_000);
            assertThat(atLimit.differences()).hasSize(1_000);
            assertThat(atLimit.differences().getFirst()).isEqualTo("ledger " + ledger
                    + ": asset total (asset A0001) is in the projection but not in the journal");

            stack.execute(stack.projections, "INSERT INTO asset_totals VALUES ('" + ledger + "', 'B', 0, 0, 0, 0, 0, 0)");
            var beyond = stack.check();
            assertThat(beyond.differencesTotal()).isEqualTo(1_001);
            assertThat(beyond.differences()).hasSize(1_000);
            assertThat(beyond.clean()).isFalse();
        }
    }
}
