package dev.creditledger.bench;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.load.ClientContext;
import dev.creditledger.bench.load.ClosedLoop;
import dev.creditledger.bench.load.CrossLedgerWorkload;
import dev.creditledger.bench.load.HttpWorkload;
import dev.creditledger.bench.load.LoadResult;
import dev.creditledger.bench.load.TransferWorkload;
import dev.creditledger.bench.load.WindowListener;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.bench.measure.JournalProbe;
import dev.creditledger.bench.measure.MachineInfo;
import dev.creditledger.bench.measure.ProcStat;
import dev.creditledger.bench.report.ReportJson;
import dev.creditledger.bench.stack.BenchLedger;
import dev.creditledger.bench.stack.OwnStack;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The workloads of several clusters ({@code ledger bench --workloads ledgers,cross-cluster --clusters 1,3}): for each
 * cluster count in turn, a fresh stack ({@code ledger dev --fresh --clusters N}), {@code --ledgers} ledgers placed by
 * the service (rendezvous hashing, ADR 0020), each with {@code --accounts} accounts; then {@code --repeat} times:
 * <ul>
 *   <li>{@code ledgers}: {@code --clients} closed-loop clients, client i sending random transfers inside ledger
 *       i mod L with that ledger's key;</li>
 *   <li>{@code cross-cluster} (with 2 clusters or more): each ledger linked to one on another cluster, client i sending
 *       transfers from ledger i mod L to its partner ({@code toLedger}), each a saga (ADR 0021).</li>
 * </ul>
 * Measured per run: the rate, latency percentiles, the server's CPU and each cluster's PostgreSQL CPU (its postmaster
 * and every process under it) per transfer. Checked per run: the journal holds every acknowledged transfer (and at most
 * the unknown ones besides), every saga acknowledged reaches COMPLETED, and {@code POST /v1/admin/verify} is clean over
 * every cluster. The table compares each cluster count's median rate with the first count's.
 *
 * All clusters run on this machine and share its cores: the figures are the per-cluster cost that docs/scaling.md
 * models, not the throughput of clusters on machines of their own.
 */
final class ClusterSuite {

    /** The options only these workloads have. */
    record ClusterOptions(List<Integer> clusterCounts, int ledgers) {}

    /** One measured run. */
    /**
     * One measured run.
     *
     * @param postgresCpuMsPerTransfer each cluster's PostgreSQL CPU in the window over every transfer of the window
     * @param postgresCpuMsPerEntry    each cluster's PostgreSQL CPU in the window over the journal entries it wrote in the
     *                                 window (its share of the run's entries times the window's share of the run's transfers)
     */
    record Run(String workload, int clusters, int repetition, LoadResult load, double serverCpuMsPerTransfer,
               Map<String, Double> postgresCpuMsPerTransfer, Map<String, Double> postgresCpuMsPerEntry, Map<String, Integer> ledgersPerCluster,
               List<String> failedChecks) {
        boolean passed() {
            return failedChecks.isEmpty();
        }
    }

    private final BenchOptions options;
    private final ClusterOptions clusterOptions;
    private final List<String> arguments;
    private final PrintStream out;
    private final PrintStream log;

    ClusterSuite(BenchOptions options, ClusterOptions clusterOptions, List<String> arguments, PrintStream out, PrintStream log) {
        this.options = options;
        this.clusterOptions = clusterOptions;
        this.arguments = List.copyOf(arguments);
        this.out = out;
        this.log = log;
    }

    int run() {
        try {
            return runOrThrow();
        } catch (Exception e) {
            log.println("ledger-bench: the run did not complete: " + e);
            e.printStackTrace(log);
            return 1;
        }
    }

    private int runOrThrow() throws Exception {
        var startedAt = Instant.now();
        List<Run> runs = new ArrayList<>();
        for (int clusters : clusterOptions.clusterCounts()) {
            runs.addAll(runOnStack(clusters));
        }
        var report = new ClusterReport(options, clusterOptions);
        var rows = report.rows(runs);
        report.printTable(out, rows, runs);
        var document = new LinkedHashMap<String, Object>();
        document.put("kit", "Credit Ledger ledger-bench (clusters)");
        document.put("startedAt", startedAt.toString());
        document.put("finishedAt", Instant.now().toString());
        document.put("arguments", arguments);
        document.put("options", options.describe());
        document.put("clusterCounts", clusterOptions.clusterCounts());
        document.put("ledgers", clusterOptions.ledgers());
        document.put("machine", MachineInfo.describe());
        document.put("rows", rows);
        document.put("runs", runs.stream().map(ClusterReport::describe).toList());
        boolean passed = runs.stream().allMatch(Run::passed);
        document.put("passed", passed);
        var jsonOut = options.jsonOut() != null ? options.jsonOut() : options.workDir().resolve("bench-clusters-"
                + startedAt.toString().replace(":", "").replace(".", "") + ".json");
        ReportJson.write(document, jsonOut);
        out.println(ReportJson.write(document));
        log.println("JSON report: " + jsonOut);
        log.println(passed ? "every check passed" : "SOME CHECKS FAILED (see the table)");
        return passed ? 0 : 1;
    }

