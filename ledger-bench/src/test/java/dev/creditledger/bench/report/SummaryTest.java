package dev.creditledger.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.creditledger.bench.measure.Stats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The median and ratio arithmetic, and the rows built from repetitions, against values worked out by hand. */
class SummaryTest {

    @Test
    void medianOfOddAndEvenCountsIgnoringMissingFigures() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);           // (2 + 3) / 2
        assertThat(Stats.median(List.of(10.0, Double.NaN, 30.0))).isEqualTo(20.0);      // NaN left out: (10 + 30) / 2
        assertThat(Stats.median(List.of(7.0))).isEqualTo(7.0);
        assertThat(Stats.median(List.of())).isNaN();
        assertThat(Stats.median(List.of(Double.NaN))).isNaN();
    }

    @Test
    void ratioNeedsTwoFiguresAndABaselineAboveZero() {
        assertThat(Stats.ratio(12_000, 4_000)).isEqualTo(3.0);
        assertThat(Stats.ratio(2, 8)).isEqualTo(0.25);
        assertThat(Stats.ratio(5, 0)).isNaN();
        assertThat(Stats.ratio(Double.NaN, 4)).isNaN();
        assertThat(Stats.ratio(4, Double.NaN)).isNaN();
    }

    /**
     * Three repetitions of "random": service 9,000, 12,000 and 10,000 transfers/s (median 10,000);
     * baseline 4,000, 5,000 and 3,000 (median 4,000); ratio 10,000 / 4,000 = 2.5. The p99s are
     * 8, 6 and 7 ms against 2, 4 and 3 ms: medians 7 and 3, ratio 2.333.
     */
    @Test
    void rowsShowEachRepetitionTheMedianTheBaselineAndTheRatio() {
        List<RunRecord> runs = new ArrayList<>();
        double[][] service = {{9_000, 8}, {12_000, 6}, {10_000, 7}};
        double[][] baseline = {{4_000, 2}, {5_000, 4}, {3_000, 3}};
        for (int rep = 1; rep <= 3; rep++) {
            runs.add(run("random", RunRecord.BASELINE, rep, baseline[rep - 1][0], baseline[rep - 1][1]));
            runs.add(run("random", RunRecord.SERVICE, rep, service[rep - 1][0], service[rep - 1][1]));
        }
        runs.add(run("batch", RunRecord.SERVICE, 1, 50_000, 40));

        var rows = Summary.rows(runs, 3, true);
        var throughput = row(rows, "random", "throughputPerSecond");
        assertThat(throughput.values()).containsExactly(9_000.0, 12_000.0, 10_000.0);
        assertThat(throughput.median()).isEqualTo(10_000.0);
        assertThat(throughput.baselineValues()).containsExactly(4_000.0, 5_000.0, 3_000.0);
        assertThat(throughput.baselineMedian()).isEqualTo(4_000.0);
        assertThat(throughput.ratio()).isEqualTo(2.5);
        assertThat(throughput.label()).isEqualTo("throughput (transfers/s)");
        var p99 = row(rows, "random", "latencyP99Ms");
        assertThat(p99.median()).isEqualTo(7.0);
        assertThat(p99.baselineMedian()).isEqualTo(3.0);
        assertThat(p99.ratio()).isCloseTo(2.333, within(0.001));

        var batch = row(rows, "batch", "throughputPerSecond");
        assertThat(batch.values()).containsExactly(50_000.0, Double.NaN, Double.NaN); // one repetition of three
        assertThat(batch.median()).isEqualTo(50_000.0);
        assertThat(batch.baselineMedian()).isNaN();
        assertThat(batch.ratio()).isNaN();
    }

    @Test
    void ratiosAreWithheldWithoutDurableCommits() {
        var runs = List.of(run("random", RunRecord.BASELINE, 1, 4_000, 2), run("random", RunRecord.SERVICE, 1, 10_000, 7));
        var throughput = row(Summary.rows(runs, 1, false), "random", "throughputPerSecond");
        assertThat(throughput.median()).isEqualTo(10_000.0);
        assertThat(throughput.baselineMedian()).isEqualTo(4_000.0);
        assertThat(throughput.ratio()).isNaN();
    }

    static RunRecord run(String workload, String side, int rep, double throughput, double p99) {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("throughputPerSecond", throughput);
        figures.put("latencyP99Ms", p99);
        return new RunRecord(workload, side, rep, "closed", Map.of(), "transfers", figures, Map.of(), List.of(Check.of("ok", true, "")));
    }

    static Summary.Row row(List<Summary.Row> rows, String workload, String key) {
        return rows.stream().filter(r -> r.workload().equals(workload) && r.key().equals(key)).findFirst().orElseThrow();
    }
}
