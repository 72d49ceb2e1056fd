package dev.creditledger.bench.load;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.bench.measure.Latencies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Loads a history before the {@code history-reads} measurement: {@code transfers} random transfers
 * through {@code POST /v1/transfers/batch} in batches of {@code batchSize} (the last one smaller), over
 * a few connections, as fast as the service takes them. Returns the load as a {@link LoadResult} (its
 * window is the whole load) and the instants it started and ended, between which point-in-time
 * balances are asked.
 */
public final class HistoryLoader {

    public record Loaded(LoadResult result, Instant start, Instant end) {}

    private HistoryLoader() {}

    public static Loaded load(Accounts accounts, long transfers, int batchSize, int connectionCount, IntFunction<HttpConnection> connections,
                              AckLog acks, String keyPrefix, long seed, WindowListener listener) throws InterruptedException {
        long fullBatches = transfers / batchSize;
        int remainder = (int) (transfers % batchSize);
        long batches = fullBatches + (remainder > 0 ? 1 : 0);
        var full = new BatchWorkload(accounts, batchSize);
        var last = remainder > 0 ? new BatchWorkload(accounts, remainder) : null;
        var next = new AtomicLong();
        List<Tally> tallies = new ArrayList<>();
        List<Latencies> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        var start = Instant.now();
        long startNanos = System.nanoTime();
        listener.opened();
        for (int c = 0; c < connectionCount; c++) {
            var tally = new Tally(1);
            var latency = new Latencies();
            tallies.add(tally);
            latencies.add(latency);
            var connection = connections.apply(c);
            var random = new SplittableRandom(seed + c);
            var fullClient = new ClientContext(full, connection, random, acks, keyPrefix + "c" + c);
            var lastClient = last == null ? null : new ClientContext(last, connection, random, acks, keyPrefix + "c" + c + "last");
            threads.add(Thread.ofPlatform().name("bench-history-" + c).start(() -> {
                var outcome = new OpOutcome();
                for (long b = next.getAndIncrement(); b < batches; b = next.getAndIncrement()) {
                    outcome.reset();
                    long sent = System.nanoTime();
                    (b < fullBatches ? fullClient : lastClient).execute(outcome);
                    latency.recordNanos(System.nanoTime() - sent);
                    tally.add(outcome);
                }
                connection.close();
            }));
        }
        for (var t : threads) {
            t.join();
        }
        listener.closed();
        long stopped = System.nanoTime();
        var end = Instant.now();
        var total = new Tally(1);
        tallies.forEach(total::add);
        var all = new Latencies();
        latencies.forEach(all::add);
        double seconds = (stopped - startNanos) / 1e9;
        var result = new LoadResult("history-load", List.of("batch"), "transfers", "load", connectionCount, Double.NaN, List.of(all), total,
                total, seconds, total.units() / seconds, stopped, connectionCount);
        return new Loaded(result, start, end);
    }
}
