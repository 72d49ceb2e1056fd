package dev.creditledger.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of some topics from the beginning up to the end offsets it finds when called.
 * Called after the relay marked its events, it sees exactly what Kafka acknowledged (acks=all on one
 * replica: acknowledged records are below the end offset), so "nothing missing, nothing extra" is an
 * exact check rather than a wait for silence.
 */
final class TopicReader {
    private static final Duration METADATA_WAIT = Duration.ofSeconds(10);
    private static final Duration READ_WAIT = Duration.ofSeconds(30);

    private TopicReader() {}

    /** Records in offset order within each partition; partitions interleave arbitrarily. */
    static List<ConsumerRecord<String, String>> readAll(String bootstrapServers, Collection<String> topics) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (var topic : topics) {
                consumer.partitionsFor(topic, METADATA_WAIT).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions, METADATA_WAIT);
            long deadline = System.nanoTime() + READ_WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, METADATA_WAIT) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topics + " up to the end offsets " + end);
                }
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }
}
