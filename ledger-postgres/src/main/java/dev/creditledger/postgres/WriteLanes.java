package dev.creditledger.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The posting engine's queues: one lane per ledger, and a queue of the lanes that have work and no writer.
 * A lane is held by at most one writer at a time, so batches of one ledger never wait for each other inside
 * this process (they serialise on the ledger's row lock only against other instances), and a writer takes
 * EVERYTHING queued for its ledger, up to the batch limit, in arrival order. A lone submission finds its lane
 * idle and is handed to a waiting writer at once: nothing waits for company.
 *
 * How it works: {@link #offer} appends to the ledger's lane and, when the lane was idle, marks it scheduled
 * and puts it on the ready queue. A writer {@link #takeReady takes} a lane, {@link #drain drains} it and, after
 * its batch, {@link #release releases} it: back to the end of the ready queue when more arrived meanwhile (so
 * several busy ledgers take turns), otherwise idle. The re-check after marking a lane idle closes the race
 * with an offer that saw it scheduled. Lanes are never removed: there is one per ledger that ever wrote here.
 *
 * What can go wrong: {@link #offer} refuses (returns false) when {@code waitingMax} items are waiting in
 * all lanes together.
 *
 * @param <T> a queued item; {@code size} says how many commands it holds
 */
final class WriteLanes<T> {

    /** One ledger's queue; {@code scheduled} while it is on the ready queue or held by a writer. */
    static final class Lane<T> {
        private final UUID ledgerId;
        private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        private Lane(UUID ledgerId) {
            this.ledgerId = ledgerId;
        }

        UUID ledgerId() {
            return ledgerId;
        }
    }

    private final int waitingMax;
    private final ToIntFunction<T> size;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentHashMap<UUID, Lane<T>> lanes = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Lane<T>> ready = new LinkedBlockingQueue<>();

    WriteLanes(int waitingMax, ToIntFunction<T> size) {
        this.waitingMax = waitingMax;
        this.size = size;
    }

    /** Queues an item in its ledger's lane; false when {@code waitingMax} items are waiting already. */
    boolean offer(UUID ledgerId, T item) {
        if (waiting.incrementAndGet() > waitingMax) {
            waiting.decrementAndGet();
            return false;
        }
        var lane = lanes.computeIfAbsent(ledgerId, Lane::new);
        lane.items.add(item);
        if (lane.scheduled.compareAndSet(false, true)) {
            ready.add(lane);
        }
        return true;
    }

    /** Items waiting in every lane (not yet drained by a writer). */
    int waiting() {
        return waiting.get();
    }

    /** The next lane with work, held by the caller until {@link #release}; null after {@code timeoutMs} without one. */
    Lane<T> takeReady(long timeoutMs) throws InterruptedException {
        return ready.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Everything queued in a held lane, in arrival order, up to {@code commandsMax} commands (always at least
     * one item: a lane is ready only with work, and only its holder takes from it).
     */
    List<T> drain(Lane<T> lane, int commandsMax) {
        List<T> batch = new ArrayList<>();
        int commands = 0;
        T next;
        while ((next = lane.items.peek()) != null && (batch.isEmpty() || commands + size.applyAsInt(next) <= commandsMax)) {
            batch.add(lane.items.poll());
            commands += size.applyAsInt(next);
        }
        waiting.addAndGet(-batch.size());
        return batch;
    }

    /** Gives a held lane back: to the end of the ready queue when it has more work, otherwise idle. */
    void release(Lane<T> lane) {
        if (!lane.items.isEmpty()) {
            ready.add(lane);
            return;
        }
        lane.scheduled.set(false);
        // An offer between the emptiness check and now saw the lane scheduled and did not queue it.
        if (!lane.items.isEmpty() && lane.scheduled.compareAndSet(false, true)) {
            ready.add(lane);
        }
    }
}
