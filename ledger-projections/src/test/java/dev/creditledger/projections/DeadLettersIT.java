package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.EventTopic;
import dev.creditledger.devstack.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Records that cannot be applied go to the dead letters (table and topic) and do not hold up their
 * partition; a dead letter whose cause is fixed is applied by a retry.
 */
class DeadLettersIT {

    @Test
    void malformedRecordsAreDeadLetteredAndTheGoodOnesApplied() throws Exception {
        try (var stack = TestStack.create("dlt_malformed")) {
            var ledger = stack.ledger("malformed");
            var issuer = stack.account(ledger, "USD", null);
            var alice = stack.account(ledger, "USD", 0L);
            stack.post(ledger, stack.transfer(issuer, alice, 1_000));
            stack.publisher.publishAll();

            // Between the good records of alice's partition, three that no consumer could apply.
            var topic = stack.kafka.topic(EventTopic.TRANSFER);
            List<Long> badOffsets = new ArrayList<>();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                byte[] key = alice.toString().getBytes(StandardCharsets.UTF_8);
                for (byte[] value : new byte[][] {"not json".getBytes(StandardCharsets.UTF_8), {(byte) 0xC3, (byte) 0x28}, null}) {
                    badOffsets.add(producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS).offset());
                }
            }
            stack.post(ledger, stack.transfer(alice, issuer, 300));
            stack.post(ledger, stack.transfer(issuer, alice, 20));
            long lastSeq = stack.lastSeq(ledger);
            stack.publisher.publishAll();

            List<String> reasonsHeard = Collections.synchronizedList(new ArrayList<>());
            stack.projector(stack.settings(), new ProjectorListener() {
                @Override
                public void applied(int events, long nanos) {
                }

                @Override
                public void deadLettered(String reason) {
                    reasonsHeard.add(reason);
                }

                @Override
                public void failed(Exception cause) {
                }
            }, ProjectorHooks.NONE);
            stack.awaitProjected(ledger, lastSeq, Duration.ofSeconds(60));
            assertThat(stack.queries.balance(ledger, alice).orElseThrow().version()).isEqualTo(3);
            assertThat(stack.check().differences()).isEmpty();

            var deadLetters = new DeadLetters(stack.projections, stack.kafka);
            var listed = deadLetters.list(10);
            assertThat(listed).hasSize(3);
            assertThat(listed).extracting(DeadLetter::status).containsOnly(DeadLetterStatus.UNRESOLVED);
            assertThat(listed).extracting(DeadLetter::topic).containsOnly(topic);
            assertThat(listed).extracting(DeadLetter::offset).containsExactlyInAnyOrderElementsOf(badOffsets);
            assertThat(listed).extracting(DeadLetter::key).containsOnly(alice.toString());
            assertThat(listed).extracting(DeadLetter::reason)
                    .contains("undecodable: the payload is not UTF-8", "undecodable: the record has no value")
                    .anyMatch(reason -> reason.startsWith("undecodable: the payload is not JSON"));
            assertThat(reasonsHeard).containsExactlyInAnyOrderElementsOf(listed.stream().map(DeadLetter::reason).toList());
            assertThat(deadLetters.list(1)).hasSize(1);

            var onTopic = readDeadLetterTopic(stack, 3);
            assertThat(onTopic).extracting(ConsumerRecord::offset).hasSize(3);
            for (var record : onTopic) {
                var offset = Long.parseLong(header(record, DeadLetterPublisher.OFFSET_HEADER));
                var stored = listed.stream().filter(l -> l.offset() == offset).findFirst().orElseThrow();
                assertThat(header(record, DeadLetterPublisher.REASON_HEADER)).isEqualTo(stored.reason());
                assertThat(header(record, DeadLetterPublisher.TOPIC_HEADER)).isEqualTo(topic);
                assertThat(header(record, DeadLetterPublisher.PARTITION_HEADER)).isEqualTo(Integer.toString(stored.partition()));
                assertThat(header(record, DeadLetterPublisher.ID_HEADER)).isEqualTo(stored.id().toString());
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(alice.toString());
            }

