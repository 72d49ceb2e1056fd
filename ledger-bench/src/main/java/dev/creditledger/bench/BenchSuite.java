package dev.creditledger.bench;

import dev.creditledger.bench.baseline.BaselineDatabase;
import dev.creditledger.bench.load.BatchWorkload;
import dev.creditledger.bench.load.HistoryLoader;
import dev.creditledger.bench.load.HistoryReadsWorkload;
import dev.creditledger.bench.load.HoldsWorkload;
import dev.creditledger.bench.load.MultiLegWorkload;
import dev.creditledger.bench.load.ReadsWorkload;
import dev.creditledger.bench.load.TransferWorkload;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.bench.measure.CpuMeter;
import dev.creditledger.bench.measure.JournalProbe;
import dev.creditledger.bench.measure.MachineInfo;
import dev.creditledger.bench.report.ReportJson;
import dev.creditledger.bench.report.ReportTable;
import dev.creditledger.bench.report.RunRecord;
import dev.creditledger.bench.report.Summary;
import dev.creditledger.bench.stack.BenchLedger;
import dev.creditledger.bench.stack.ExternalStack;
import dev.creditledger.bench.stack.OwnStack;
import dev.creditledger.bench.stack.Stack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One invocation of {@code run}: starts (or reaches) the stack, reads PostgreSQL's durability settings,
 * sets up the bench ledger, loads the history if asked, warms the server's JIT up with unmeasured
 * random transfers ({@code --server-warmup-seconds}), then runs the suite {@code --repeat} times — for
 * each repetition, in order, every chosen workload, the compared ones right after their baseline — and
 * prints the table and the JSON report. Progress goes to {@code log} (stderr); the table and the JSON to
 * {@code out} (stdout).
 *
 * What can go wrong: if the stack cannot start, or the kit itself fails (a database it cannot reach),
 * the invocation stops with exit code 1 and says why; the stack it started is always stopped.
 */
final class BenchSuite {

    private final BenchOptions options;
    private final List<String> arguments;
    private final PrintStream out;
    private final PrintStream log;

