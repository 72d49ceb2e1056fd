package dev.creditledger.projections;

import dev.creditledger.core.events.OutboxRecord;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.postgres.PostgresOutbox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * TEST ONLY: a minimal stand-in for the outbox relay that ledger-kafka is getting. It claims outbox
 * events, produces each to its topic (key = account id, value = payload, acks=all), waits for every
 * acknowledgement and marks the claim published. It remembers what it sent, so a test can produce
 * everything again (redelivery).
 */
final class TestPublisher implements AutoCloseable {

    static final int CLAIM_EVENTS_MAX = 5_000;

    private final PostgresOutbox outbox;
    private final KafkaSettings kafka;
    private final KafkaProducer<String, String> producer;
    private final List<OutboxRecord> sent = new ArrayList<>();

    TestPublisher(DataSource journal, KafkaSettings kafka) {
        this.outbox = new PostgresOutbox(journal);
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    /** Publishes every unpublished outbox event; returns how many. */
    synchronized int publishAll() {
        int published = 0;
        while (true) {
            var claim = outbox.claimNext(CLAIM_EVENTS_MAX);
            if (claim.isEmpty()) {
                return published;
            }
            try (var c = claim.get()) {
                produce(c.records());
                c.markPublished();
                sent.addAll(c.records());
                published += c.records().size();
            }
        }
    }

    /** Produces every record published so far once more, as a relay that crashed before marking would. */
    synchronized int republishAll() {
        produce(sent);
        return sent.size();
    }

    synchronized List<OutboxRecord> sent() {
        return List.copyOf(sent);
    }

    void produce(List<OutboxRecord> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (var r : records) {
            acks.add(producer.send(new ProducerRecord<>(kafka.topic(r.type().topic()), r.accountId().toString(), r.payload())));
        }
        producer.flush();
        try {
            for (var ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("publishing failed", e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
