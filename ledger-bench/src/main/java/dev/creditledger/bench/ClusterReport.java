package dev.creditledger.bench;

import dev.creditledger.bench.measure.MachineInfo;
import dev.creditledger.bench.measure.Stats;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of {@link ClusterSuite}: per workload and cluster count, the medians of its runs (rate, latency, the
 * service's CPU and each cluster's PostgreSQL CPU per transfer and per entry it wrote) and the rate as a ratio to the
 * first cluster count's; printed as a table, and as rows and runs of the JSON document.
 */
final class ClusterReport {

    private final BenchOptions options;
    private final ClusterSuite.ClusterOptions clusterOptions;

    ClusterReport(BenchOptions options, ClusterSuite.ClusterOptions clusterOptions) {
        this.options = options;
        this.clusterOptions = clusterOptions;
    }

    /** Medians per workload and cluster count, and the rate as a ratio to the first cluster count's. */
    List<Map<String, Object>> rows(List<ClusterSuite.Run> runs) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> firstRate = new LinkedHashMap<>();
        for (var workload : options.workloads()) {
            for (int clusters : clusterOptions.clusterCounts()) {
                var of = runs.stream().filter(r -> r.workload().equals(workload) && r.clusters() == clusters).toList();
                if (of.isEmpty()) {
                    continue;
                }
                var row = new LinkedHashMap<String, Object>();
                row.put("workload", workload);
                row.put("clusters", clusters);
                row.put("ledgersPerCluster", of.getFirst().ledgersPerCluster());
                double rate = Stats.median(of.stream().map(r -> r.load().unitsPerSecond()).toList());
                row.put("throughputPerSecond", rate);
                row.put("throughputPerSecondEach", of.stream().map(r -> r.load().unitsPerSecond()).toList());
                row.put("p50Ms", Stats.median(of.stream().map(r -> r.load().allLatencies().percentileMs(50)).toList()));
                row.put("p99Ms", Stats.median(of.stream().map(r -> r.load().allLatencies().percentileMs(99)).toList()));
                row.put("serverCpuMsPerTransfer", Stats.median(of.stream().map(ClusterSuite.Run::serverCpuMsPerTransfer).toList()));
                var postgres = new LinkedHashMap<String, Double>();
                for (var cluster : of.getFirst().postgresCpuMsPerTransfer().keySet()) {
                    postgres.put(cluster, Stats.median(of.stream().map(r -> r.postgresCpuMsPerTransfer().get(cluster)).toList()));
                }
                row.put("postgresCpuMsPerTransfer", postgres);
                var perEntry = new LinkedHashMap<String, Double>();
                for (var cluster : of.getFirst().postgresCpuMsPerEntry().keySet()) {
                    perEntry.put(cluster, Stats.median(of.stream().map(r -> r.postgresCpuMsPerEntry().get(cluster)).toList()));
                }
                row.put("postgresCpuMsPerEntryWritten", perEntry);
                firstRate.putIfAbsent(workload, rate);
                row.put("rateRatioToFirst", rate / firstRate.get(workload));
                row.put("passed", of.stream().allMatch(ClusterSuite.Run::passed));
                rows.add(row);
            }
        }
        return rows;
    }

    void printTable(PrintStream out, List<Map<String, Object>> rows, List<ClusterSuite.Run> runs) {
        out.printf("Credit Ledger bench, clusters: %s; %d ledgers of %d accounts; %d clients; %d s windows; %d repetitions (medians)%n",
                clusterOptions.clusterCounts(), clusterOptions.ledgers(), options.accounts(), options.clients(), options.durationSeconds(),
                options.repeat());
        out.printf("machine: %s cores; every cluster on this machine%n", MachineInfo.describe().get("cores"));
        out.printf("%-14s %8s %12s %8s %8s %8s %12s  %s | %s%n", "workload", "clusters", "transfers/s", "ratio", "p50 ms", "p99 ms",
                "server ms/t", "PostgreSQL CPU ms per transfer, by cluster", "per entry the cluster wrote");
        for (var row : rows) {
            out.printf(Locale.ROOT, "%-14s %8d %12.0f %8.2f %8.1f %8.1f %12.2f  %s | %s%s%n", row.get("workload"), row.get("clusters"),
                    row.get("throughputPerSecond"), row.get("rateRatioToFirst"), row.get("p50Ms"), row.get("p99Ms"),
                    row.get("serverCpuMsPerTransfer"), format(castMap(row.get("postgresCpuMsPerTransfer"))),
                    format(castMap(row.get("postgresCpuMsPerEntryWritten"))), Boolean.TRUE.equals(row.get("passed")) ? "" : "  CHECKS FAILED");
        }
        runs.stream().filter(r -> !r.passed()).forEach(r -> out.printf("  %s@%d #%d: %s%n", r.workload(), r.clusters(), r.repetition(),
                r.failedChecks()));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> castMap(Object map) {
        return (Map<String, Double>) map;
    }

    static String format(Map<String, Double> byCluster) {
        var parts = new ArrayList<String>();
        byCluster.forEach((cluster, ms) -> parts.add(String.format(Locale.ROOT, "%s %.2f", cluster, ms)));
        return String.join(", ", parts);
    }

    static Map<String, Object> describe(ClusterSuite.Run run) {
        var d = new LinkedHashMap<String, Object>();
        d.put("workload", run.workload());
        d.put("clusters", run.clusters());
        d.put("repetition", run.repetition());
        d.put("figures", run.load().figures());
        d.put("acknowledged", run.load().total().requestsAcknowledged);
        d.put("serverCpuMsPerTransfer", run.serverCpuMsPerTransfer());
        d.put("postgresCpuMsPerTransfer", run.postgresCpuMsPerTransfer());
        d.put("postgresCpuMsPerEntryWritten", run.postgresCpuMsPerEntry());
        d.put("failedChecks", run.failedChecks());
        return d;
    }
}
