package dev.creditledger.bench;

import dev.creditledger.bench.grpc.GrpcChannels;
import dev.creditledger.bench.grpc.GrpcStreamWorkload;
import dev.creditledger.bench.grpc.GrpcUnaryClient;
import dev.creditledger.bench.grpc.GrpcUnaryWorkload;
import dev.creditledger.bench.grpc.StreamClient;
import dev.creditledger.bench.grpc.StreamLoop;
import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.load.ClientContext;
import dev.creditledger.bench.load.ClientFactory;
import dev.creditledger.bench.load.ClosedLoop;
import dev.creditledger.bench.load.HistoryLoader;
import dev.creditledger.bench.load.HttpWorkload;
import dev.creditledger.bench.load.LoadResult;
import dev.creditledger.bench.load.OpenLoop;
import dev.creditledger.bench.load.Ramp;
import dev.creditledger.bench.load.TransferWorkload;
import dev.creditledger.bench.load.WindowListener;
import dev.creditledger.bench.load.Workload;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.bench.measure.CatchUp;
import dev.creditledger.bench.measure.CpuMeter;
import dev.creditledger.bench.measure.JournalProbe;
import dev.creditledger.bench.measure.ProcStat;
import dev.creditledger.bench.measure.ProjectionLagSampler;
import dev.creditledger.bench.measure.RssSampler;
import dev.creditledger.bench.report.Check;
import dev.creditledger.bench.report.RunRecord;
import dev.creditledger.bench.stack.BenchLedger;
import dev.creditledger.bench.stack.Stack;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Measures one run of the service and checks it. Around the load it counts the bench ledger's journal
 * entries and the journal database's bytes, samples the server's RSS and the projection lag, and
 * snapshots CPU at the measured window's edges. After it: the read models must catch up with the
 * highest acknowledged sequence, the journal must hold exactly the acknowledged entries (or, with
 * unknown outcomes, between acknowledged and acknowledged + unknown), {@code POST /v1/admin/verify} must
 * answer clean, nothing may have been refused, and something must have been acknowledged.
 *
 * What can go wrong: any failed check is recorded in the run (the invocation then exits 1); an error
 * of the kit itself (database unreachable) propagates and ends the invocation.
 */
final class ServiceRunner {

    /** A load that calls the listener when its measured window opens and closes. */
    @FunctionalInterface
    interface Load {
        LoadResult run(WindowListener listener) throws Exception;
    }

    private final BenchOptions options;
    private final Stack stack;
    private final BenchLedger ledger;
    private final AckLog acks;
    private final JournalProbe journal;
    private final CpuMeter cpu;
    private final PrintStream log;
    private int runNumber;

    ServiceRunner(BenchOptions options, Stack stack, BenchLedger ledger, AckLog acks, JournalProbe journal, CpuMeter cpu, PrintStream log) {
        this.options = options;
        this.stack = stack;
        this.ledger = ledger;
        this.acks = acks;
        this.journal = journal;
        this.cpu = cpu;
        this.log = log;
    }

    /** A workload in a closed loop of {@code clients}, or an open loop at {@code --rate} when given. */
    RunRecord steady(HttpWorkload workload, int clients, int repetition, Map<String, Object> extraSettings) throws Exception {
        return steady(workload.name(), workload, clients, repetition, extraSettings);
    }

    /**
     * A run named {@code name} (a workload at one point of a curve is {@code random@32}). {@code --rate} makes it an
     * open loop, except for {@code latency}, which is one client sending one request at a time by definition.
     */
    RunRecord steady(String name, HttpWorkload workload, int clients, int repetition, Map<String, Object> extraSettings) throws Exception {
        return steady(name, workload, clients, repetition, extraSettings, () -> clients(workload));
    }

    /** The same for any workload whose clients {@code factory} makes (a new factory per run, so idempotency keys differ). */
    private RunRecord steady(String name, Workload workload, int clients, int repetition, Map<String, Object> extraSettings,
                             Supplier<ClientFactory> factory) throws Exception {
        var settings = new LinkedHashMap<String, Object>(extraSettings);
        if (options.rate() != null && !name.equals("latency")) {
            settings.put("rate", options.rate());
            settings.put("connectionsMax", options.connectionsMax());
            return measure(name, repetition, "open", settings, true, Duration.ofSeconds(options.catchUpSecondsMax()),
                    listener -> OpenLoop.run(workload, options.rate(), options.connectionsMax(), options.warmupNanos(), options.durationNanos(),
                            options.drainSecondsMax() * 1_000_000_000L, factory.get(), listener), null);
        }
        settings.put("clients", clients);
        return measure(name, repetition, "closed", settings, true, Duration.ofSeconds(options.catchUpSecondsMax()),
                listener -> ClosedLoop.run(workload, clients, options.warmupNanos(), options.durationNanos(), factory.get(), listener), null);
    }

