package dev.creditledger.bench.report;

import java.util.List;
import java.util.Map;

/**
 * One measured run: which workload, service or baseline, which repetition, how it was driven, its
 * figures (numbers, NaN when not measured) and details (per-table bytes, ramp steps, failures), and
 * the checks that ran after it.
 *
 * @param side {@code service} or {@code baseline}
 */
public record RunRecord(String workload, String side, int repetition, String loop, Map<String, Object> settings, String unit,
                        Map<String, Double> figures, Map<String, Object> details, List<Check> checks) {

    public static final String SERVICE = "service";
    public static final String BASELINE = "baseline";

    public boolean passed() {
        return checks.stream().allMatch(Check::passed);
    }

    public double figure(String key) {
        var value = figures.get(key);
        return value == null ? Double.NaN : value;
    }
}
