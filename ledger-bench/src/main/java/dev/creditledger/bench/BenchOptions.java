package dev.creditledger.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of one {@code run}, immutable, as {@link RunCommand} parsed them (defaults in
 * {@link BenchDefaults}). {@code rate} is null for closed loops; {@code url} null means the kit starts its
 * own stack. {@code grpc} holds the gRPC workloads' options. {@code curve} is empty unless {@code random} and {@code hot} run at several client counts.
 */
public record BenchOptions(List<String> workloads, int accounts, int clients, int batchClients, int batchSize, int durationSeconds,
                           int warmupSeconds, int serverWarmupSeconds, int serverWarmupSecondsMax, List<Integer> curve, int repeat, Double rate, int connectionsMax, double rampStart, double rampFactor,
                           int stepSeconds, double p99BoundMs, int rampStepsMax, double rampRateMax, double rampAchievedFractionMin,
                           int drainSecondsMax, long history, Path workDir, Path serverJar, String serverJavaOpts, String url,
                           String adminKey, String dbUrl, String dbUser, String dbPassword, Long serverPid, Path jsonOut,
                           int requestTimeoutMs, int readinessWaitSecondsMax, int catchUpSecondsMax, int setupConnections, long seed,
                           GrpcOptions grpc) {

    public boolean ownStack() {
        return url == null;
    }

    public long warmupNanos() {
        return warmupSeconds * 1_000_000_000L;
    }

    /** The client counts of a compared closed-loop workload: {@code --curve}, or {@code --clients} alone. */
    public List<Integer> clientCounts(String workload) {
        if (workload.equals("latency")) {
            return List.of(BenchDefaults.LATENCY_CLIENTS);
        }
        return curve.isEmpty() ? List.of(clients) : curve;
    }

    public long durationNanos() {
        return durationSeconds * 1_000_000_000L;
    }

    /** Every option with its value, for the report (the database password is not shown). */
    public Map<String, Object> describe() {
        var d = new LinkedHashMap<String, Object>();
        d.put("workloads", workloads);
        d.put("accounts", accounts);
        d.put("clients", clients);
        d.put("batchClients", batchClients);
        d.put("batchSize", batchSize);
        d.put("durationSeconds", durationSeconds);
        d.put("warmupSeconds", warmupSeconds);
        d.put("serverWarmupSeconds", serverWarmupSeconds);
        d.put("serverWarmupSecondsMax", serverWarmupSecondsMax);
        d.put("curve", curve);
        d.put("repeat", repeat);
        d.put("rate", rate);
        d.put("connectionsMax", connectionsMax);
        d.put("rampStart", rampStart);
        d.put("rampFactor", rampFactor);
        d.put("stepSeconds", stepSeconds);
        d.put("p99BoundMs", p99BoundMs);
        d.put("rampStepsMax", rampStepsMax);
        d.put("rampRateMax", rampRateMax);
        d.put("rampAchievedFractionMin", rampAchievedFractionMin);
        d.put("drainSecondsMax", drainSecondsMax);
        d.put("history", history);
        d.put("workDir", workDir.toString());
        d.put("serverJar", serverJar.toString());
        d.put("serverJavaOpts", serverJavaOpts);
        d.put("url", url);
        d.put("dbUrl", dbUrl);
        d.put("dbUser", dbUser);
        d.put("serverPid", serverPid);
        d.put("jsonOut", jsonOut == null ? null : jsonOut.toString());
        d.put("requestTimeoutMs", requestTimeoutMs);
        d.put("readinessWaitSecondsMax", readinessWaitSecondsMax);
        d.put("catchUpSecondsMax", catchUpSecondsMax);
        d.put("setupConnections", setupConnections);
        d.put("seed", seed);
        d.put("grpcTarget", grpc.target());
        d.put("streamClients", grpc.streamClients());
        d.put("streamInFlight", grpc.streamInFlight());
        return d;
    }
}
