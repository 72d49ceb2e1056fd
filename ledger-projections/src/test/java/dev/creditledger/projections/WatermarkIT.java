package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.devstack.Await;
import dev.creditledger.postgres.JournalEventLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The read-your-writes watermark counts the copies of every sequence: it never passes a sequence
 * with a copy still in flight, whatever the order in which partitions deliver, it finds the start of a
 * ledger whose history predates its published events, and it passes a long run of complete sequences at
 * once. {@link WatermarkRangesIT} works through the bookkeeping row by row.
 */
class WatermarkIT {

    record Copy(long seq, int part, UUID accountId, EventType type, String payload) {}

    @Test
    void aSequenceWithACopyInFlightHoldsTheWatermark() throws Exception {
        try (var stack = TestStack.create("watermark_order")) {
            var ledger = stack.ledger("order");
            var a = stack.account(ledger, "USD", null);
            var b = stack.account(ledger, "USD", 0L);
            var c = stack.account(ledger, "USD", 0L);
            long transfer = stack.post(ledger, stack.transfer(a, b, 10)).entry().seq();
            stack.post(ledger, stack.transfer(b, c, 4));
            stack.post(ledger, stack.transfer(a, c, 7));
            long lastSeq = stack.lastSeq(ledger);
            assertThat(transfer).isEqualTo(4);
            var copies = journal(stack, ledger);

            // The listener counts the records of each batch after its transaction (which moves the watermark) and
            // its offsets are committed: once it has counted every record produced, nothing is left to move the
            // watermark but the idle sweep, which waits out the 30 s history-start grace period.
            var consumed = new AtomicInteger();
            stack.projector(stack.settings(), new RedeliveryIT.CountingListener(consumed), ProjectorHooks.NONE);
            // Everything but sequence 1 and the second copy of sequence 4 (b's side of the first transfer).
            Predicate<Copy> withheld = copy -> copy.seq() == 1 || (copy.seq() == 4 && copy.part() == 1);
            var first = copies.stream().filter(withheld.negate()).toList();
            produce(stack, first);
            Await.until(Duration.ofSeconds(60), "every produced copy applied", () -> consumed.get() == first.size());
            assertThat(stack.queries.balance(ledger, c).orElseThrow().version()).isEqualTo(2);
            assertThat(stack.queries.lastAppliedSeq().get(ReadModel.BALANCES)).isEqualTo(lastSeq);
            assertThat(stack.queries.projectedSeq(ledger)).as("sequence 1 not applied yet").isZero();

            var second = copies.stream().filter(copy -> copy.seq() == 1).toList();
            produce(stack, second);
            Await.until(Duration.ofSeconds(60), "the copies of sequence 1 applied", () -> consumed.get() == first.size() + second.size());
            assertThat(stack.queries.projectedSeq(ledger)).as("one copy of sequence 4 is still out").isEqualTo(3);

            produce(stack, copies.stream().filter(copy -> copy.seq() == 4 && copy.part() == 1).toList());
            assertThat(stack.queries.awaitSeq(ledger, lastSeq, Duration.ofSeconds(20))).isTrue();
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
            assertThat(stack.count("SELECT count(*) FROM seq_copies")).isZero();
            assertThat(stack.check().differences()).isEmpty();
        }
    }

    @Test
    void aLedgerWhoseEventsStartAboveOneStartsAfterTheGracePeriod() throws Exception {
        var grace = Duration.ofSeconds(3);
        try (var stack = TestStack.create("watermark_history")) {
            var ledger = stack.ledger("history");
            var a = stack.account(ledger, "USD", null);
            var b = stack.account(ledger, "USD", 0L);
            stack.post(ledger, stack.transfer(a, b, 10));
            stack.post(ledger, stack.transfer(a, b, 5));
            stack.post(ledger, stack.transfer(b, a, 1));
            long lastSeq = stack.lastSeq(ledger);
            // As if publication had begun after sequence 3: only 4 and later are ever published.
            var published = journal(stack, ledger).stream().filter(copy -> copy.seq() >= 4).toList();

            stack.projector(stack.settings(), ProjectorListener.NONE, new ProjectorHooks() {
                @Override
                public Duration historyStartGrace() {
                    return grace;
                }
            });
            long producedAt = System.nanoTime();
            produce(stack, published);
            DeadLettersIT.awaitTrue(() -> stack.queries.lastAppliedSeq().get(ReadModel.BALANCES) == lastSeq);
            if (System.nanoTime() - producedAt < grace.toNanos() / 2) {
                assertThat(stack.queries.projectedSeq(ledger)).as("the start is unknown during the grace period").isZero();
            }
            // No new event arrives: the idle projector starts the watermark once the grace period is over.
            assertThat(stack.queries.awaitSeq(ledger, lastSeq, Duration.ofSeconds(30))).isTrue();
            assertThat(System.nanoTime() - producedAt).isGreaterThanOrEqualTo(grace.toNanos());
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
            assertThat(stack.queries.balance(ledger, b).orElseThrow().version()).isEqualTo(3);
        }
    }

