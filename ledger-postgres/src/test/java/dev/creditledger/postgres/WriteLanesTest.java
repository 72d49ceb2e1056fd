package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The engine's lanes: the waiting bound at its edge, drains that take everything up to the limit, one writer per ledger. */
class WriteLanesTest {

    private static final UUID LEDGER_A = new UUID(0, 1);
    private static final UUID LEDGER_B = new UUID(0, 2);

    /** An item of {@code commands} commands, numbered for order checks. */
    private record Item(int number, int commands) {}

    private static WriteLanes<Item> lanes(int waitingMax) {
        return new WriteLanes<>(waitingMax, Item::commands);
    }

    @Test
    void holdsWaitingMaxItemsAndRefusesOneMore() {
        var lanes = lanes(3);
        assertThat(lanes.offer(LEDGER_A, new Item(1, 1))).isTrue();
        assertThat(lanes.offer(LEDGER_B, new Item(2, 1))).isTrue();
        assertThat(lanes.offer(LEDGER_A, new Item(3, 1))).isTrue();
        assertThat(lanes.offer(LEDGER_B, new Item(4, 1))).isFalse();
        assertThat(lanes.waiting()).isEqualTo(3);
    }

    @Test
    void aDrainTakesEverythingQueuedInOrderUpToTheCommandLimitWithoutSplittingAnItem() throws Exception {
        var lanes = lanes(100);
        for (int i = 1; i <= 5; i++) {
            lanes.offer(LEDGER_A, new Item(i, 3));
        }
        var lane = lanes.takeReady(0);
        assertThat(lane.ledgerId()).isEqualTo(LEDGER_A);
        // 10 commands fit three items of 3; the fourth would make 12.
        assertThat(lanes.drain(lane, 10)).extracting(Item::number).containsExactly(1, 2, 3);
        assertThat(lanes.waiting()).isEqualTo(2);
        lanes.release(lane);
        var again = lanes.takeReady(0);
        assertThat(lanes.drain(again, 10)).extracting(Item::number).containsExactly(4, 5);
        lanes.release(again);
        assertThat(lanes.takeReady(0)).isNull();
        assertThat(lanes.waiting()).isZero();
    }

    @Test
    void anItemLargerThanTheLimitIsStillTakenAloneRatherThanStuck() throws Exception {
        var lanes = lanes(10);
        lanes.offer(LEDGER_A, new Item(1, 50));
        lanes.offer(LEDGER_A, new Item(2, 1));
        var lane = lanes.takeReady(0);
        assertThat(lanes.drain(lane, 10)).extracting(Item::number).containsExactly(1);
    }

    @Test
    void aHeldLaneIsNotReadyAgainUntilReleasedAndOtherLedgersTakeTurns() throws Exception {
        var lanes = lanes(100);
        lanes.offer(LEDGER_A, new Item(1, 1));
        var held = lanes.takeReady(0);
        assertThat(lanes.drain(held, 10)).hasSize(1);
        lanes.offer(LEDGER_A, new Item(2, 1));
        lanes.offer(LEDGER_B, new Item(3, 1));
        // Ledger A is held: only B is ready.
        var other = lanes.takeReady(0);
        assertThat(other.ledgerId()).isEqualTo(LEDGER_B);
        assertThat(lanes.takeReady(0)).isNull();
        lanes.release(held);
        var next = lanes.takeReady(0);
        assertThat(next.ledgerId()).isEqualTo(LEDGER_A);
        assertThat(lanes.drain(next, 10)).extracting(Item::number).containsExactly(2);
    }

    @Test
    void underConcurrencyEveryItemIsDrainedOnceInOrderAndNoLedgerHasTwoWritersAtOnce() throws Exception {
        int producers = 6;
        int itemsPerProducer = 20_000;
        int writers = 4;
        var ledgers = List.of(new UUID(0, 10), new UUID(0, 11), new UUID(0, 12));
        var lanes = new WriteLanes<int[]>(Integer.MAX_VALUE, item -> 1);
        Map<UUID, AtomicBoolean> held = new ConcurrentHashMap<>();
        ledgers.forEach(l -> held.put(l, new AtomicBoolean()));
        var overlaps = new AtomicInteger();
        var drained = new ConcurrentLinkedQueue<int[]>();
        var done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    while (!done.get() || lanes.waiting() > 0) {
                        var lane = lanes.takeReady(10);
                        if (lane == null) {
                            continue;
                        }
                        if (!held.get(lane.ledgerId()).compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        drained.addAll(lanes.drain(lane, 64));
                        held.get(lane.ledgerId()).set(false);
                        lanes.release(lane);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        var start = new CountDownLatch(1);
        List<Thread> producing = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            producing.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < itemsPerProducer; i++) {
                    lanes.offer(ledgers.get(producer % ledgers.size()), new int[] {producer, i});
                }
            }));
        }
        start.countDown();
        for (var t : producing) {
            t.join();
        }
        done.set(true);
        for (var t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(30))).isTrue();
        }
        assertThat(overlaps).hasValue(0);
        assertThat(drained).hasSize(producers * itemsPerProducer);
        // Each producer's items come out in the order it offered them (one ledger per producer, one writer at a time).
        int[] nextByProducer = new int[producers];
        for (var item : drained) {
            // Drains of one ledger are sequential, but two ledgers interleave in `drained`: check per producer.
            assertThat(item[1]).isEqualTo(nextByProducer[item[0]]);
            nextByProducer[item[0]]++;
        }
        assertThat(lanes.waiting()).isZero();
        assertThat(lanes.takeReady(0)).isNull();
    }
}
