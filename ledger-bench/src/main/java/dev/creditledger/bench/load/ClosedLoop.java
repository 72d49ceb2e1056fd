package dev.creditledger.bench.load;

import dev.creditledger.bench.measure.Latencies;
import java.util.ArrayList;
import java.util.List;

/**
 * The closed loop: {@code clients} threads, each with its own connection, each sending its next
 * request when the previous one answered, for the warm-up and then the measured window. Latency is
 * from send to answer; operations that complete inside the window are measured, all are counted.
 *
 * What can go wrong: a closed loop slows down with the server, so its latencies hide queueing
 * (coordinated omission); it measures capacity at a concurrency, and {@link OpenLoop} measures
 * latency at a rate. A client blocked in a request past the window's end is waited for (at most the
 * request timeout).
 */
public final class ClosedLoop {
    private ClosedLoop() {}

    public static LoadResult run(Workload workload, int clients, long warmupNanos, long durationNanos, ClientFactory factory,
                                 WindowListener listener) throws Exception {
        int seriesCount = workload.series().size();
        List<Worker> workers = new ArrayList<>();
        for (var client : createAll(factory, clients)) {
            workers.add(new Worker(client, seriesCount));
        }
        long start = System.nanoTime();
        long windowStart = start + warmupNanos;
        long windowEnd = windowStart + durationNanos;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            var worker = workers.get(i);
            threads.add(Thread.ofPlatform().name("bench-client-" + i).start(() -> worker.run(windowStart, windowEnd)));
        }
        sleepUntil(windowStart);
        listener.opened();
        sleepUntil(windowEnd);
        listener.closed();
        for (var t : threads) {
            t.join();
        }
        long stopped = System.nanoTime();
        var window = new Tally(seriesCount);
        var total = new Tally(seriesCount);
        List<Latencies> latencies = new ArrayList<>();
        for (int s = 0; s < seriesCount; s++) {
            latencies.add(new Latencies());
        }
        long sockets = 0;
        for (var w : workers) {
            window.add(w.window);
            total.add(w.total);
            for (int s = 0; s < seriesCount; s++) {
                latencies.get(s).add(w.latencies[s]);
            }
            sockets += w.client.socketsOpened();
            w.client.close();
        }
        double seconds = durationNanos / 1e9;
        return new LoadResult(workload.name(), workload.series(), workload.unit(), "closed", clients, Double.NaN, latencies, window,
                total, seconds, window.units() / seconds, stopped, sockets);
    }

    /** Creates every client, or none: if one cannot be created, those already made are closed. */
    static List<LoadClient> createAll(ClientFactory factory, int count) throws Exception {
        List<LoadClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                clients.add(factory.create(i));
            }
            return clients;
        } catch (Exception e) {
            clients.forEach(LoadClient::close);
            throw e;
        }
    }

    public static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(left / 1_000_000L, (int) (left % 1_000_000L));
        }
    }

    private static final class Worker {
        final LoadClient client;
        final Tally window;
        final Tally total;
        final Latencies[] latencies;

        Worker(LoadClient client, int seriesCount) {
            this.client = client;
            this.window = new Tally(seriesCount);
            this.total = new Tally(seriesCount);
            this.latencies = new Latencies[seriesCount];
            for (int s = 0; s < seriesCount; s++) {
                latencies[s] = new Latencies();
            }
        }

        void run(long windowStart, long windowEnd) {
            var outcome = new OpOutcome();
            long now = System.nanoTime();
            while (now < windowEnd) {
                outcome.reset();
                long sent = now;
                client.execute(outcome);
                now = System.nanoTime();
                total.add(outcome);
                if (now >= windowStart && now < windowEnd) {
                    window.add(outcome);
                    latencies[outcome.series].recordNanos(now - sent);
                }
            }
        }
    }
}
