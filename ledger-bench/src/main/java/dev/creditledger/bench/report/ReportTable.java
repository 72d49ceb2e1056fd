package dev.creditledger.bench.report;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The readable report: the machine, Java, PostgreSQL settings and options, the checks, then one row per
 * workload and figure with every repetition, the median, and for compared workloads the baseline's
 * median and the ratio. A missing figure prints as "-".
 */
public final class ReportTable {
    private ReportTable() {}

    public static void print(PrintStream out, Map<String, Object> header, List<Summary.Row> rows, List<RunRecord> runs, int repeat,
                             String ratioNote) {
        out.println();
        out.println("Credit Ledger benchmark");
        header.forEach((k, v) -> out.printf("  %-18s %s%n", k, v));
        long failed = runs.stream().flatMap(r -> r.checks().stream()).filter(c -> !c.passed()).count();
        long total = runs.stream().mapToLong(r -> r.checks().size()).sum();
        out.printf("  %-18s %s%n", "checks", failed == 0 ? "all " + total + " passed" : failed + " of " + total + " FAILED");
        for (var run : runs) {
            for (var check : run.checks()) {
                if (!check.passed()) {
                    out.printf("    FAILED  %s %s, run %d: %s: %s%n", run.workload(), run.side(), run.repetition(), check.name(),
                            check.detail());
                }
            }
        }
        if (ratioNote != null) {
            out.printf("  %-18s %s%n", "ratios", ratioNote);
        }
        out.println();
        var head = new StringBuilder(String.format("%-16s %-40s", "workload", "figure"));
        for (int rep = 1; rep <= repeat; rep++) {
            head.append(String.format(" %12s", "run " + rep));
        }
        head.append(String.format(" %12s %12s %8s", "median", "baseline", "ratio"));
        out.println(head);
        out.println("-".repeat(head.length()));
        String previous = null;
        for (var row : rows) {
            var line = new StringBuilder(String.format("%-16s %-40s", row.workload().equals(previous) ? "" : row.workload(), row.label()));
            previous = row.workload();
            for (var v : row.values()) {
                line.append(String.format(" %12s", number(v)));
            }
            line.append(String.format(" %12s %12s %8s", number(row.median()), number(row.baselineMedian()),
                    Double.isFinite(row.ratio()) ? String.format(Locale.ROOT, "%.2f", row.ratio()) : "-"));
            out.println(line);
        }
        out.println();
    }

    /** Three significant digits at least, thousands separated, "-" for a missing figure. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
