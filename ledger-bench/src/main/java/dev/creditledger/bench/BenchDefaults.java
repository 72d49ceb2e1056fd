package dev.creditledger.bench;

import java.util.List;

/**
 * Every default and limit of {@code ledger-bench run}, named with its unit, in one place; the options
 * of {@link RunCommand} and {@code --help} show them. The full suite with these defaults takes about
 * 25 minutes; the smoke test and the documented sanity run use much smaller values.
 */
public final class BenchDefaults {
    private BenchDefaults() {}

    /** The default suite, in the order of a repetition ({@code history-reads} joins when {@code --history} is above 0). */
    public static final List<String> WORKLOADS = List.of("latency", "random", "hot", "ramp", "batch", "multileg", "holds", "reads");
    public static final List<String> WORKLOADS_KNOWN = List.of("latency", "random", "hot", "ramp", "batch", "multileg", "holds", "reads",
            "history-reads", "grpc-unary", "grpc-stream", "ledgers", "cross-cluster");
    /** Workloads over many ledgers on one stack per cluster count ({@link ClusterSuite}); they run only with each other. */
    public static final List<String> WORKLOADS_CLUSTERS = List.of("ledgers", "cross-cluster");
    /** The cluster counts of {@link #WORKLOADS_CLUSTERS}, each on a fresh stack. */
    public static final List<Integer> CLUSTER_COUNTS = List.of(1, 3);
    /** Ledgers of {@link #WORKLOADS_CLUSTERS}, placed by the service over the clusters. */
    public static final int LEDGERS = 30;
    /** Accounts per ledger of {@link #WORKLOADS_CLUSTERS} (unless --accounts is given). */
    public static final int LEDGER_ACCOUNTS = 100;
    /** Workloads over the gRPC API: they need the stack's gRPC target (the kit's own stack has one; an external one needs --grpc-target). */
    public static final List<String> WORKLOADS_GRPC = List.of("grpc-unary", "grpc-stream");
    /** Workloads measured beside the baseline (the same work as one transaction per transfer). */
    public static final List<String> WORKLOADS_COMPARED = List.of("latency", "random", "hot");
    /** The {@code latency} workload: random transfers from one client, one request at a time, beside the baseline at one client. */
    public static final int LATENCY_CLIENTS = 1;

    public static final int ACCOUNTS = 1_000;
    public static final int CLIENTS = 64;
    public static final int BATCH_CLIENTS = 4;
    /** {@code grpc-stream}: concurrent StreamTransfers calls, each on its own channel. */
    public static final int STREAM_CLIENTS = 4;
    /** {@code grpc-stream}: requests a stream keeps sent and unanswered. */
    public static final int STREAM_IN_FLIGHT = 256;
    /** The server's limit per stream (beyond it the server stops reading, docs/grpc.md): a window above it could never fill. */
    public static final int STREAM_IN_FLIGHT_MAX = dev.creditledger.core.Limits.STREAM_TRANSFERS_IN_FLIGHT_MAX;
    public static final int BATCH_SIZE = 1_000;
    public static final int DURATION_SECONDS = 30;
    public static final int WARMUP_SECONDS = 10;
    /**
     * Unmeasured random transfers once, before the first run, so that the server's JIT has compiled the
     * hot paths: a fresh JVM spends a third of its CPU in the JIT compiler during its first minute of load.
     */
    public static final int SERVER_WARMUP_SECONDS = 60;
    /**
     * After {@link #SERVER_WARMUP_SECONDS}, the warm-up goes on in slices of {@link #JIT_SLICE_SECONDS} until the server's JIT
     * compiler threads used at most {@link #JIT_SETTLED_CORE_SHARE_MAX} of one core over a slice, or until this many seconds in all.
     */
    public static final int SERVER_WARMUP_SECONDS_MAX = 300;
    public static final int JIT_SLICE_SECONDS = 10;
    public static final double JIT_SETTLED_CORE_SHARE_MAX = 0.03;
    public static final int REPEAT = 3;
    public static final int CONNECTIONS_MAX = 128;
    public static final double RAMP_START_PER_SECOND = 250;
    public static final double RAMP_FACTOR = 1.5;
    public static final int STEP_SECONDS = 5;
    public static final double P99_BOUND_MS = 25;
    public static final int RAMP_STEPS_MAX = 20;
    public static final double RAMP_RATE_MAX_PER_SECOND = 200_000;
    public static final double RAMP_ACHIEVED_FRACTION_MIN = 0.95;
    public static final int DRAIN_SECONDS_MAX = 5;
    public static final long HISTORY = 0;
    public static final int REQUEST_TIMEOUT_MS = 35_000; // longer than the server's ledger.write-timeout-ms (30 s), so it answers first
    public static final int READINESS_WAIT_SECONDS_MAX = 180;
    public static final int CATCH_UP_SECONDS_MAX = 120;
    /** The slowest projector the kit waits for after a --history load: the catch-up limit grows by one second per this many entries. */
    public static final int HISTORY_CATCH_UP_SEQS_PER_SECOND_MIN = 1_000;
    public static final int VERIFY_TIMEOUT_MS = 600_000;
    public static final int SETUP_CONNECTIONS = 4;
    public static final long SEED = 20_261_202L;
    public static final String WORK_DIR = ".ledger/bench";
    public static final String SERVER_JAR = "ledger-dev/target/ledger-dev-exec.jar";
    public static final String DB_USER = "postgres";
}
