package dev.creditledger.bench.load;

import dev.creditledger.bench.measure.Latencies;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a load loop measured: latencies per series and counts for the measured window, counts for the
 * whole run (warm-up included, which is what the journal check needs), and the rate achieved.
 *
 * @param targetRatePerSecond the open loop's rate, NaN for a closed loop
 * @param unitsPerSecond      units completed inside the window per second of the window
 * @param writersStoppedNanos when the last client stopped ({@link System#nanoTime()})
 */
public record LoadResult(String workload, List<String> series, String unit, String loop, int clients, double targetRatePerSecond,
                         List<Latencies> latencies, Tally window, Tally total, double windowSeconds, double unitsPerSecond,
                         long writersStoppedNanos, long socketsOpened) {

    /**
     * This result with the whole-run counts of earlier loads added (the ramp's steps before its half-rate
     * run), so the journal check compares the journal with everything those loads acknowledged.
     */
    public LoadResult plusEarlierLoads(List<LoadResult> earlier) {
        var sum = new Tally(series.size());
        sum.add(total);
        earlier.forEach(r -> sum.add(r.total()));
        return new LoadResult(workload, series, unit, loop, clients, targetRatePerSecond, latencies, window, sum, windowSeconds,
                unitsPerSecond, writersStoppedNanos, socketsOpened + earlier.stream().mapToLong(LoadResult::socketsOpened).sum());
    }

    /** All series together. */
    public Latencies allLatencies() {
        var all = new Latencies();
        latencies.forEach(all::add);
        return all;
    }

    /** Throughput and percentiles; with several series, each series' too (prefixed by its name). */
    public Map<String, Double> figures() {
        var figures = new LinkedHashMap<String, Double>();
        figures.put("throughputPerSecond", unitsPerSecond);
        figures.putAll(allLatencies().percentiles("latency"));
        if (series.size() > 1) {
            for (int i = 0; i < series.size(); i++) {
                figures.put(series.get(i) + "PerSecond", window.unitsBySeries[i] / windowSeconds);
                figures.putAll(latencies.get(i).percentiles(series.get(i)));
            }
        }
        if (!Double.isNaN(targetRatePerSecond)) {
            figures.put("targetRatePerSecond", targetRatePerSecond);
        }
        return figures;
    }
}