            // Retrying what cannot be decoded fails again, and says why.
            var notJson = listed.stream().filter(l -> "not json".equals(l.payload())).findFirst().orElseThrow();
            var retry = deadLetters.retry(notJson.id());
            assertThat(retry.outcome()).isEqualTo(RetryResult.Outcome.FAILED);
            assertThat(retry.reason()).startsWith("undecodable: the payload is not JSON");
            assertThat(deadLetters.list(10)).extracting(DeadLetter::status).containsOnly(DeadLetterStatus.UNRESOLVED);
        }
    }

    @Test
    void anEventTheReadModelsRefuseIsDeadLetteredThenRetried() throws Exception {
        try (var stack = TestStack.create("dlt_retry")) {
            // The read models refuse a posting of 777 until the constraint is dropped.
            stack.execute(stack.projections, "ALTER TABLE statement_lines ADD CONSTRAINT no_777 CHECK (posted_amount <> 777)");
            var ledger = stack.ledger("retry");
            var issuer = stack.account(ledger, "USD", null);
            var alice = stack.account(ledger, "USD", 0L);
            var bob = stack.account(ledger, "USD", 0L);
            stack.post(ledger, stack.transfer(issuer, alice, 5_000));
            stack.post(ledger, stack.transfer(alice, bob, 100));
            long refusedSeq = stack.post(ledger, stack.transfer(alice, bob, 777)).entry().seq();
            stack.post(ledger, stack.transfer(alice, bob, 50));
            stack.post(ledger, stack.transfer(alice, bob, 25));
            long lastSeq = stack.lastSeq(ledger);
            stack.publisher.publishAll();

            var deadLettered = new AtomicInteger();
            stack.projector(stack.settings(), new ProjectorListener() {
                @Override
                public void applied(int events, long nanos) {
                }

                @Override
                public void deadLettered(String reason) {
                    deadLettered.incrementAndGet();
                }

                @Override
                public void failed(Exception cause) {
                }
            }, ProjectorHooks.NONE);

            // Both copies of the refused transfer are dead letters; the later events of the same
            // partitions are applied all the same.
            awaitTrue(() -> stack.queries.balance(ledger, bob).map(b -> b.version() == 4).orElse(false)
                    && stack.queries.balance(ledger, alice).map(a -> a.version() == 5).orElse(false)
                    && deadLettered.get() == 2);
            var deadLetters = new DeadLetters(stack.projections, stack.kafka);
            var listed = deadLetters.list(10);
            assertThat(listed).hasSize(2);
            assertThat(listed).extracting(DeadLetter::reason).allMatch(r -> r.contains("no_777"));
            assertThat(listed).extracting(DeadLetter::key).containsExactlyInAnyOrder(alice.toString(), bob.toString());
            assertThat(stack.queries.statement(ledger, bob, 0, 10)).extracting(StatementLineView::accountVersion).containsExactly(1L, 3L, 4L);
            assertThat(stack.queries.balance(ledger, bob).orElseThrow().creditsPosted()).isEqualTo(100 + 777 + 50 + 25);
            // The watermark stops below the refused sequence: its events are not all applied.
            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(refusedSeq - 1);
            assertThat(readDeadLetterTopic(stack, 2)).hasSize(2);
            var report = stack.check();
            assertThat(report.differences()).contains("ledger " + ledger + ": statement line (account_id " + bob
                    + ", account_version 2) is in the journal but missing from the projection");
            assertThat(report.differences()).contains("ledger " + ledger + ": the watermark is " + (refusedSeq - 1)
                    + " but the journal's last sequence is " + lastSeq);

            // While the cause is still there, a retry fails and records the new reason.
            var first = deadLetters.retry(listed.getFirst().id());
            assertThat(first.outcome()).isEqualTo(RetryResult.Outcome.FAILED);
            assertThat(first.reason()).contains("no_777");

            stack.execute(stack.projections, "ALTER TABLE statement_lines DROP CONSTRAINT no_777");
            for (var letter : listed) {
                assertThat(deadLetters.retry(letter.id()).outcome()).isEqualTo(RetryResult.Outcome.RETRIED);
            }
            assertThat(deadLetters.list(10)).allSatisfy(l -> {
                assertThat(l.status()).isEqualTo(DeadLetterStatus.RETRIED);
                assertThat(l.retriedAt()).isNotNull();
            });
            assertThat(deadLetters.retry(listed.getFirst().id()).outcome()).isEqualTo(RetryResult.Outcome.ALREADY_RETRIED);
            assertThat(deadLetters.retry(UUID.randomUUID()).outcome()).isEqualTo(RetryResult.Outcome.NOT_FOUND);

            assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
            assertThat(stack.queries.assetTotals(ledger).getFirst().debitsPosted()).isEqualTo(5_000 + 100 + 777 + 50 + 25);
            assertThat(stack.queries.statement(ledger, bob, 0, 10)).extracting(StatementLineView::accountVersion)
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(stack.check().differences()).isEmpty();
        }
    }

    static void awaitTrue(BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(60), "condition met in time", condition);
    }

    static List<ConsumerRecord<byte[], byte[]>> readDeadLetterTopic(TestStack stack, int expected) {
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(stack.kafka.deadLetterTopic()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, to see that there are no more than expected.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            return records;
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
