package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.ClosedLoop;
import dev.creditledger.bench.load.LoadResult;
import dev.creditledger.bench.load.Tally;
import dev.creditledger.bench.load.WindowListener;
import dev.creditledger.bench.measure.Latencies;
import java.util.ArrayList;
import java.util.List;

/**
 * The load of {@code grpc-stream}: {@code streams} {@link StreamClient}s, each on its own thread and channel, each
 * keeping up to its window of transfers unanswered, for the warm-up and then the measured window. Like the closed
 * loop, an answer that arrives inside the window is measured and every answer is counted; throughput is transfers
 * accepted inside the window per second. Concurrency is {@code streams × inFlightMax} transfers, so latencies
 * include the queueing that many outstanding transfers cause.
 */
public final class StreamLoop {
    private StreamLoop() {}

    /** Makes stream number {@code index} (its channel, random numbers and key prefix). */
    @FunctionalInterface
    public interface StreamFactory {
        StreamClient create(int index);
    }

    public static LoadResult run(GrpcStreamWorkload workload, int streams, long warmupNanos, long durationNanos, long answerTimeoutNanos,
                                 StreamFactory factory, WindowListener listener) throws Exception {
        List<StreamClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < streams; i++) {
                clients.add(factory.create(i));
            }
        } catch (RuntimeException e) {
            clients.forEach(StreamClient::close);
            throw e;
        }
        long start = System.nanoTime();
        long windowStart = start + warmupNanos;
        long windowEnd = windowStart + durationNanos;
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            var client = clients.get(i);
            threads.add(Thread.ofPlatform().name("bench-stream-" + i).start(() -> {
                try {
                    client.run(windowStart, windowEnd, answerTimeoutNanos);
                } catch (InterruptedException | RuntimeException e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            }));
        }
        ClosedLoop.sleepUntil(windowStart);
        listener.opened();
        ClosedLoop.sleepUntil(windowEnd);
        listener.closed();
        for (var t : threads) {
            t.join();
        }
        long stopped = System.nanoTime();
        clients.forEach(StreamClient::close);
        if (!errors.isEmpty()) {
            throw new IllegalStateException("a stream of " + workload.name() + " failed in the kit: " + errors.getFirst(), errors.getFirst());
        }
        var window = new Tally(1);
        var total = new Tally(1);
        var latencies = new Latencies();
        for (var c : clients) {
            window.add(c.window());
            total.add(c.total());
            latencies.add(c.latencies());
        }
        double seconds = durationNanos / 1e9;
        return new LoadResult(workload.name(), workload.series(), workload.unit(), "stream", streams, Double.NaN, List.of(latencies), window,
                total, seconds, window.units() / seconds, stopped, 0);
    }
}