    /**
     * {@code grpc-unary}: random transfers with blocking {@code CreateTransfer} calls, one channel per client, in a closed
     * loop of {@code clients} (or the open loop at {@code --rate}, one channel per connection).
     */
    RunRecord grpcUnary(int clients, int repetition) throws Exception {
        var workload = new GrpcUnaryWorkload(ledger.accounts());
        var target = grpcTarget();
        return steady(workload.name(), workload, clients, repetition, Map.of("grpcTarget", target, "channels", "one per client"), () -> {
            long run = ++runNumber;
            var prefix = "r" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
            return index -> new GrpcUnaryClient(workload, GrpcChannels.open(target, ledger.writeKey()), random(run, index), acks,
                    prefix + "c" + index, options.requestTimeoutMs());
        });
    }

    /** {@code grpc-stream}: {@code --stream-clients} StreamTransfers calls, each with up to {@code --stream-in-flight} unanswered. */
    RunRecord grpcStream(int repetition) throws Exception {
        var workload = new GrpcStreamWorkload(ledger.accounts());
        var target = grpcTarget();
        int streams = options.grpc().streamClients();
        int inFlight = options.grpc().streamInFlight();
        var settings = new LinkedHashMap<String, Object>();
        settings.put("grpcTarget", target);
        settings.put("streams", streams);
        settings.put("inFlightMax", inFlight);
        return measure(workload.name(), repetition, "stream", settings, true, Duration.ofSeconds(options.catchUpSecondsMax()), listener -> {
            long run = ++runNumber;
            var prefix = "r" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
            return StreamLoop.run(workload, streams, options.warmupNanos(), options.durationNanos(), options.requestTimeoutMs() * 1_000_000L,
                    index -> new StreamClient(workload, GrpcChannels.open(target, ledger.writeKey()), random(run, index), acks,
                            prefix + "s" + index, inFlight), listener);
        }, null);
    }

    private String grpcTarget() {
        // RunCommand refuses the gRPC workloads against an external stack without --grpc-target; the kit's own stack has one.
        return stack.grpcTarget().orElseThrow(() -> new IllegalStateException("the stack has no gRPC target (--grpc-target)"));
    }

    /**
     * Random transfers in a closed loop of {@code --clients}, unmeasured, so the server's JIT has compiled the hot
     * paths before the first measured run: {@code minimum}, then slices of {@link BenchDefaults#JIT_SLICE_SECONDS}
     * until the server's JIT compiler threads used at most {@link BenchDefaults#JIT_SETTLED_CORE_SHARE_MAX} of one core
     * over a slice (compilation has settled), or {@code maximum} in all. Without the server's pid (an external stack
     * given no {@code --server-pid}) the JIT cannot be watched, and the warm-up is {@code minimum} alone. Checked like any
     * run; its record is not part of the summary, and its figures say how long it took and whether the JIT settled.
     */
    RunRecord warmUpServer(Duration minimum, Duration maximum) throws Exception {
        var workload = TransferWorkload.random(ledger.accounts());
        var settings = new LinkedHashMap<String, Object>();
        settings.put("clients", options.clients());
        settings.put("secondsMin", minimum.toSeconds());
        settings.put("secondsMax", maximum.toSeconds());
        var serverPid = stack.serverPid();
        double[] outcome = {Double.NaN, 0, 0}; // JIT share of the last slice, settled (1 or 0), seconds in all
        Load load = listener -> {
            long started = System.nanoTime();
            List<LoadResult> slices = new ArrayList<>();
            slices.add(ClosedLoop.run(workload, options.clients(), 0, minimum.toNanos(), clients(workload), listener));
            long slice = BenchDefaults.JIT_SLICE_SECONDS * 1_000_000_000L;
            while (serverPid.isPresent() && System.nanoTime() - started + slice <= maximum.toNanos()) {
                double compilerBefore = ProcStat.jitCompilerCpuSeconds(serverPid.getAsLong());
                long sliceStarted = System.nanoTime();
                slices.add(ClosedLoop.run(workload, options.clients(), 0, slice, clients(workload), WindowListener.NONE));
                double share = (ProcStat.jitCompilerCpuSeconds(serverPid.getAsLong()) - compilerBefore)
                        / ((System.nanoTime() - sliceStarted) / 1e9);
                outcome[0] = share;
                log.printf("  server warm-up: the JIT compiler used %.1f%% of a core over the last %d s%n", share * 100,
                        BenchDefaults.JIT_SLICE_SECONDS);
                if (share <= BenchDefaults.JIT_SETTLED_CORE_SHARE_MAX) {
                    outcome[1] = 1;
                    break;
                }
            }
            outcome[2] = (System.nanoTime() - started) / 1e9;
            log.printf("  server warm-up: %.0f s; %s%n", outcome[2], outcome[1] == 1 ? "the JIT settled"
                    : serverPid.isPresent() ? "the JIT had not settled by --server-warmup-seconds-max" : "the server's pid is unknown: not watched");
            return slices.getLast().plusEarlierLoads(slices.subList(0, slices.size() - 1));
        };
        var record = measure("server-warm-up", 0, "closed", settings, false, Duration.ofSeconds(options.catchUpSecondsMax()), load, null);
        record.figures().put("jitCoreShareLastSlice", outcome[0]);
        record.figures().put("jitSettled", outcome[1]);
        record.figures().put("warmUpSeconds", outcome[2]);
        return record;
    }

