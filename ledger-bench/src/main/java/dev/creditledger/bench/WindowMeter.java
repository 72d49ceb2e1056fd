package dev.creditledger.bench;

import dev.creditledger.bench.load.WindowListener;
import dev.creditledger.bench.measure.CpuMeter;
import dev.creditledger.bench.measure.ProcStat;
import dev.creditledger.bench.measure.ProjectionLagSampler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What happens when a measured window opens and closes: CPU snapshots, the load average at the close,
 * and the projection-lag sampler's window. One per run.
 *
 * What can go wrong: a run whose window never opened (it failed first) has no CPU figures.
 */
final class WindowMeter implements WindowListener {

    private final CpuMeter cpu;
    private final ProjectionLagSampler lag;
    private volatile CpuMeter.Snapshot start;
    private volatile CpuMeter.Snapshot end;
    private volatile double loadAverage1m = Double.NaN;

    WindowMeter(CpuMeter cpu, ProjectionLagSampler lag) {
        this.cpu = cpu;
        this.lag = lag;
    }

    @Override
    public void opened() {
        start = cpu.snapshot();
        if (lag != null) {
            lag.windowOpen(true);
        }
    }

    @Override
    public void closed() {
        end = cpu.snapshot();
        if (lag != null) {
            lag.windowOpen(false);
        }
        loadAverage1m = ProcStat.loadAverage().map(l -> l[0]).orElse(Double.NaN);
    }

    Map<String, Double> figures(long units) {
        var figures = new LinkedHashMap<String, Double>();
        if (start != null && end != null) {
            figures.putAll(CpuMeter.figures(start, end, units));
        }
        figures.put("loadAverage1m", loadAverage1m);
        return figures;
    }
}
