package dev.creditledger.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledger-bench run}: parses and checks the options, then runs {@link BenchSuite}. Exit code 0
 * when every check held, 1 when one failed or the run could not complete, 2 for bad options.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load the service through its HTTP API (and its gRPC API: grpc-unary, grpc-stream)",
                "beside a one-transaction-per-transfer baseline on the same PostgreSQL,",
                "check the journal, the verifier and the read models after every run, and report medians of --repeat runs.",
                "Without --url it starts its own stack (ledger dev) from the server jar. See docs/benchmarks.md."})
public final class RunCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--workloads", split = ",", paramLabel = "W",
            description = "Any of latency, random, hot, ramp, batch, multileg, holds, reads, history-reads, grpc-unary, grpc-stream "
                    + "(default: all but history-reads, which --history adds, and the gRPC ones); or ledgers and cross-cluster, "
                    + "which run alone, over many ledgers, once per --clusters count.")
    List<String> workloads;

    @Option(names = "--accounts", description = "Accounts in the bench ledger and the baseline (default " + BenchDefaults.ACCOUNTS
            + "); with ledgers and cross-cluster, in each ledger (default " + BenchDefaults.LEDGER_ACCOUNTS + ").")
    Integer accounts;

    @Option(names = "--clusters", split = ",", paramLabel = "N",
            description = "ledgers and cross-cluster: run on a fresh stack of each of these PostgreSQL cluster counts "
                    + "(ledger dev --clusters N) and compare the rates (default 1,3; cross-cluster needs 2 or more).")
    List<Integer> clusters;

    @Option(names = "--ledgers", defaultValue = "" + BenchDefaults.LEDGERS,
            description = "ledgers and cross-cluster: ledgers placed over the clusters (default ${DEFAULT-VALUE}).")
    int ledgers;

    @Option(names = "--clients", defaultValue = "" + BenchDefaults.CLIENTS, description = "Connections of a closed loop, service and baseline (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--batch-clients", defaultValue = "" + BenchDefaults.BATCH_CLIENTS, description = "Connections of the batch workload (default ${DEFAULT-VALUE}).")
    int batchClients;

    @Option(names = "--batch-size", defaultValue = "" + BenchDefaults.BATCH_SIZE, description = "Transfers per batch request (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--stream-clients", defaultValue = "" + BenchDefaults.STREAM_CLIENTS,
            description = "grpc-stream: concurrent StreamTransfers calls, each on its own channel (default ${DEFAULT-VALUE}).")
    int streamClients;

    @Option(names = "--stream-in-flight", defaultValue = "" + BenchDefaults.STREAM_IN_FLIGHT,
            description = "grpc-stream: requests each stream keeps sent and unanswered, at most " + BenchDefaults.STREAM_IN_FLIGHT_MAX
                    + " (default ${DEFAULT-VALUE}).")
    int streamInFlight;

    @Option(names = "--duration-seconds", defaultValue = "" + BenchDefaults.DURATION_SECONDS, description = "Measured window of each run (default ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "" + BenchDefaults.WARMUP_SECONDS, description = "Warm-up before each measured window (default ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--server-warmup-seconds", defaultValue = "" + BenchDefaults.SERVER_WARMUP_SECONDS,
            description = "Unmeasured random transfers once, before the first run, so the server's JIT is warm (default ${DEFAULT-VALUE}; 0: none).")
    int serverWarmupSeconds;

    @Option(names = "--server-warmup-seconds-max", defaultValue = "" + BenchDefaults.SERVER_WARMUP_SECONDS_MAX,
            description = "After --server-warmup-seconds, warm up in slices of " + BenchDefaults.JIT_SLICE_SECONDS + " s until the server's JIT "
                    + "compiler threads used at most 3%% of a core over a slice, or this many seconds in all (default ${DEFAULT-VALUE}).")
    int serverWarmupSecondsMax;

    @Option(names = "--curve", split = ",", paramLabel = "N",
            description = "Run random and hot at each of these client counts (e.g. 8,32,64,128), each beside its baseline; "
                    + "rows are named random@N. Default: --clients alone.")
    List<Integer> curve;

    @Option(names = "--repeat", defaultValue = "" + BenchDefaults.REPEAT, description = "Repetitions of the suite; the report shows each and the median (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--rate", description = "Drive the service workloads (not the baseline) in an open loop at this many operations per second instead of --clients.")
    Double rate;

    @Option(names = "--connections-max", defaultValue = "" + BenchDefaults.CONNECTIONS_MAX, description = "Connections of an open loop (default ${DEFAULT-VALUE}).")
    int connectionsMax;

    @Option(names = "--ramp-start", defaultValue = "" + BenchDefaults.RAMP_START_PER_SECOND, description = "First rate of the ramp, per second (default ${DEFAULT-VALUE}).")
    double rampStart;

    @Option(names = "--ramp-factor", defaultValue = "" + BenchDefaults.RAMP_FACTOR, description = "Each ramp step's rate is the previous one times this (default ${DEFAULT-VALUE}).")
    double rampFactor;

    @Option(names = "--step-seconds", defaultValue = "" + BenchDefaults.STEP_SECONDS, description = "Length of a ramp step (default ${DEFAULT-VALUE}).")
    int stepSeconds;

    @Option(names = "--p99-bound-ms", defaultValue = "" + BenchDefaults.P99_BOUND_MS, description = "A ramp step within this p99 is sustained (default ${DEFAULT-VALUE}).")
    double p99BoundMs;

    @Option(names = "--ramp-steps-max", defaultValue = "" + BenchDefaults.RAMP_STEPS_MAX, description = "Most steps of a ramp (default ${DEFAULT-VALUE}).")
    int rampStepsMax;

    @Option(names = "--ramp-rate-max", defaultValue = "" + BenchDefaults.RAMP_RATE_MAX_PER_SECOND, description = "The ramp stops before a rate above this (default ${DEFAULT-VALUE}).")
    double rampRateMax;

    @Option(names = "--ramp-achieved-fraction-min", defaultValue = "" + BenchDefaults.RAMP_ACHIEVED_FRACTION_MIN,
            description = "A ramp step must achieve this fraction of its rate (default ${DEFAULT-VALUE}).")
    double rampAchievedFractionMin;

    @Option(names = "--drain-seconds-max", defaultValue = "" + BenchDefaults.DRAIN_SECONDS_MAX,
            description = "After an open loop's window, requests still waiting are sent for at most this long (default ${DEFAULT-VALUE}).")
    int drainSecondsMax;

    @Option(names = "--history", defaultValue = "" + BenchDefaults.HISTORY,
            description = "First load this many transfers through the batch endpoint, then add the history-reads measurement (default ${DEFAULT-VALUE}).")
    long history;

    @Option(names = "--work-dir", description = "Where the kit's stack keeps its data and server.log, and the JSON report (default: "
            + BenchDefaults.WORK_DIR + " under the repository).")
    Path workDir;

    @Option(names = "--server-jar", description = "The executable server (default: " + BenchDefaults.SERVER_JAR + " under the repository).")
    Path serverJar;

    @Option(names = "--server-java-opts", defaultValue = "${env:LEDGER_JAVA_OPTS:-}",
            description = "JVM options of the server the kit starts (default: LEDGER_JAVA_OPTS, which ./ledger bench sets to ledger dev's).")
    String serverJavaOpts;

    @Option(names = "--url", description = "Target a running stack at http://host:port instead of starting one (needs --admin-key and --db-url).")
    String url;

    @Option(names = "--grpc-target", paramLabel = "HOST:PORT", description = "With --url: the stack's gRPC API, for grpc-unary and grpc-stream.")
    String grpcTarget;

    @Option(names = "--admin-key", description = "With --url: the operator key.")
    String adminKey;

    @Option(names = "--db-url", description = "With --url: the journal's JDBC URL (jdbc:postgresql://host:port/ledger).")
    String dbUrl;

    @Option(names = "--db-user", defaultValue = BenchDefaults.DB_USER, description = "With --url: the database user (default ${DEFAULT-VALUE}).")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "", description = "With --url: the database password (default: none).")
    String dbPassword;

    @Option(names = "--server-pid", description = "With --url: the server JVM's pid on this machine, for RSS and CPU figures.")
    Long serverPid;

    @Option(names = "--json-out", description = "Also write the JSON report here (default: <work-dir>/bench-<timestamp>.json).")
    Path jsonOut;

    @Option(names = "--request-timeout-ms", defaultValue = "" + BenchDefaults.REQUEST_TIMEOUT_MS,
            description = "A request without an answer after this is an unknown outcome (default ${DEFAULT-VALUE}).")
    int requestTimeoutMs;

    @Option(names = "--readiness-wait-seconds-max", defaultValue = "" + BenchDefaults.READINESS_WAIT_SECONDS_MAX,
            description = "Longest wait for the started server's readiness (default ${DEFAULT-VALUE}).")
    int readinessWaitSecondsMax;

    @Option(names = "--catch-up-seconds-max", defaultValue = "" + BenchDefaults.CATCH_UP_SECONDS_MAX,
            description = "After a run the read models must catch up within this (default ${DEFAULT-VALUE}).")
    int catchUpSecondsMax;

    @Option(names = "--setup-connections", defaultValue = "" + BenchDefaults.SETUP_CONNECTIONS,
            description = "Connections that open the accounts and load the history (default ${DEFAULT-VALUE}).")
    int setupConnections;

    @Option(names = "--seed", defaultValue = "" + BenchDefaults.SEED, description = "Seed of the random choices (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        BenchOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        var arguments = spec.commandLine().getParseResult().originalArgs();
        if (options.workloads().stream().anyMatch(BenchDefaults.WORKLOADS_CLUSTERS::contains)) {
            ClusterSuite.ClusterOptions clusterOptions;
            try {
                clusterOptions = clusterOptions(options);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            return new ClusterSuite(options, clusterOptions, arguments, System.out, System.err).run();
        }
        if (clusters != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clusters goes with the ledgers and cross-cluster workloads");
        }
        return new BenchSuite(options, arguments, System.out, System.err).run();
    }

    ClusterSuite.ClusterOptions clusterOptions(BenchOptions options) {
        if (!BenchDefaults.WORKLOADS_CLUSTERS.containsAll(options.workloads())) {
            throw new IllegalArgumentException("ledgers and cross-cluster run only with each other: each cluster count gets a stack of its own");
        }
        if (!options.ownStack()) {
            throw new IllegalArgumentException("ledgers and cross-cluster start their own stacks: --url does not go with them");
        }
        var counts = clusters == null || clusters.isEmpty() ? BenchDefaults.CLUSTER_COUNTS : List.copyOf(clusters);
        for (var n : counts) {
            positive("--clusters", n);
        }
        if (options.workloads().equals(List.of("cross-cluster")) && counts.stream().allMatch(n -> n < 2)) {
            throw new IllegalArgumentException("cross-cluster needs a --clusters count of 2 or more");
        }
        positive("--ledgers", ledgers);
        if (ledgers < 2) {
            throw new IllegalArgumentException("--ledgers is at least 2");
        }
        return new ClusterSuite.ClusterOptions(counts, ledgers);
    }

    BenchOptions options() {
        List<String> chosen = new ArrayList<>(workloads == null || workloads.isEmpty() ? BenchDefaults.WORKLOADS : workloads);
        for (var w : chosen) {
            if (!BenchDefaults.WORKLOADS_KNOWN.contains(w)) {
                throw new IllegalArgumentException("unknown workload '" + w + "'; known: " + String.join(", ", BenchDefaults.WORKLOADS_KNOWN));
            }
        }
        if (history > 0 && !chosen.contains("history-reads")) {
            chosen.add("history-reads");
        }
        if (chosen.contains("history-reads") && history <= 0) {
            throw new IllegalArgumentException("history-reads needs --history N (transfers to load first)");
        }
        boolean manyLedgers = chosen.stream().anyMatch(BenchDefaults.WORKLOADS_CLUSTERS::contains);
        int accounts = this.accounts != null ? this.accounts : manyLedgers ? BenchDefaults.LEDGER_ACCOUNTS : BenchDefaults.ACCOUNTS;
        positive("--accounts", accounts);
        if (accounts < dev.creditledger.bench.load.Accounts.ACCOUNTS_MIN) {
            throw new IllegalArgumentException("--accounts is at least " + dev.creditledger.bench.load.Accounts.ACCOUNTS_MIN);
        }
        positive("--clients", clients);
        positive("--batch-clients", batchClients);
        positive("--batch-size", batchSize);
        positive("--duration-seconds", durationSeconds);
        if (warmupSeconds < 0 || serverWarmupSeconds < 0) {
            throw new IllegalArgumentException("--warmup-seconds and --server-warmup-seconds are 0 or more");
        }
        positive("--repeat", repeat);
        if (serverWarmupSecondsMax < serverWarmupSeconds) {
            throw new IllegalArgumentException("--server-warmup-seconds-max is at least --server-warmup-seconds");
        }
        List<Integer> counts = curve == null ? List.of() : List.copyOf(curve);
        for (var n : counts) {
            positive("--curve", n);
        }
        positive("--connections-max", connectionsMax);
        positive("--step-seconds", stepSeconds);
        positive("--ramp-steps-max", rampStepsMax);
        positive("--setup-connections", setupConnections);
        positive("--request-timeout-ms", requestTimeoutMs);
        if (rate != null && !(rate > 0)) {
            throw new IllegalArgumentException("--rate is above 0");
        }
        if (!(rampStart > 0) || !(rampFactor > 1) || !(p99BoundMs > 0) || !(rampAchievedFractionMin > 0 && rampAchievedFractionMin <= 1)) {
            throw new IllegalArgumentException("the ramp needs --ramp-start > 0, --ramp-factor > 1, --p99-bound-ms > 0 and "
                    + "0 < --ramp-achieved-fraction-min <= 1");
        }
        if (url != null && (adminKey == null || dbUrl == null)) {
            throw new IllegalArgumentException("--url needs --admin-key and --db-url");
        }
        if (url == null && (adminKey != null || dbUrl != null || serverPid != null || grpcTarget != null)) {
            throw new IllegalArgumentException("--admin-key, --db-url, --server-pid and --grpc-target go with --url");
        }
        var grpcChosen = chosen.stream().filter(BenchDefaults.WORKLOADS_GRPC::contains).toList();
        if (url != null && grpcTarget == null && !grpcChosen.isEmpty()) {
            throw new IllegalArgumentException(String.join(" and ", grpcChosen) + " need the stack's gRPC API: with --url, give --grpc-target "
                    + "host:port (ledger dev serves it on 9090 unless started with --grpc-port)");
        }
        var grpc = new GrpcOptions(grpcTarget, streamClients, streamInFlight);
        var root = BenchMain.repositoryRoot();
        var dir = (workDir != null ? workDir : root.resolve(BenchDefaults.WORK_DIR)).toAbsolutePath().normalize();
        var jar = (serverJar != null ? serverJar : root.resolve(BenchDefaults.SERVER_JAR)).toAbsolutePath().normalize();
        return new BenchOptions(List.copyOf(chosen), accounts, clients, batchClients, batchSize, durationSeconds, warmupSeconds, serverWarmupSeconds, serverWarmupSecondsMax, counts, repeat, rate,
                connectionsMax, rampStart, rampFactor, stepSeconds, p99BoundMs, rampStepsMax, rampRateMax, rampAchievedFractionMin,
                drainSecondsMax, history, dir, jar, serverJavaOpts, url, adminKey, dbUrl, dbUser, dbPassword, serverPid, jsonOut,
                requestTimeoutMs, readinessWaitSecondsMax, catchUpSecondsMax, setupConnections, seed, grpc);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " is above 0, got " + value);
        }
    }
}
