package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.EventType;
import dev.creditledger.postgres.JournalEventLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The read-your-writes watermark counts the copies of every sequence: it never passes a sequence
 * with a copy still in flight, whatever the order in which partitions deliver, and it finds the
 * start of a ledger whose history predates its published events.
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

            stack.projector(stack.settings(), ProjectorListener.NONE, ProjectorHooks.NONE);
            // Everything but sequence 1 and the second copy of sequence 4 (b's side of the first transfer).
            Predicate<Copy> withheld = copy -> copy.seq() == 1 || (copy.seq() == 4 && copy.part() == 1);
            produce(stack, copies.stream().filter(withheld.negate()).toList());
            DeadLettersIT.awaitTrue(() -> stack.queries.balance(ledger, c).map(v -> v.version() == 2).orElse(false)
                    && stack.queries.lastAppliedSeq().get(ReadModel.BALANCES) == lastSeq);
            Thread.sleep(300);
            assertThat(stack.queries.projectedSeq(ledger)).as("sequence 1 not applied yet").isZero();

            produce(stack, copies.stream().filter(copy -> copy.seq() == 1).toList());
            assertThat(stack.queries.awaitSeq(ledger, 3, Duration.ofSeconds(20))).isTrue();
            Thread.sleep(300);
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
     * A run of complete sequences longer than one window ({@link Watermarks#ADVANCE_WINDOW_SEQS_MAX}),
     * as after a lagging partition caught up: the watermark moves over all of it within one transaction,
     * a window per statement, and stops right before the first incomplete sequence; the copies it passed
     * are deleted and the ones above it stay. Written straight into the tables: 2.5 windows of sequences
     * with two copies each.
     */
    @Test
    void aRunLongerThanAWindowIsPassedInOneTransaction() throws Exception {
        int window = Watermarks.ADVANCE_WINDOW_SEQS_MAX;
        long incomplete = 2L * window + window / 2;
        try (var stack = TestStack.create("watermark_window")) {
            var ledger = UUID.randomUUID();
            stack.execute(stack.projections, "INSERT INTO ledger_watermarks VALUES ('" + ledger + "', 0, now(), NULL)");
            stack.execute(stack.projections, "INSERT INTO seq_copies SELECT '" + ledger + "', s, gen_random_uuid(), 2"
                    + " FROM generate_series(1, " + (incomplete + 100) + ") s, generate_series(1, 2) c WHERE s <> " + incomplete + " OR c = 1");
            try (var connection = stack.projections.getConnection()) {
                connection.setAutoCommit(false);
                assertThat(Watermarks.advance(connection, List.of(ledger), Watermarks.HISTORY_START_GRACE)).as("unstarted").isFalse();
                connection.commit();
            }
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(incomplete - 1);
            assertThat(stack.count("SELECT min(seq) FROM seq_copies WHERE ledger_id = '" + ledger + "'")).isEqualTo(incomplete);
            assertThat(stack.count("SELECT count(*) FROM seq_copies WHERE ledger_id = '" + ledger + "'")).isEqualTo(1 + 2 * 100);
        }
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
