package dev.creditledger.projections;

import dev.creditledger.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces dead letters to the dead-letter topic: the original key and value, byte for byte, with
 * headers naming why ({@value #REASON_HEADER}), where the record came from ({@value #TOPIC_HEADER},
 * {@value #PARTITION_HEADER}, {@value #OFFSET_HEADER}) and the dead letter's id ({@value #ID_HEADER}),
 * by which a consumer of the topic can drop the duplicates that redelivery may cause. Idempotent
 * producer, acks=all; {@link #publish} waits for every acknowledgement.
 *
 * What can go wrong: an unavailable broker makes {@link #publish} fail after at most
 * {@link #SEND_TIMEOUT_MS} milliseconds with a {@link ProjectionUnavailableException}; the projector
 * then retries the whole batch.
 */
final class DeadLetterPublisher implements AutoCloseable {

    static final String REASON_HEADER = "dlt_reason";
    static final String TOPIC_HEADER = "dlt_topic";
    static final String PARTITION_HEADER = "dlt_partition";
    static final String OFFSET_HEADER = "dlt_offset";
    static final String ID_HEADER = "dlt_id";
    static final long SEND_TIMEOUT_MS = 30_000;

    private final KafkaSettings kafka;
    private KafkaProducer<byte[], byte[]> producer;

    DeadLetterPublisher(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void publish(List<DeadLetterStore.Letter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
        for (var letter : letters) {
            var record = new ProducerRecord<>(kafka.deadLetterTopic(), letter.key(), letter.payload());
            record.headers().add(new RecordHeader(REASON_HEADER, utf8(letter.reason())));
            record.headers().add(new RecordHeader(TOPIC_HEADER, utf8(letter.topic())));
            record.headers().add(new RecordHeader(PARTITION_HEADER, utf8(Integer.toString(letter.partition()))));
            record.headers().add(new RecordHeader(OFFSET_HEADER, utf8(Long.toString(letter.offset()))));
            record.headers().add(new RecordHeader(ID_HEADER, utf8(letter.id().toString())));
            sent.add(producer().send(record));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SEND_TIMEOUT_MS);
        try {
            for (var future : sent) {
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new ProjectionUnavailableException("could not publish dead letters to " + kafka.deadLetterTopic() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionUnavailableException("interrupted while publishing dead letters", e);
        }
    }

    /** The producer is created on first use: most batches have no dead letter. */
    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.CLIENT_ID_CONFIG, "ledger-projector-deadletters",
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) (SEND_TIMEOUT_MS / 3),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (SEND_TIMEOUT_MS / 3),
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT_MS),
                    new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
    }
}
