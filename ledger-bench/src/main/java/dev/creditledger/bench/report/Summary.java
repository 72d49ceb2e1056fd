package dev.creditledger.bench.report;

import dev.creditledger.bench.measure.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The rows of the report: for each workload and figure, the value of every repetition, their median,
 * and, for a workload compared with the baseline, the baseline's median and the ratio of the two
 * medians (service / baseline). Ratios are withheld ({@code ratiosAllowed} false) when the database did
 * not run with fsync and synchronous_commit on, because the baseline would then be measured without
 * durable commits.
 */
public final class Summary {

    public record Row(String workload, String key, String label, List<Double> values, double median, List<Double> baselineValues,
                      double baselineMedian, double ratio) {}

    private Summary() {}

    public static List<Row> rows(List<RunRecord> runs, int repeat, boolean ratiosAllowed) {
        var workloads = new LinkedHashSet<String>();
        runs.stream().filter(r -> r.side().equals(RunRecord.SERVICE)).forEach(r -> workloads.add(r.workload()));
        List<Row> rows = new ArrayList<>();
        for (var workload : workloads) {
            var service = byRepetition(runs, workload, RunRecord.SERVICE, repeat);
            var baseline = byRepetition(runs, workload, RunRecord.BASELINE, repeat);
            var unit = service.values().stream().filter(r -> r != null).map(RunRecord::unit).findFirst().orElse("");
            for (var metric : metricsOf(service.values())) {
                var values = values(service, metric.key(), repeat);
                if (values.stream().noneMatch(v -> Double.isFinite(v))) {
                    continue;
                }
                var baselineValues = baseline.isEmpty() ? List.<Double>of() : values(baseline, metric.key(), repeat);
                double median = Stats.median(values);
                double baselineMedian = Stats.median(baselineValues);
                double ratio = ratiosAllowed ? Stats.ratio(median, baselineMedian) : Double.NaN;
                rows.add(new Row(workload, metric.key(), metric.label().formatted(unit), values, median, baselineValues, baselineMedian, ratio));
            }
        }
        return rows;
    }

    /** The table's metrics, and per-series throughput and p99 for workloads with several series. */
    private static List<Metrics.Metric> metricsOf(java.util.Collection<RunRecord> records) {
        List<Metrics.Metric> metrics = new ArrayList<>(Metrics.TABLE);
        var extra = new LinkedHashSet<String>();
        for (var r : records) {
            if (r == null) {
                continue;
            }
            for (var key : r.figures().keySet()) {
                if ((key.endsWith("PerSecond") || key.endsWith("P99Ms")) && Metrics.TABLE.stream().noneMatch(m -> m.key().equals(key))
                        && !key.startsWith("latency") && !key.equals("targetRatePerSecond") && !key.startsWith("projector")) {
                    extra.add(key);
                }
            }
        }
        for (var key : extra) {
            metrics.add(new Metrics.Metric(key, key.endsWith("PerSecond") ? key.replace("PerSecond", "") + " (/s)"
                    : key.replace("P99Ms", "") + " p99 (ms)"));
        }
        return metrics;
    }

    private static Map<Integer, RunRecord> byRepetition(List<RunRecord> runs, String workload, String side, int repeat) {
        var map = new LinkedHashMap<Integer, RunRecord>();
        for (var r : runs) {
            if (r.workload().equals(workload) && r.side().equals(side) && r.repetition() >= 1 && r.repetition() <= repeat) {
                map.put(r.repetition(), r);
            }
        }
        return map;
    }

    private static List<Double> values(Map<Integer, RunRecord> byRepetition, String key, int repeat) {
        List<Double> values = new ArrayList<>();
        for (int rep = 1; rep <= repeat; rep++) {
            var r = byRepetition.get(rep);
            values.add(r == null ? Double.NaN : r.figure(key));
        }
        return values;
    }
}
