package dev.creditledger.bench.report;

import java.util.List;

/**
 * The figures the table shows, in order, with their labels. The JSON holds every figure; the table
 * shows these (and, for workloads with several latency series, each series' throughput and p99).
 */
public final class Metrics {

    public record Metric(String key, String label) {}

    public static final List<Metric> TABLE = List.of(
            new Metric("throughputPerSecond", "throughput (%s/s)"),
            new Metric("rampHighestSustainedPerSecond", "highest rate within p99 bound (/s)"),
            new Metric("latencyP50Ms", "latency p50 (ms)"),
            new Metric("latencyP90Ms", "latency p90 (ms)"),
            new Metric("latencyP99Ms", "latency p99 (ms)"),
            new Metric("latencyP999Ms", "latency p99.9 (ms)"),
            new Metric("latencyMaxMs", "latency max (ms)"),
            new Metric("journalBytesPerEntry", "journal bytes per entry"),
            new Metric("cpuServerMsPerUnit", "server CPU ms per unit"),
            new Metric("cpuPostgresMsPerUnit", "PostgreSQL CPU ms per unit"),
            new Metric("cpuBenchMsPerUnit", "bench CPU ms per unit"),
            new Metric("serverRssMaxMiB", "server RSS max (MiB)"),
            new Metric("serverRssEndMiB", "server RSS at end (MiB)"),
            new Metric("projectionLagP50Seconds", "projection lag p50 (s)"),
            new Metric("projectionLagP99Seconds", "projection lag p99 (s)"),
            new Metric("projectionLagMaxSeconds", "projection lag max (s)"),
            new Metric("projectionLagP99Seqs", "projection lag p99 (seqs)"),
            new Metric("projectionLagMaxSeqs", "projection lag max (seqs)"),
            new Metric("catchUpSeconds", "read models caught up after (s)"),
            new Metric("projectorApplyRatePerSecond", "projector catch-up rate (seqs/s)"),
            new Metric("loadSeconds", "load time (s)"),
            new Metric("loadAverage1m", "load average (1 min)"));

    private Metrics() {}
}
