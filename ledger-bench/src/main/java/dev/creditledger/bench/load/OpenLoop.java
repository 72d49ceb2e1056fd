package dev.creditledger.bench.load;

import dev.creditledger.bench.measure.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The open loop: requests at a fixed rate, each with an intended send time from
 * {@link OpenLoopSchedule}, over up to {@code connectionsMax} connections. Each connection's thread takes
 * the next request number, waits for its intended time and sends it; when every connection is busy
 * the next request waits for one, and its latency keeps counting from the intended time.
 *
 * Requests intended inside the measured window are measured; the achieved rate counts units
 * completed inside the window. After the window, requests intended inside it that are still waiting
 * are sent for at most {@code drainNanosMax}; any left then are never sent, and each is recorded with
 * the time it had waited so far (a lower bound) and counted as unsent, which fails a ramp step.
 *
 * What can go wrong: the bench shares the cores with the server, so a send can start a little after
 * its intended time even with idle connections; that delay counts as latency, which is the honest
 * choice.
 */
public final class OpenLoop {
    private OpenLoop() {}

    public static final long START_DELAY_NANOS = 50_000_000L;

    public static LoadResult run(Workload workload, double ratePerSecond, int connectionsMax, long warmupNanos, long durationNanos,
                                 long drainNanosMax, ClientFactory factory, WindowListener listener) throws Exception {
        int seriesCount = workload.series().size();
        List<Worker> workers = new ArrayList<>();
        for (var client : ClosedLoop.createAll(factory, connectionsMax)) {
            try {
                client.connect();
            } catch (java.io.IOException e) {
                // The first request will try again and count the failure.
            }
            workers.add(new Worker(client, seriesCount));
        }
        long start = System.nanoTime() + START_DELAY_NANOS;
        var schedule = new OpenLoopSchedule(start, ratePerSecond);
        long windowStart = start + warmupNanos;
        long windowEnd = windowStart + durationNanos;
        long drainDeadline = windowEnd + drainNanosMax;
        var next = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connectionsMax; i++) {
            var worker = workers.get(i);
            threads.add(Thread.ofPlatform().name("bench-open-" + i)
                    .start(() -> worker.run(schedule, next, windowStart, windowEnd, drainDeadline)));
        }
        ClosedLoop.sleepUntil(windowStart);
        listener.opened();
        ClosedLoop.sleepUntil(windowEnd);
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
        long completedUnits = 0;
        long sockets = 0;
        for (var w : workers) {
            window.add(w.window);
            total.add(w.total);
            completedUnits += w.unitsCompletedInWindow;
            for (int s = 0; s < seriesCount; s++) {
                latencies.get(s).add(w.latencies[s]);
            }
            sockets += w.client.socketsOpened();
            w.client.close();
        }
        double seconds = durationNanos / 1e9;
        return new LoadResult(workload.name(), workload.series(), workload.unit(), "open", connectionsMax, ratePerSecond, latencies,
                window, total, seconds, completedUnits / seconds, stopped, sockets);
    }

    private static final class Worker {
        final LoadClient client;
        final Tally window;
        final Tally total;
        final Latencies[] latencies;
        long unitsCompletedInWindow;

        Worker(LoadClient client, int seriesCount) {
            this.client = client;
            this.window = new Tally(seriesCount);
            this.total = new Tally(seriesCount);
            this.latencies = new Latencies[seriesCount];
            for (int s = 0; s < seriesCount; s++) {
                latencies[s] = new Latencies();
            }
        }

        void run(OpenLoopSchedule schedule, AtomicLong next, long windowStart, long windowEnd, long drainDeadline) {
            var outcome = new OpOutcome();
            while (true) {
                long intended = schedule.intendedNanos(next.getAndIncrement());
                if (intended >= windowEnd) {
                    return;
                }
                long now;
                while ((now = System.nanoTime()) < intended) {
                    LockSupport.parkNanos(intended - now);
                }
                boolean measured = intended >= windowStart;
                if (now >= drainDeadline) {
                    total.unsent++;
                    if (measured) {
                        window.unsent++;
                        latencies[0].recordNanos(OpenLoopSchedule.latencyNanos(intended, now));
                    }
                    continue;
                }
                outcome.reset();
                client.execute(outcome);
                long answered = System.nanoTime();
                total.add(outcome);
                if (measured) {
                    window.add(outcome);
                    latencies[outcome.series].recordNanos(OpenLoopSchedule.latencyNanos(intended, answered));
                }
                if (answered >= windowStart && answered < windowEnd) {
                    unitsCompletedInWindow += outcome.units;
                }
            }
        }
    }
}
