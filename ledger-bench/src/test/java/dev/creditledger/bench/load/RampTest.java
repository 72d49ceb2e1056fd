package dev.creditledger.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ramp's stopping rule and its result, against step measurements written by hand. */
class RampTest {

    static final double BOUND_MS = 25;
    static final double FRACTION = 0.95;

    @Test
    void theRuleChecksFailuresThenP99ThenTheAchievedRate() {
        assertThat(RampRule.judge(1000, 1000, 24.9, 0, BOUND_MS, FRACTION)).isEqualTo(RampRule.Verdict.SUSTAINED);
        assertThat(RampRule.judge(1000, 1000, 25.0, 0, BOUND_MS, FRACTION)).as("at the bound").isEqualTo(RampRule.Verdict.SUSTAINED);
        assertThat(RampRule.judge(1000, 1000, 25.1, 0, BOUND_MS, FRACTION)).isEqualTo(RampRule.Verdict.P99_OVER_BOUND);
        assertThat(RampRule.judge(1000, 950, 10, 0, BOUND_MS, FRACTION)).as("950 = 0.95 x 1000").isEqualTo(RampRule.Verdict.SUSTAINED);
        assertThat(RampRule.judge(1000, 949, 10, 0, BOUND_MS, FRACTION)).isEqualTo(RampRule.Verdict.RATE_NOT_ACHIEVED);
        assertThat(RampRule.judge(1000, 1000, 10, 1, BOUND_MS, FRACTION)).isEqualTo(RampRule.Verdict.FAILED);
        assertThat(RampRule.judge(1000, 10, 900, 3, BOUND_MS, FRACTION)).as("failures first").isEqualTo(RampRule.Verdict.FAILED);
        assertThat(RampRule.judge(1000, 10, 900, 0, BOUND_MS, FRACTION)).as("then p99").isEqualTo(RampRule.Verdict.P99_OVER_BOUND);
        assertThat(RampRule.judge(1000, 1000, Double.NaN, 0, BOUND_MS, FRACTION)).as("nothing measured")
                .isEqualTo(RampRule.Verdict.P99_OVER_BOUND);
    }

    /**
     * Start 100/s, factor 2: steps at 100, 200, 400, 800. By hand: p99 5, 10, 20 ms are within 25 ms,
     * 800/s answers p99 40 ms, so the ramp stops there and 400/s is the highest sustained rate.
     */
    @Test
    void stopsAtTheFirstStepOverTheBoundAndReportsTheRateBefore() throws Exception {
        var p99ByRate = Map.of(100.0, 5.0, 200.0, 10.0, 400.0, 20.0, 800.0, 40.0, 1600.0, 1.0);
        var outcome = ramp(20, 1e9, (rate, warmup, duration) -> new Ramp.Measurement(rate, p99ByRate.get(rate), 0, null));
        assertThat(outcome.steps()).extracting(Ramp.Step::targetRatePerSecond).containsExactly(100.0, 200.0, 400.0, 800.0);
        assertThat(outcome.highestSustainedRatePerSecond()).isEqualTo(400.0);
        assertThat(outcome.stopReason()).isEqualTo("P99_OVER_BOUND");
    }

    @Test
    void onlyTheFirstStepWarmsUp() throws Exception {
        List<Long> warmups = new ArrayList<>();
        ramp(3, 1e9, (rate, warmup, duration) -> {
            warmups.add(warmup);
            return new Ramp.Measurement(rate, 1, 0, null);
        });
        assertThat(warmups).containsExactly(7L, 0L, 0L);
    }

    @Test
    void stopsWhenTheRateIsNotAchievedOrSomethingFails() throws Exception {
        // 200/s achieves only 180/s (below 0.95 x 200 = 190): 100/s stands.
        var slow = ramp(20, 1e9, (rate, w, d) -> new Ramp.Measurement(rate == 200 ? 180 : rate, 1, 0, null));
        assertThat(slow.highestSustainedRatePerSecond()).isEqualTo(100.0);
        assertThat(slow.stopReason()).isEqualTo("RATE_NOT_ACHIEVED");
        // One unknown outcome at 400/s: 200/s stands.
        var failing = ramp(20, 1e9, (rate, w, d) -> new Ramp.Measurement(rate, 1, rate == 400 ? 1 : 0, null));
        assertThat(failing.highestSustainedRatePerSecond()).isEqualTo(200.0);
        assertThat(failing.stopReason()).isEqualTo("FAILED");
    }

    @Test
    void limitsEndARampThatNeverBreaks() throws Exception {
        var steps = ramp(3, 1e9, (rate, w, d) -> new Ramp.Measurement(rate, 1, 0, null));
        assertThat(steps.steps()).hasSize(3);                       // 100, 200, 400
        assertThat(steps.highestSustainedRatePerSecond()).isEqualTo(400.0);
        assertThat(steps.stopReason()).isEqualTo("STEPS_MAX");
        var capped = ramp(20, 500, (rate, w, d) -> new Ramp.Measurement(rate, 1, 0, null));
        assertThat(capped.highestSustainedRatePerSecond()).isEqualTo(400.0); // 800 > 500 is never run
        assertThat(capped.stopReason()).isEqualTo("RATE_MAX");
    }

    @Test
    void aFirstStepOverTheBoundLeavesNoSustainedRate() throws Exception {
        var outcome = ramp(20, 1e9, (rate, w, d) -> new Ramp.Measurement(rate, 30, 0, null));
        assertThat(outcome.steps()).hasSize(1);
        assertThat(outcome.highestSustainedRatePerSecond()).isZero();
    }

    static Ramp.Outcome ramp(int stepsMax, double rateMax, Ramp.StepRunner runner) throws Exception {
        var settings = new Ramp.Settings(100, 2, 1_000_000_000L, BOUND_MS, FRACTION, stepsMax, rateMax, 7L);
        return Ramp.run(settings, runner);
    }
}
