package dev.creditledger.bench.measure;

import java.util.List;

/**
 * The arithmetic of the report: the median of the repetitions of a figure and the ratio of the
 * service's median to the baseline's. Missing figures (NaN) are left out of a median; a ratio needs
 * two finite figures and a baseline above zero, otherwise it is NaN (printed as "-").
 */
public final class Stats {
    private Stats() {}

    /** The median of the finite values: the middle one, or the mean of the two middle ones; NaN when none. */
    public static double median(List<Double> values) {
        var finite = values.stream().filter(v -> v != null && Double.isFinite(v)).sorted().toList();
        int n = finite.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? finite.get(n / 2) : (finite.get(n / 2 - 1) + finite.get(n / 2)) / 2.0;
    }

    /** service / baseline, or NaN when either is missing or the baseline is not above zero. */
    public static double ratio(double service, double baseline) {
        if (!Double.isFinite(service) || !Double.isFinite(baseline) || baseline <= 0) {
            return Double.NaN;
        }
        return service / baseline;
    }
}
