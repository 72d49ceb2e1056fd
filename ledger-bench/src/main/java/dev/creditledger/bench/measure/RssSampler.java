package dev.creditledger.bench.measure;

import java.util.OptionalLong;

/**
 * Samples the server JVM's resident set size ({@code VmRSS}) every {@link #SAMPLE_INTERVAL_MS} on a
 * daemon thread, keeping the maximum and the last value.
 *
 * What can go wrong: with no server pid, or a process that ended, nothing is sampled and both figures
 * are -1; the maximum can miss a peak shorter than the interval.
 */
public final class RssSampler implements AutoCloseable {

    public static final long SAMPLE_INTERVAL_MS = 1_000;

    private final OptionalLong pid;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long maxBytes = -1;
    private volatile long lastBytes = -1;

    public RssSampler(OptionalLong pid) {
        this.pid = pid;
        this.thread = Thread.ofPlatform().daemon().name("bench-rss").unstarted(this::loop);
        if (pid.isPresent()) {
            sample();
            thread.start();
        }
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    private void sample() {
        long rss = ProcStat.rssBytes(pid.getAsLong());
        if (rss > 0) {
            lastBytes = rss;
            maxBytes = Math.max(maxBytes, rss);
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long lastBytes() {
        return lastBytes;
    }

    /** Stops sampling after one last sample, so "at end" is the value when the run ended. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        if (pid.isPresent()) {
            sample();
        }
    }
}
