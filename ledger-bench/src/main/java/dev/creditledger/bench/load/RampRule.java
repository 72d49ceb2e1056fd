package dev.creditledger.bench.load;

/**
 * When a ramp step counts as sustained: nothing failed, the p99 latency (measured from intended send
 * times) is within the bound, and the achieved rate is at least a fraction of the target. The first
 * rule broken names the verdict, checked in that order.
 */
public final class RampRule {

    public static final double ACHIEVED_FRACTION_MIN_DEFAULT = 0.95;

    public enum Verdict {
        SUSTAINED, FAILED, P99_OVER_BOUND, RATE_NOT_ACHIEVED
    }

    private RampRule() {}

    /**
     * @param failures rejected, unknown, inconsistent or unsent requests of the step
     * @param p99Ms    NaN (nothing measured) counts as over the bound
     */
    public static Verdict judge(double targetRatePerSecond, double achievedRatePerSecond, double p99Ms, long failures, double p99BoundMs,
                                double achievedFractionMin) {
        if (failures > 0) {
            return Verdict.FAILED;
        }
        if (!(p99Ms <= p99BoundMs)) {
            return Verdict.P99_OVER_BOUND;
        }
        if (achievedRatePerSecond < achievedFractionMin * targetRatePerSecond) {
            return Verdict.RATE_NOT_ACHIEVED;
        }
        return Verdict.SUSTAINED;
    }

    public static double nextRate(double ratePerSecond, double factor) {
        if (!(factor > 1)) {
            throw new IllegalArgumentException("a ramp's factor is above 1, got " + factor);
        }
        return ratePerSecond * factor;
    }
}