    /** One stack of {@code clusters} clusters: its ledgers, a warm-up, and every repetition of the chosen workloads. */
    private List<Run> runOnStack(int clusters) throws Exception {
        var workDir = options.workDir().resolve("clusters-" + clusters);
        log.printf("starting the stack (ledger dev --clusters %d) in %s ...%n", clusters, workDir);
        List<Run> runs = new ArrayList<>();
        try (var stack = OwnStack.start(options.serverJar(), workDir, options.serverJavaOpts(),
                Duration.ofSeconds(options.readinessWaitSecondsMax()), clusters)) {
            Map<String, String> urls = new LinkedHashMap<>();
            urls.put("main", stack.dbUrl());
            urls.putAll(stack.otherClusters());
            Map<String, JournalProbe> probes = new LinkedHashMap<>();
            try {
                for (var cluster : urls.entrySet()) {
                    probes.put(cluster.getKey(), new JournalProbe(cluster.getValue(), stack.dbUser(), stack.dbPassword()));
                }
                Map<String, Long> postmasters = new LinkedHashMap<>();
                for (var probe : probes.entrySet()) {
                    postmasters.put(probe.getKey(), probe.getValue().postmasterPid().orElse(-1));
                }
                var acks = new AckLog();
                List<BenchLedger> ledgers = new ArrayList<>();
                List<String> placements = new ArrayList<>();
                for (int i = 0; i < clusterOptions.ledgers(); i++) {
                    var ledger = BenchLedger.create(stack, "bench-" + clusters + "c-" + i + "-" + System.currentTimeMillis(), options.accounts(),
                            options.setupConnections(), options.requestTimeoutMs(), acks);
                    ledgers.add(ledger);
                    placements.add(clusterOf(stack, ledger.ledgerId()));
                }
                var perCluster = new TreeMap<String, Integer>();
                placements.forEach(c -> perCluster.merge(c, 1, Integer::sum));
                log.printf("%d ledgers of %d accounts: %s%n", ledgers.size(), options.accounts(), perCluster);

                var partners = options.workloads().contains("cross-cluster") && clusters > 1 ? link(stack, ledgers, placements) : null;
                if (options.serverWarmupSeconds() > 0) {
                    log.printf("warming the server up for %d s ...%n", options.serverWarmupSeconds());
                    load(stack, ledgersWorkload(ledgers), ledgers, 0, Duration.ofSeconds(options.serverWarmupSeconds()), false,
                            WindowListener.NONE);
                }
                for (int rep = 1; rep <= options.repeat(); rep++) {
                    for (var workload : options.workloads()) {
                        if (workload.equals("ledgers")) {
                            runs.add(measure("ledgers", clusters, rep, stack, ledgers, ledgersWorkload(ledgers), probes, postmasters, perCluster,
                                    null));
                        } else if (workload.equals("cross-cluster") && partners != null) {
                            var cross = new CrossLedgerWorkloads(ledgers, partners);
                            runs.add(measure("cross-cluster", clusters, rep, stack, ledgers, cross::forClient, probes, postmasters, perCluster,
                                    cross));
                        }
                    }
                }
            } finally {
                for (var probe : probes.values()) {
                    probe.close();
                }
            }
        }
        return runs;
    }

    /** Client i's workload and key. */
    interface PerClient {
        HttpWorkload workload(int client);
    }

    private static PerClient ledgersWorkload(List<BenchLedger> ledgers) {
        return client -> TransferWorkload.random(ledgers.get(client % ledgers.size()).accounts());
    }

    /** The cross-cluster workloads: client i sends from ledger i mod L to that ledger's partner; remembers the sagas. */
    private static final class CrossLedgerWorkloads {
        private final List<BenchLedger> ledgers;
        private final List<Integer> partners;
        private final List<CrossLedgerWorkload> made = new ArrayList<>();