    BenchSuite(BenchOptions options, List<String> arguments, PrintStream out, PrintStream log) {
        this.options = options;
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
        log.println(options.ownStack() ? "starting the stack (ledger dev) in " + options.workDir() + " ..." : "using the stack at " + options.url());
        try (Stack stack = options.ownStack()
                ? OwnStack.start(options.serverJar(), options.workDir(), options.serverJavaOpts(), Duration.ofSeconds(options.readinessWaitSecondsMax()))
                : new ExternalStack(options.url(), java.util.Optional.ofNullable(options.grpc().target()), options.adminKey(), options.dbUrl(), options.dbUser(), options.dbPassword(),
                        options.serverPid() == null ? OptionalLong.empty() : OptionalLong.of(options.serverPid()));
             var journal = new JournalProbe(stack.dbUrl(), stack.dbUser(), stack.dbPassword())) {
            var fsync = journal.setting("fsync");
            var synchronousCommit = journal.setting("synchronous_commit");
            var postgresVersion = journal.setting("server_version");
            boolean durable = "on".equals(fsync) && "on".equals(synchronousCommit);
            var postmaster = journal.postmasterPid();
            var cpu = new CpuMeter(stack.serverPid(), postmaster);
            var acks = new AckLog();
            log.printf("PostgreSQL %s, fsync=%s, synchronous_commit=%s; opening %d accounts ...%n", postgresVersion, fsync, synchronousCommit,
                    options.accounts());
            var ledger = BenchLedger.create(stack, options.accounts(), options.setupConnections(), options.requestTimeoutMs(), acks);
            log.printf("bench ledger %s (%s): %d accounts in %.1f s%n", ledger.name(), ledger.ledgerId(), options.accounts(), ledger.setupSeconds());

            var service = new ServiceRunner(options, stack, ledger, acks, journal, cpu, log);
            BaselineRunner baseline = null;
            if (options.workloads().stream().anyMatch(BenchDefaults.WORKLOADS_COMPARED::contains)) {
                baseline = new BaselineRunner(options, BaselineDatabase.onServerOf(stack.dbUrl(), stack.dbUser(), stack.dbPassword()), cpu, log);
            }
            List<RunRecord> runs = new ArrayList<>();
            HistoryLoader.Loaded history = null;
            if (options.history() > 0) {
                var holder = new HistoryLoader.Loaded[1];
                runs.add(service.history(holder));
                history = holder[0];
            }
            var accounts = ledger.accounts();
            RunRecord warmUp = null;
            if (options.serverWarmupSeconds() > 0) {
                warmUp = service.warmUpServer(Duration.ofSeconds(options.serverWarmupSeconds()),
                        Duration.ofSeconds(options.serverWarmupSecondsMax()));
                // The warm-up above sends HTTP only: the gRPC paths get one unmeasured run each (repetition 0, checked,
                // not in the summary), so their first measured run does not pay for their compilation.
                if (options.workloads().contains("grpc-unary")) {
                    runs.add(service.grpcUnary(options.clients(), 0));
                }
                if (options.workloads().contains("grpc-stream")) {
                    runs.add(service.grpcStream(0));
                }
            }
            for (int rep = 1; rep <= options.repeat(); rep++) {
                for (var workload : options.workloads()) {
                    switch (workload) {
                        case "latency", "random", "hot" -> {
                            boolean hot = workload.equals("hot");
                            var counts = options.clientCounts(workload);
                            for (int clients : counts) {
                                // Several counts make several rows: random@8, random@32, ...
                                var name = counts.size() > 1 ? workload + "@" + clients : workload;
                                runs.add(baseline.run(name, hot, clients, rep));
                                runs.add(service.steady(name, hot ? TransferWorkload.hot(accounts) : TransferWorkload.random(accounts),
                                        clients, rep, hot ? Map.of("hotAccount", accounts.id(0)) : Map.of()));
                            }
                        }
                        case "ramp" -> runs.add(service.ramp(rep));
                        case "batch" -> runs.add(service.steady(new BatchWorkload(accounts, options.batchSize()), options.batchClients(), rep,
                                Map.of("batchSize", options.batchSize())));
                        case "multileg" -> runs.add(service.steady(new MultiLegWorkload(accounts), options.clients(), rep, Map.of()));
                        case "holds" -> runs.add(service.steady(new HoldsWorkload(accounts), options.clients(), rep, Map.of()));
                        case "reads" -> runs.add(service.steady(new ReadsWorkload(accounts), options.clients(), rep, Map.of()));
                        case "grpc-unary" -> runs.add(service.grpcUnary(options.clients(), rep));
                        case "grpc-stream" -> runs.add(service.grpcStream(rep));
                        case "history-reads" -> runs.add(service.steady(new HistoryReadsWorkload(accounts, history.start(), history.end()),
                                options.clients(), rep, Map.of("historyTransfers", options.history())));
                        default -> throw new IllegalStateException("unknown workload " + workload);
                    }
                }
            }

            var header = header(startedAt, stack, ledger, postgresVersion, fsync, synchronousCommit, postmaster);
            if (warmUp != null) {
                header.put("serverWarmUp", Map.of("seconds", warmUp.figures().get("warmUpSeconds"), "throughputPerSecond",
                        warmUp.figures().get("throughputPerSecond"), "jitCoreShareLastSlice", warmUp.figures().get("jitCoreShareLastSlice"),
                        "jitSettled", warmUp.figures().get("jitSettled") == 1.0, "checksPassed", warmUp.passed()));
            }
            var rows = Summary.rows(runs, options.repeat(), durable);
            boolean passed = runs.stream().allMatch(RunRecord::passed) && (warmUp == null || warmUp.passed());
            var ratioNote = durable ? null : "withheld: the database runs with fsync=" + fsync + ", synchronous_commit=" + synchronousCommit
                    + " (the baseline would not commit durably)";
            ReportTable.print(out, tableHeader(header, postgresVersion, fsync, synchronousCommit), rows, runs, options.repeat(), ratioNote);
            var document = ReportJson.document(header, runs, rows, passed);
            var jsonOut = options.jsonOut() != null ? options.jsonOut() : options.workDir().resolve("bench-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC).format(startedAt) + ".json");
            ReportJson.write(document, jsonOut);
            out.println(ReportJson.write(document));
            out.flush();
            log.println("JSON report: " + jsonOut);
            log.println(passed ? "every check passed" : "SOME CHECKS FAILED (see the table)");
            return passed ? 0 : 1;
        }
    }

    private Map<String, Object> header(Instant startedAt, Stack stack, BenchLedger ledger, String postgresVersion, String fsync,
                                       String synchronousCommit, OptionalLong postmaster) {
        var header = new LinkedHashMap<String, Object>();
        header.put("kit", "Credit Ledger ledger-bench");
        header.put("startedAt", startedAt.toString());
        header.put("finishedAt", Instant.now().toString());
        header.put("arguments", arguments);
        header.put("options", options.describe());
        header.put("machine", MachineInfo.describe());
        var java = new LinkedHashMap<String, Object>();
        java.put("bench", MachineInfo.java());
        java.put("server", options.ownStack() ? Map.of("binary", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "version", Runtime.version().toString(), "note", "the kit starts the server with its own java")
                : Map.of("version", "unknown (external stack)"));
        header.put("java", java);
        var postgres = new LinkedHashMap<String, Object>();
        postgres.put("version", postgresVersion);
        postgres.put("fsync", fsync);
        postgres.put("synchronousCommit", synchronousCommit);
        postgres.put("postmasterPid", postmaster.isPresent() ? postmaster.getAsLong() : null);
        header.put("postgres", postgres);
        header.put("stack", stack.describe());
        var bench = new LinkedHashMap<String, Object>();
        bench.put("ledgerId", ledger.ledgerId().toString());
        bench.put("name", ledger.name());
        bench.put("accounts", ledger.accounts().size());
        bench.put("setupSeconds", ledger.setupSeconds());
        header.put("ledger", bench);
        return header;
    }

    private Map<String, Object> tableHeader(Map<String, Object> header, String postgresVersion, String fsync, String synchronousCommit) {
        var t = new LinkedHashMap<String, Object>();
        var machine = MachineInfo.describe();
        t.put("started", header.get("startedAt"));
        t.put("machine", String.format(Locale.ROOT, "%s cores, %.1f GiB, %s, %s", machine.get("cores"),
                ((Number) machine.get("memoryBytes")).longValue() / 1073741824.0, machine.get("cpuModel"), machine.get("os")));
        t.put("java", "bench " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
                + (options.ownStack() ? "; server: the same java" : "; server: external"));
        t.put("postgres", postgresVersion + ", fsync=" + fsync + ", synchronous_commit=" + synchronousCommit);
        t.put("stack", options.ownStack() ? "started by the kit (ledger dev), log " + options.workDir().resolve("server.log") : options.url());
        t.put("arguments", arguments.isEmpty() ? "(defaults)" : String.join(" ", arguments));
        t.put("repetitions", options.repeat() + " (the table shows each and their median; ratio = service median / baseline median)");
        return t;
    }
}
