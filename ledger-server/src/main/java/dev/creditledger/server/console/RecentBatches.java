package dev.creditledger.server.console;

import dev.creditledger.postgres.EngineListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The posting engine's last {@link #BATCHES_MAX} batches on this instance, for the operator console: when each
 * ended, how many submissions and commands it held, how long it took and whether it committed. It listens to the
 * same engine callbacks as the metrics; a bounded ring in memory, so it costs a few objects per batch and holds
 * nothing after a restart. The engine does not say how many ledgers a batch touched, so that is not recorded.
 * Called on batcher threads: each call takes one short lock.
 */
public final class RecentBatches implements EngineListener {

    /** Batches remembered; the oldest is dropped when a new one ends. */
    public static final int BATCHES_MAX = 50;

    public enum Outcome { COMMITTED, FAILED }

    /** One batch as the console shows it. */
    /** @param durationMs from the batch's first lock to its commit; null for a failed batch (the engine does not time those) */
    public record Batch(Instant at, int submissions, int commands, Double durationMs, Outcome outcome) {}

    private final Clock clock;
    private final ArrayDeque<Batch> batches = new ArrayDeque<>(BATCHES_MAX);

    public RecentBatches(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void batchCommitted(int submissions, int commands, long durationNanos) {
        add(new Batch(clock.instant(), submissions, commands, durationNanos / 1_000_000.0, Outcome.COMMITTED));
    }

    @Override
    public void batchFailed(int submissions, int commands, Throwable cause) {
        add(new Batch(clock.instant(), submissions, commands, null, Outcome.FAILED));
    }

    private synchronized void add(Batch batch) {
        if (batches.size() == BATCHES_MAX) {
            batches.removeFirst();
        }
        batches.addLast(batch);
    }

    /** The remembered batches, newest first. */
    public synchronized List<Batch> newestFirst() {
        var list = new ArrayList<Batch>(batches.size());
        batches.descendingIterator().forEachRemaining(list::add);
        return list;
    }
}