        CrossLedgerWorkloads(List<BenchLedger> ledgers, List<Integer> partners) {
            this.ledgers = ledgers;
            this.partners = partners;
        }

        synchronized HttpWorkload forClient(int client) {
            int source = client % ledgers.size();
            var target = ledgers.get(partners.get(source));
            var workload = new CrossLedgerWorkload(ledgers.get(source).accounts(), target.ledgerId(), target.accounts());
            made.add(workload);
            return workload;
        }

        synchronized List<UUID> sagas() {
            return made.stream().flatMap(w -> w.sagas().stream()).toList();
        }
    }

    private Run measure(String name, int clusters, int rep, OwnStack stack, List<BenchLedger> ledgers, PerClient perClient,
                        Map<String, JournalProbe> probes, Map<String, Long> postmasters, Map<String, Integer> perCluster,
                        CrossLedgerWorkloads cross) throws Exception {
        var ids = ledgers.stream().map(BenchLedger::ledgerId).toList();
        var entriesBefore = entriesByCluster(probes, ids);
        var cpu = new LinkedHashMap<String, double[]>();
        var listener = new WindowListener() {
            @Override
            public void opened() {
                cpu.put("server", new double[] {serverSeconds(stack), 0});
                postmasters.forEach((cluster, pid) -> cpu.put(cluster, new double[] {ProcStat.treeCpuSeconds(pid), 0}));
            }

            @Override
            public void closed() {
                cpu.get("server")[1] = serverSeconds(stack);
                postmasters.forEach((cluster, pid) -> cpu.get(cluster)[1] = ProcStat.treeCpuSeconds(pid));
            }
        };
        log.printf("%s, %d clusters, repetition %d: %d clients for %d s ...%n", name, clusters, rep, options.clients(), options.durationSeconds());
        var result = load(stack, perClient, ledgers, rep, Duration.ofSeconds(options.durationSeconds()), true, listener);
        long transfers = result.window().units();
        double serverMs = transfers > 0 ? (cpu.get("server")[1] - cpu.get("server")[0]) * 1_000 / transfers : Double.NaN;
        var entriesAfter = entriesByCluster(probes, ids);
        double windowShare = result.total().units() > 0 ? (double) transfers / result.total().units() : Double.NaN;
        var postgresMs = new LinkedHashMap<String, Double>();
        var postgresMsPerEntry = new LinkedHashMap<String, Double>();
        for (var cluster : postmasters.keySet()) {
            var c = cpu.get(cluster);
            postgresMs.put(cluster, transfers > 0 ? (c[1] - c[0]) * 1_000 / transfers : Double.NaN);
            double entriesInWindow = (entriesAfter.get(cluster) - entriesBefore.get(cluster)) * windowShare;
            postgresMsPerEntry.put(cluster, entriesInWindow > 0 ? (c[1] - c[0]) * 1_000 / entriesInWindow : Double.NaN);
        }

        List<String> failed = new ArrayList<>();
        if (cross != null) {
            var pending = awaitSagas(stack, ledgers, cross);
            if (pending > 0) {
                failed.add(pending + " sagas not COMPLETED within " + options.catchUpSecondsMax() + " s");
            }
        } else {
            long written = sum(entriesAfter) - sum(entriesBefore);
            var total = result.total();
            if (written < total.entriesAcknowledged || written > total.entriesAcknowledged + total.entriesUnknown) {
                failed.add("journal: " + written + " entries written, " + total.entriesAcknowledged + " acknowledged, " + total.entriesUnknown
                        + " unknown");
            }
        }
        if (result.total().requestsRejected + result.total().requestsUnknown > 0) {
            failed.add(result.total().requestsRejected + " refused and " + result.total().requestsUnknown + " unknown requests: "
                    + result.total().failures);
        }
        var verification = AdminCalls.verify(stack);
        if (!verification.clean()) {
            failed.add("verify: " + verification.differences().stream().limit(5).toList());
        }
        var run = new Run(name, clusters, rep, result, serverMs, postgresMs, postgresMsPerEntry, perCluster, failed);
        log.printf(Locale.ROOT, "  %.0f transfers/s, p50 %.1f ms, p99 %.1f ms; CPU ms/transfer: server %.2f, PostgreSQL %s; "
                        + "PostgreSQL CPU ms per entry it wrote: %s%s%n",
                result.unitsPerSecond(), result.allLatencies().percentileMs(50), result.allLatencies().percentileMs(99), serverMs,
                ClusterReport.format(postgresMs), ClusterReport.format(postgresMsPerEntry), failed.isEmpty() ? "" : "; FAILED " + failed);
        return run;
    }

