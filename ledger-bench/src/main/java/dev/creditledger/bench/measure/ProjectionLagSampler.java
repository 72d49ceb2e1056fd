package dev.creditledger.bench.measure;

import dev.creditledger.bench.http.HttpConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Samples how far the read models trail the journal during a run: every {@link #SAMPLE_INTERVAL_MS},
 * on its own connection, it reads {@code Ledger-Projected-Seq} from {@code GET /v1/views/totals}.
 * Lag in sequences is the highest acknowledged sequence minus the projected one; lag in seconds is
 * now minus the acknowledgement time of the first acknowledged sequence above the projected one
 * (zero when every acknowledged change is projected). Samples count only while the measured window
 * is open.
 *
 * What can go wrong: a failed sample (timeout, 5xx, no header) is counted in {@link #failedSamples}
 * and skipped; the sample's own request takes time, so lag is known to within one interval plus one
 * request.
 */
public final class ProjectionLagSampler implements AutoCloseable {

    public static final long SAMPLE_INTERVAL_MS = 100;

    private final HttpConnection connection;
    private final AckLog acks;
    private final Thread thread;
    private final Latencies lagTime = new Latencies();
    private final Histogram lagSeqs = new Histogram(3);
    private volatile boolean running = true;
    private volatile boolean windowOpen;
    private volatile long failedSamples;
    private volatile long lastProjectedSeq = -1;

    public ProjectionLagSampler(HttpConnection connection, AckLog acks) {
        this.connection = connection;
        this.acks = acks;
        acks.tracking(true);
        this.thread = Thread.ofPlatform().daemon().name("bench-projection-lag").start(this::loop);
    }

    public void windowOpen(boolean open) {
        windowOpen = open;
    }

    private void loop() {
        long next = System.nanoTime();
        while (running) {
            next += SAMPLE_INTERVAL_MS * 1_000_000L;
            sample();
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void sample() {
        long projected;
        try {
            var response = connection.get("/v1/views/totals");
            if (response.status() != 200 || response.projectedSeq() < 0) {
                failedSamples++;
                return;
            }
            projected = response.projectedSeq();
        } catch (java.io.IOException e) {
            failedSamples++;
            return;
        }
        long now = System.nanoTime();
        lastProjectedSeq = projected;
        if (windowOpen) {
            synchronized (this) {
                lagSeqs.recordValue(Math.max(0, acks.highestSeq() - projected));
                lagTime.recordNanos(acks.firstAckAbove(projected).stream().map(t -> now - t).findFirst().orElse(0L));
            }
        }
        acks.forgetUpTo(projected);
    }

    public long lastProjectedSeq() {
        return lastProjectedSeq;
    }

    public long failedSamples() {
        return failedSamples;
    }

    /** Lag p50, p99 and max in seconds and in sequences (NaN without samples). */
    public synchronized Map<String, Double> figures() {
        var figures = new LinkedHashMap<String, Double>();
        figures.put("projectionLagP50Seconds", lagTime.percentileMs(50) / 1_000.0);
        figures.put("projectionLagP99Seconds", lagTime.percentileMs(99) / 1_000.0);
        figures.put("projectionLagMaxSeconds", lagTime.maxMs() / 1_000.0);
        boolean any = lagSeqs.getTotalCount() > 0;
        figures.put("projectionLagP50Seqs", any ? (double) lagSeqs.getValueAtPercentile(50) : Double.NaN);
        figures.put("projectionLagP99Seqs", any ? (double) lagSeqs.getValueAtPercentile(99) : Double.NaN);
        figures.put("projectionLagMaxSeqs", any ? (double) lagSeqs.getMaxValue() : Double.NaN);
        figures.put("projectionLagSamples", (double) lagSeqs.getTotalCount());
        return figures;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connection.close();
        acks.tracking(false);
    }
}