    /** The ramp on random transfers, then the run at half the highest sustained rate. */
    RunRecord ramp(int repetition) throws Exception {
        var workload = TransferWorkload.random(ledger.accounts());
        var settings = new LinkedHashMap<String, Object>();
        settings.put("rampStart", options.rampStart());
        settings.put("rampFactor", options.rampFactor());
        settings.put("stepSeconds", options.stepSeconds());
        settings.put("p99BoundMs", options.p99BoundMs());
        settings.put("connectionsMax", options.connectionsMax());
        var rampHolder = new Ramp.Outcome[1];
        var halfRate = new double[] {Double.NaN};
        long drainNanos = options.drainSecondsMax() * 1_000_000_000L;
        Load load = listener -> {
            var rampSettings = new Ramp.Settings(options.rampStart(), options.rampFactor(), options.stepSeconds() * 1_000_000_000L,
                    options.p99BoundMs(), options.rampAchievedFractionMin(), options.rampStepsMax(), options.rampRateMax(), options.warmupNanos());
            var outcome = Ramp.run(rampSettings, (rate, warmup, duration) -> {
                var step = OpenLoop.run(workload, rate, options.connectionsMax(), warmup, duration, drainNanos, clients(workload), WindowListener.NONE);
                log.printf("  ramp step %,.0f/s: achieved %,.0f/s, p99 %.2f ms, %d failures%n", rate, step.unitsPerSecond(),
                        step.allLatencies().percentileMs(99), step.window().failuresCount());
                return new Ramp.Measurement(step.unitsPerSecond(), step.allLatencies().percentileMs(99), step.window().failuresCount(), step);
            });
            rampHolder[0] = outcome;
            double half = outcome.highestSustainedRatePerSecond() / 2;
            if (half <= 0) {
                log.printf("  ramp: no step was sustained (%s); no half-rate run%n", outcome.stopReason());
                // The last step stands as the run, so it still has its counts and checks; its window never opened, so
                // there are no CPU or lag figures for a rate that was not sustained.
                var steps = outcome.steps().stream().map(s -> s.measurement().result()).toList();
                return steps.getLast().plusEarlierLoads(steps.subList(0, steps.size() - 1));
            }
            halfRate[0] = half;
            log.printf("  ramp: highest sustained %,.0f/s (%s); measuring at %,.0f/s%n", outcome.highestSustainedRatePerSecond(),
                    outcome.stopReason(), half);
            var measured = OpenLoop.run(workload, half, options.connectionsMax(), options.warmupNanos(), options.durationNanos(), drainNanos,
                    clients(workload), listener);
            return measured.plusEarlierLoads(outcome.steps().stream().map(s -> s.measurement().result()).toList());
        };
        var record = measure("ramp", repetition, "ramp", settings, true, Duration.ofSeconds(options.catchUpSecondsMax()), load, null);
        var outcome = rampHolder[0];
        if (outcome != null) {
            record.figures().put("rampHighestSustainedPerSecond", outcome.highestSustainedRatePerSecond());
            record.figures().put("halfRatePerSecond", halfRate[0]);
            if (Double.isNaN(halfRate[0])) {
                // Without a half-rate run the window's figures describe the failed step, not a sustainable rate.
                for (var key : List.of("throughputPerSecond", "latencyP50Ms", "latencyP90Ms", "latencyP99Ms", "latencyP999Ms", "latencyMaxMs")) {
                    record.figures().put(key, Double.NaN);
                }
            }
            List<Object> steps = new ArrayList<>();
            for (var step : outcome.steps()) {
                var s = new LinkedHashMap<String, Object>();
                s.put("step", step.number());
                s.put("targetRatePerSecond", step.targetRatePerSecond());
                s.put("achievedRatePerSecond", step.measurement().achievedRatePerSecond());
                s.put("latencyP99Ms", finite(step.measurement().p99Ms()));
                s.put("failures", step.measurement().failures());
                s.put("verdict", step.verdict().name());
                steps.add(s);
            }
            record.details().put("rampSteps", steps);
            record.details().put("rampStopReason", outcome.stopReason());
        }
        return record;
    }

