package dev.creditledger.projections;

import dev.creditledger.core.events.EncodedEvent;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.postgres.JournalEventLog;
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
 * TEST ONLY: a minimal stand-in for the event relay of ledger-kafka, which a test can drive step by
 * step. It claims the journal's events, produces each to its topic (key = account id, value = payload, acks=all), waits for every
 * acknowledgement and marks the claim published. It remembers what it sent, so a test can produce
 * everything again (redelivery).
 */
final class TestPublisher implements AutoCloseable {

    static final int CLAIM_EVENTS_MAX = 5_000;

    private final JournalEventLog events;
    private final KafkaSettings kafka;
    private final KafkaProducer<String, String> producer;
    private final List<EncodedEvent> sent = new ArrayList<>();

    TestPublisher(DataSource journal, KafkaSettings kafka) {
        this.events = new JournalEventLog(journal);
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // One request in flight: a just-created partition that answers NOT_LEADER_OR_FOLLOWER to the
                // first request cannot leave later ones out of sequence (seen as OUT_OF_ORDER_SEQUENCE_NUMBER).
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.LINGER_MS_CONFIG, 5),
                new StringSerializer(), new StringSerializer());
    }

    /** Publishes every unpublished event; returns how many. */
    synchronized int publishAll() {
        int published = 0;
        while (true) {
            var claim = events.claimNext(CLAIM_EVENTS_MAX);
            if (claim.isEmpty()) {
                return published;
            }
            try (var c = claim.get()) {
                produce(c.events());
                c.markPublished();
                sent.addAll(c.events());
                published += c.events().size();
            }
        }
    }

    /** Produces every record published so far once more, as a relay that crashed before marking would. */
    synchronized int republishAll() {
        produce(sent);
        return sent.size();
    }

    synchronized List<EncodedEvent> sent() {
        return List.copyOf(sent);
    }

    void produce(List<EncodedEvent> records) {
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
