package dev.creditledger.bench.measure;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms (HdrHistogram) in microseconds, and their percentiles in milliseconds. Each
 * client thread records into its own histogram, merged after the run, so recording never contends.
 *
 * What can go wrong: a value above {@link #HIGHEST_TRACKABLE_MICROS} would be lost, so it is clamped to
 * that value and counted in {@link #clamped}; a report that shows clamped values has a max that is a
 * lower bound.
 */
public final class Latencies {

    public static final long HIGHEST_TRACKABLE_MICROS = 3_600_000_000L; // one hour
    public static final int SIGNIFICANT_DIGITS = 3;

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_MICROS, SIGNIFICANT_DIGITS);
    private long clamped;

    public void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1_000);
        if (micros > HIGHEST_TRACKABLE_MICROS) {
            micros = HIGHEST_TRACKABLE_MICROS;
            clamped++;
        }
        histogram.recordValue(micros);
    }

    public void add(Latencies other) {
        histogram.add(other.histogram);
        clamped += other.clamped;
    }

    public long count() {
        return histogram.getTotalCount();
    }

    public long clamped() {
        return clamped;
    }

    /** Milliseconds at a percentile (0-100), or NaN when nothing was recorded. */
    public double percentileMs(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    public double maxMs() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1_000.0;
    }

    public double meanMs() {
        return count() == 0 ? Double.NaN : histogram.getMean() / 1_000.0;
    }

    /** p50, p90, p99, p99.9 and max in milliseconds, keyed by the names the report uses, with this prefix. */
    public Map<String, Double> percentiles(String prefix) {
        var figures = new LinkedHashMap<String, Double>();
        figures.put(prefix + "P50Ms", percentileMs(50));
        figures.put(prefix + "P90Ms", percentileMs(90));
        figures.put(prefix + "P99Ms", percentileMs(99));
        figures.put(prefix + "P999Ms", percentileMs(99.9));
        figures.put(prefix + "MaxMs", maxMs());
        return figures;
    }
}