    /** Loads {@code --history} transfers through the batch endpoint and checks them like any run. */
    RunRecord history(HistoryLoader.Loaded[] loadedHolder) throws Exception {
        long entries = options.history();
        var limit = Duration.ofSeconds(options.catchUpSecondsMax() + entries / BenchDefaults.HISTORY_CATCH_UP_SEQS_PER_SECOND_MIN);
        var settings = new LinkedHashMap<String, Object>();
        settings.put("transfers", entries);
        settings.put("batchSize", options.batchSize());
        settings.put("connections", options.setupConnections());
        var record = measure("history-load", 1, "load", settings, false, limit, listener -> {
            var loaded = HistoryLoader.load(ledger.accounts(), entries, options.batchSize(), options.setupConnections(),
                    index -> connection(), acks, "h" + Long.toString(System.currentTimeMillis(), 36), options.seed(), listener);
            loadedHolder[0] = loaded;
            return loaded.result();
        }, null);
        record.figures().put("loadSeconds", record.figure("windowSeconds"));
        return record;
    }

    private ClientFactory clients(HttpWorkload workload) {
        long run = ++runNumber;
        var prefix = "r" + run + "-" + Long.toString(System.currentTimeMillis(), 36);
        return index -> new ClientContext(workload, connection(), random(run, index), acks, prefix + "c" + index);
    }

    /** Client {@code index}'s random numbers in run {@code run}: the same seed for the same client of the same run, whatever the transport. */
    private SplittableRandom random(long run, int index) {
        return new SplittableRandom(options.seed() * 1_000_003L + run * 10_007L + index);
    }

    private HttpConnection connection() {
        return new HttpConnection(stack.baseUrl(), ledger.writeKey(), options.requestTimeoutMs());
    }

