package dev.creditledger.bench;

import static dev.creditledger.bench.GrpcOptionsTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --curve} and the server warm-up's bounds as {@code run} parses them, at their edges. */
class CurveAndWarmUpOptionsTest {

    @Test
    void aCurveNamesPositiveClientCountsAndOnlyTheComparedClosedLoopsFollowIt() {
        var options = parse("--curve", "1,8,128", "--clients", "64");
        assertThat(options.clientCounts("random")).containsExactly(1, 8, 128);
        assertThat(options.clientCounts("hot")).containsExactly(1, 8, 128);
        assertThat(options.clientCounts("latency")).as("latency is one client by definition")
                .containsExactly(BenchDefaults.LATENCY_CLIENTS);
        assertThat(parse("--clients", "64").clientCounts("random")).as("without --curve: --clients alone").containsExactly(64);
        assertThatThrownBy(() -> parse("--curve", "8,0")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--curve");
        assertThat(parse().curve()).isEqualTo(List.of());
    }

    @Test
    void theWarmUpsMaximumIsAtLeastItsMinimum() {
        var equal = parse("--server-warmup-seconds", "30", "--server-warmup-seconds-max", "30");
        assertThat(equal.serverWarmupSecondsMax()).isEqualTo(30);
        assertThatThrownBy(() -> parse("--server-warmup-seconds", "30", "--server-warmup-seconds-max", "29"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--server-warmup-seconds-max");
        var defaults = parse();
        assertThat(defaults.serverWarmupSeconds()).isEqualTo(BenchDefaults.SERVER_WARMUP_SECONDS);
        assertThat(defaults.serverWarmupSecondsMax()).isEqualTo(BenchDefaults.SERVER_WARMUP_SECONDS_MAX);
        assertThat(defaults.workloads()).as("the default suite starts with the one-client latency workload").startsWith("latency");
    }
}
