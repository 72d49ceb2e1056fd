package dev.creditledger.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * The ramp: open-loop steps of a fixed length, the rate multiplied by a factor after each sustained
 * step, until a step breaks {@link RampRule} or a limit is reached ({@code stepsMax} steps, or a rate
 * above {@code rateMaxPerSecond}). The result is the highest rate sustained within the bound; the
 * caller then measures latency at half that rate. Only the first step has a warm-up.
 *
 * What can go wrong: when even the first step is not sustained, the highest sustained rate is 0 and
 * there is no half-rate run; start lower ({@code --ramp-start}).
 */
public final class Ramp {

    public record Settings(double startRatePerSecond, double factor, long stepNanos, double p99BoundMs, double achievedFractionMin,
                           int stepsMax, double rateMaxPerSecond, long warmupNanos) {}

    /** What one step measured, as the rule needs it, with the step's full result (null in tests). */
    public record Measurement(double achievedRatePerSecond, double p99Ms, long failures, LoadResult result) {}

    public record Step(int number, double targetRatePerSecond, Measurement measurement, RampRule.Verdict verdict) {}

    public record Outcome(List<Step> steps, double highestSustainedRatePerSecond, String stopReason) {}

    @FunctionalInterface
    public interface StepRunner {
        Measurement run(double ratePerSecond, long warmupNanos, long durationNanos) throws Exception;
    }

    private Ramp() {}

    public static Outcome run(Settings settings, StepRunner runner) throws Exception {
        List<Step> steps = new ArrayList<>();
        double rate = settings.startRatePerSecond();
        double highest = 0;
        for (int number = 1; ; number++) {
            if (number > settings.stepsMax()) {
                return new Outcome(steps, highest, "STEPS_MAX");
            }
            if (rate > settings.rateMaxPerSecond()) {
                return new Outcome(steps, highest, "RATE_MAX");
            }
            var m = runner.run(rate, number == 1 ? settings.warmupNanos() : 0, settings.stepNanos());
            var verdict = RampRule.judge(rate, m.achievedRatePerSecond(), m.p99Ms(), m.failures(), settings.p99BoundMs(),
                    settings.achievedFractionMin());
            steps.add(new Step(number, rate, m, verdict));
            if (verdict != RampRule.Verdict.SUSTAINED) {
                return new Outcome(steps, highest, verdict.name());
            }
            highest = rate;
            rate = RampRule.nextRate(rate, settings.factor());
        }
    }
}
