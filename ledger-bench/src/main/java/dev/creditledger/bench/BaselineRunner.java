package dev.creditledger.bench;

import dev.creditledger.bench.baseline.BaselineDatabase;
import dev.creditledger.bench.baseline.BaselineWorkload;
import dev.creditledger.bench.load.ClosedLoop;
import dev.creditledger.bench.measure.CpuMeter;
import dev.creditledger.bench.report.Check;
import dev.creditledger.bench.report.RunRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures one baseline run ({@link BaselineWorkload}) with the same client count, warm-up and duration
 * as the service workload it is compared with, on fresh baseline tables, and checks it: the baseline
 * journal holds exactly the committed transfers (or, after failed commits, between committed and
 * committed + unknown), the balances still sum to zero, and something was committed.
 */
final class BaselineRunner {

    private final BenchOptions options;
    private final BaselineDatabase database;
    private final CpuMeter cpu;
    private final PrintStream log;

    BaselineRunner(BenchOptions options, BaselineDatabase database, CpuMeter cpu, PrintStream log) {
        this.options = options;
        this.database = database;
        this.cpu = cpu;
        this.log = log;
    }

    RunRecord run(String workloadName, boolean hot, int clients, int repetition) throws Exception {
        log.printf("%s baseline (run %d): %d clients, one transaction per transfer%n", workloadName, repetition, clients);
        database.reset(options.accounts());
        var workload = new BaselineWorkload(workloadName, options.accounts(), hot);
        var meter = new WindowMeter(cpu, null);
        long seed = options.seed() * 31 + repetition * 1_009L + (hot ? 1 : 0) + clients * 7_919L;
        var result = ClosedLoop.run(workload, clients, options.warmupNanos(), options.durationNanos(),
                index -> workload.new Client(database, new SplittableRandom(seed + index)), meter);
        long rows = database.journalRows();
        long balanceSum = database.balanceSum();
        var total = result.total();

        var figures = new LinkedHashMap<String, Double>(result.figures());
        figures.putAll(meter.figures(result.window().units()));
        figures.put("windowSeconds", result.windowSeconds());
        figures.put("transactionsCommitted", (double) total.entriesAcknowledged);
        figures.put("transactionsUnknown", (double) total.entriesUnknown);
        figures.put("journalRows", (double) rows);

        List<Check> checks = new ArrayList<>();
        long committed = total.entriesAcknowledged;
        long unknown = total.entriesUnknown;
        boolean rowsMatch = unknown == 0 ? rows == committed : rows >= committed && rows <= committed + unknown;
        checks.add(Check.of("baseline journal rows equal commits", rowsMatch,
                "baseline_journal " + rows + ", committed " + committed + (unknown > 0 ? ", unknown " + unknown : "")));
        checks.add(Check.of("baseline balances sum to zero", balanceSum == 0, "sum " + balanceSum));
        checks.add(Check.of("something committed", committed > 0, committed + " transactions committed"));

        var settings = new LinkedHashMap<String, Object>();
        settings.put("clients", clients);
        settings.put("hotAccount", hot ? 1 : null);
        settings.put("database", BaselineDatabase.DATABASE);
        var details = new LinkedHashMap<String, Object>();
        details.put("failures", total.failures);
        var record = new RunRecord(workloadName, RunRecord.BASELINE, repetition, "closed", settings, result.unit(), figures, details, checks);
        log.printf("  %s baseline: %,.1f transfers/s, p99 %.2f ms, checks %s%n", workloadName, result.unitsPerSecond(),
                result.allLatencies().percentileMs(99), record.passed() ? "passed" : "FAILED");
        return record;
    }
}