    /** A closed loop of {@code --clients}; with {@code warmUpFirst}, {@code --warmup-seconds} unmeasured before the window. */
    private LoadResult load(OwnStack stack, PerClient perClient, List<BenchLedger> ledgers, int rep, Duration duration,
                            boolean warmUpFirst, WindowListener listener) throws Exception {
        long warmup = warmUpFirst ? options.warmupNanos() : 0;
        var acks = new AckLog();
        return ClosedLoop.run(perClient.workload(0), options.clients(), warmup, duration.toNanos(), index -> {
            var ledger = ledgers.get(index % ledgers.size());
            var connection = new HttpConnection(stack.baseUrl(), ledger.writeKey(), options.requestTimeoutMs());
            return new ClientContext(perClient.workload(index), connection, new SplittableRandom(options.seed() * 1_000 + rep * 100L + index),
                    acks, "c" + rep + "-" + index + "-" + System.nanoTime());
        }, listener);
    }

    /** Waits until every saga the run acknowledged is COMPLETED; how many are not by the deadline. */
    private long awaitSagas(OwnStack stack, List<BenchLedger> ledgers, CrossLedgerWorkloads cross) throws IOException, InterruptedException {
        var sagas = cross.sagas();
        long deadline = System.nanoTime() + Duration.ofSeconds(options.catchUpSecondsMax()).toNanos();
        long pending = sagas.size();
        try (var operator = new HttpConnection(stack.baseUrl(), stack.adminKey(), options.requestTimeoutMs())) {
            var left = new ArrayList<>(sagas);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                var still = new ArrayList<UUID>();
                for (var id : left) {
                    var response = operator.get("/v1/sagas/" + id);
                    if (response.status() != 200 || !response.bodyText().contains("\"status\":\"COMPLETED\"")) {
                        still.add(id);
                    }
                }
                left = still;
                if (!left.isEmpty()) {
                    Thread.sleep(200);
                }
            }
            pending = left.size();
        }
        return pending;
    }

    /** Links each ledger to the next one placed on another cluster; the partner of each ledger, by index. */
    private List<Integer> link(OwnStack stack, List<BenchLedger> ledgers, List<String> placements) throws IOException {
        List<Integer> partners = new ArrayList<>();
        try (var operator = new HttpConnection(stack.baseUrl(), stack.adminKey(), options.requestTimeoutMs())) {
            for (int i = 0; i < ledgers.size(); i++) {
                int partner = -1;
                for (int step = 1; step < ledgers.size() && partner < 0; step++) {
                    int j = (i + step) % ledgers.size();
                    if (!placements.get(j).equals(placements.get(i))) {
                        partner = j;
                    }
                }
                if (partner < 0) {
                    throw new IOException("every ledger is on cluster " + placements.get(i) + ": no transfer would cross clusters");
                }
                partners.add(partner);
                var body = "{\"from\":\"" + ledgers.get(i).ledgerId() + "\",\"to\":\"" + ledgers.get(partner).ledgerId() + "\"}";
                BenchLedger.expect(operator.post("/v1/admin/ledger-links", body.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 201,
                        "linking two ledgers");
            }
        }
        return partners;
    }

    private String clusterOf(OwnStack stack, UUID ledgerId) throws IOException {
        try (var operator = new HttpConnection(stack.baseUrl(), stack.adminKey(), options.requestTimeoutMs())) {
            return BenchLedger.expect(operator.get("/v1/admin/ledgers/" + ledgerId), 200, "reading a ledger's cluster").path("cluster").asString();
        }
    }

    /** The entries of the bench ledgers in each cluster's journal. */
    private static Map<String, Long> entriesByCluster(Map<String, JournalProbe> probes, List<UUID> ledgers) throws java.sql.SQLException {
        var entries = new LinkedHashMap<String, Long>();
        for (var probe : probes.entrySet()) {
            entries.put(probe.getKey(), probe.getValue().entriesOf(ledgers));
        }
        return entries;
    }

    private static long sum(Map<String, Long> byCluster) {
        return byCluster.values().stream().mapToLong(Long::longValue).sum();
    }

    private static double serverSeconds(OwnStack stack) {
        var pid = stack.serverPid();
        return pid.isPresent() ? ProcStat.cpu(pid.getAsLong()).map(ProcStat.Cpu::ownSeconds).orElse(Double.NaN) : Double.NaN;
    }
}
