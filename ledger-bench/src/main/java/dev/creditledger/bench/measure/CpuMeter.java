package dev.creditledger.bench.measure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * CPU used during a measured window by three parties that share the machine: the server JVM (all its
 * threads), PostgreSQL (the postmaster and every process under it, including backends that ended and
 * were reaped) and this bench JVM. A snapshot is taken when the window opens and when it closes; the
 * figures are the differences, in seconds and per unit of work.
 *
 * What can go wrong: with an unknown pid (a remote server, no {@code --server-pid}, a database on
 * another machine) that party's figures are NaN rather than zero. The postmaster is not a child of the
 * server JVM ({@code pg_ctl} detaches it), so it is found from a database backend's parent pid.
 */
public final class CpuMeter {

    public record Snapshot(double serverSeconds, double postgresSeconds, double benchSeconds, long nanos) {}

    private final OptionalLong serverPid;
    private final OptionalLong postmasterPid;
    private final long benchPid = ProcessHandle.current().pid();

    public CpuMeter(OptionalLong serverPid, OptionalLong postmasterPid) {
        this.serverPid = serverPid;
        this.postmasterPid = postmasterPid;
    }

    public Snapshot snapshot() {
        double server = serverPid.isPresent() ? ProcStat.cpu(serverPid.getAsLong()).map(ProcStat.Cpu::ownSeconds).orElse(Double.NaN)
                : Double.NaN;
        double postgres = postmasterPid.isPresent() ? ProcStat.treeCpuSeconds(postmasterPid.getAsLong()) : Double.NaN;
        double bench = ProcStat.cpu(benchPid).map(ProcStat.Cpu::ownSeconds).orElse(Double.NaN);
        return new Snapshot(server, postgres, bench, System.nanoTime());
    }

    /** CPU seconds of each party between two snapshots, and milliseconds per unit of work (NaN without work). */
    public static Map<String, Double> figures(Snapshot start, Snapshot end, long units) {
        var figures = new LinkedHashMap<String, Double>();
        double server = end.serverSeconds() - start.serverSeconds();
        double postgres = end.postgresSeconds() - start.postgresSeconds();
        double bench = end.benchSeconds() - start.benchSeconds();
        figures.put("cpuServerSeconds", server);
        figures.put("cpuPostgresSeconds", postgres);
        figures.put("cpuBenchSeconds", bench);
        figures.put("cpuServerMsPerUnit", perUnitMs(server, units));
        figures.put("cpuPostgresMsPerUnit", perUnitMs(postgres, units));
        figures.put("cpuBenchMsPerUnit", perUnitMs(bench, units));
        return figures;
    }

    private static double perUnitMs(double seconds, long units) {
        return units > 0 ? seconds * 1_000.0 / units : Double.NaN;
    }
}