    /**
     * A long run of complete sequences, as after a lagging partition caught up, is one row of
     * {@code seq_ranges}, and the watermark passes all of it at once when the sequence before it
     * completes: in the transaction's one round trip, stopping right before the first incomplete sequence.
     * Written straight into the tables: the watermark at 0, one of the two copies of sequence 1, the runs
     * 2..25,000 and 25,002..25,100, and one of the two copies of 25,001. Then the other copy of sequence 1.
     *
     * <pre>
     *  before   watermark 0    copies 1 (x), 25,001 (x)   runs 2..25,000, 25,002..25,100
     *  after    watermark 25,000   copies 25,001 (x)      runs 25,002..25,100
     * </pre>
     */
    @Test
    void aLongRunOfCompleteSequencesIsPassedInOneRoundTrip() throws Exception {
        try (var stack = TestStack.create("watermark_long_run")) {
            var ledger = UUID.randomUUID();
            var x = UUID.randomUUID();
            var y = UUID.randomUUID();
            stack.execute(stack.projections, "INSERT INTO ledger_watermarks VALUES ('" + ledger + "', 0, now(), NULL)");
            stack.execute(stack.projections, "INSERT INTO seq_copies VALUES ('" + ledger + "', 1, '" + x + "', 2), ('" + ledger
                    + "', 25001, '" + x + "', 2)");
            stack.execute(stack.projections, "INSERT INTO seq_ranges VALUES ('" + ledger + "', 2, 25000), ('" + ledger
                    + "', 25002, 25100)");
            var counting = new CountingDataSource(stack.projections);
            try (var tx = ApplyTransaction.begin(counting, EnumSet.noneOf(ReadModel.class), true)) {
                tx.apply(List.of(transferCopies(ledger, 1, x, y).get(1)));
                counting.reset();
                assertThat(tx.finish(List.of(), Watermarks.HISTORY_START_GRACE)).as("unstarted").isFalse();
                assertThat(counting.roundTrips()).isEqualTo(1);
                tx.commit();
            }
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(25_000);
            assertThat(stack.rows("SELECT seq, account_id FROM seq_copies WHERE ledger_id = '" + ledger + "'"))
                    .containsExactly("seq=25001 | account_id=" + x);
            assertThat(stack.rows("SELECT first_seq, last_seq FROM seq_ranges WHERE ledger_id = '" + ledger + "'"))
                    .containsExactly("first_seq=25002 | last_seq=25100");
        }
    }

    /**
     * The two copies of a transfer of 1 between two accounts at {@code seq}, made up rather than read from
     * a journal: for tests of the watermark alone, which reads only the headers and the number of copies.
     */
    static List<LedgerEvent> transferCopies(UUID ledger, long seq, UUID from, UUID to) {
        var at = Instant.parse("2026-12-01T10:00:00Z");
        var entry = new Entry(UUID.randomUUID(), ledger, seq, EntryKind.TRANSFER, from, to, 1, "USD", null, null, Map.of(), at,
                List.of(new Posting(from, "USD", Side.DEBIT, 1, 0, new Balance(1, 0, 0, 0), 1),
                        new Posting(to, "USD", Side.CREDIT, 1, 0, new Balance(0, 1, 0, 0), 1)));
        return List.of(new LedgerEvent.EntryPosted(EventHeader.of(EventType.TRANSFER_POSTED, ledger, seq, at, from), entry),
                new LedgerEvent.EntryPosted(EventHeader.of(EventType.TRANSFER_POSTED, ledger, seq, at, to), entry));
    }

    static List<Copy> journal(TestStack stack, UUID ledger) {
        List<Copy> copies = new ArrayList<>();
        for (var e : new JournalEventLog(stack.journal).read(ledger, 0, stack.lastSeq(ledger))) {
            copies.add(new Copy(e.ledgerSeq(), e.part(), e.accountId(), e.type(), e.payload()));
        }
        return copies;
    }

    static void produce(TestStack stack, List<Copy> copies) throws Exception {
        try (var producer = new KafkaProducer<>(java.util.Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (var copy : copies) {
                producer.send(new ProducerRecord<>(stack.kafka.topic(copy.type().topic()), copy.accountId().toString(), copy.payload()))
                        .get();
            }
        }
    }
}