    RunRecord measure(String name, int repetition, String loop, Map<String, Object> settings, boolean sampleLag, Duration catchUpLimit,
                      Load load, Map<String, Object> extraDetails) throws Exception {
        log.printf("%s (run %d): %s%n", name, repetition, settings);
        long entriesBefore = journal.entries(ledger.ledgerId());
        var bytesBefore = journal.tableBytes();
        var lag = sampleLag ? new ProjectionLagSampler(connection(), acks) : null;
        var meter = new WindowMeter(cpu, lag);
        var rss = new RssSampler(stack.serverPid());
        LoadResult result;
        try {
            result = load.run(meter);
        } finally {
            rss.close();
            if (lag != null) {
                lag.close();
            }
        }
        long rssMax = rss.maxBytes();
        long rssEnd = rss.lastBytes();
        CatchUp.Result catchUp;
        try (var connection = connection()) {
            catchUp = CatchUp.await(connection, acks.highestSeq(), result.writersStoppedNanos(), catchUpLimit);
        }
        long entriesAfter = journal.entries(ledger.ledgerId());
        var bytesAfter = journal.tableBytes();
        var verification = AdminCalls.verify(stack);

        var total = result.total();
        long entriesAdded = entriesAfter - entriesBefore;
        long bytesAdded = sum(bytesAfter) - sum(bytesBefore);
        var figures = new LinkedHashMap<String, Double>(result.figures());
        figures.putAll(meter.figures(result.window().units()));
        figures.put("serverRssMaxMiB", rssMax > 0 ? rssMax / 1048576.0 : Double.NaN);
        figures.put("serverRssEndMiB", rssEnd > 0 ? rssEnd / 1048576.0 : Double.NaN);
        if (lag != null) {
            figures.putAll(lag.figures());
        }
        figures.put("catchUpSeconds", catchUp.seconds());
        figures.put("catchUpBacklogSeqs", (double) catchUp.backlogSeqs());
        figures.put("projectorApplyRatePerSecond", catchUp.applyRatePerSecond());
        figures.put("journalEntriesAdded", (double) entriesAdded);
        figures.put("journalBytesAdded", (double) bytesAdded);
        figures.put("journalBytesPerEntry", entriesAdded > 0 ? (double) bytesAdded / entriesAdded : Double.NaN);
        figures.put("windowSeconds", result.windowSeconds());
        figures.put("requestsAcknowledged", (double) total.requestsAcknowledged);
        figures.put("requestsRejected", (double) total.requestsRejected);
        figures.put("requestsUnknown", (double) total.requestsUnknown);
        figures.put("entriesAcknowledged", (double) total.entriesAcknowledged);
        figures.put("entriesUnknown", (double) total.entriesUnknown);
        figures.put("batchItemsRejected", (double) total.itemsRejected);
        figures.put("unsent", (double) total.unsent);

        var details = new LinkedHashMap<String, Object>();
        if (extraDetails != null) {
            details.putAll(extraDetails);
        }
        var tables = new TreeMap<String, Object>();
        bytesAfter.forEach((table, after) -> {
            var sizes = new LinkedHashMap<String, Long>();
            sizes.put("bytesBefore", bytesBefore.getOrDefault(table, 0L));
            sizes.put("bytesAfter", after);
            sizes.put("bytesAdded", after - bytesBefore.getOrDefault(table, 0L));
            tables.put(table, sizes);
        });
        details.put("journalTables", tables);
        details.put("failures", total.failures);
        details.put("socketsOpened", result.socketsOpened());
        details.put("verify", Map.of("clean", verification.clean(), "ledgers", verification.ledgers(), "accounts", verification.accounts(),
                "entries", verification.entries(), "differences", verification.differences()));
        if (lag != null) {
            details.put("projectionLagFailedSamples", lag.failedSamples());
        }
        if (!catchUp.detail().isEmpty()) {
            details.put("catchUp", catchUp.detail());
        }

        List<Check> checks = new ArrayList<>();
        long acknowledged = total.entriesAcknowledged;
        long unknown = total.entriesUnknown;
        boolean journalMatches = unknown == 0 ? entriesAdded == acknowledged
                : entriesAdded >= acknowledged && entriesAdded <= acknowledged + unknown;
        checks.add(Check.of("journal entries equal acknowledged", journalMatches,
                "journal +" + entriesAdded + ", acknowledged " + acknowledged + (unknown > 0 ? ", unknown " + unknown : "")));
        checks.add(Check.of("verify clean", verification.clean(), verification.clean() ? verification.entries() + " entries verified"
                : verification.differences().size() + " differences: " + verification.differences().stream().limit(5).toList()));
        checks.add(Check.of("read models caught up", catchUp.caughtUp(), catchUp.caughtUp()
                ? String.format("minSeq %d answered after %.2f s", acks.highestSeq(), catchUp.seconds()) : catchUp.detail()));
        checks.add(Check.of("nothing refused", total.requestsRejected == 0 && total.itemsRejected == 0,
                total.requestsRejected + " requests and " + total.itemsRejected + " batch items refused " + total.failures.keySet()));
        checks.add(Check.of("responses consistent", total.inconsistentResponses == 0, total.inconsistentResponses + " inconsistent responses"));
        checks.add(Check.of("something acknowledged", total.requestsAcknowledged > 0, total.requestsAcknowledged + " requests acknowledged"));

        var record = new RunRecord(name, RunRecord.SERVICE, repetition, loop, settings, result.unit(), figures, details, checks);
        log.printf("  %s: %,.1f %s/s, p99 %.2f ms, journal +%d, checks %s%n", name, result.unitsPerSecond(), result.unit(),
                result.allLatencies().percentileMs(99), entriesAdded, record.passed() ? "passed" : "FAILED");
        return record;
    }

    static long sum(Map<String, Long> sizes) {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
