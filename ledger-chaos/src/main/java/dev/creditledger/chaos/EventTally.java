package dev.creditledger.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the journal's event topics ({@code <prefix>.account.v1}, {@code .transfer.v1}, {@code .entry.v1})
 * from their beginning, without a consumer group, and keeps, per ledger, the event id of each journal change
 * and account ({@code ce_ledgerseq}, {@code ce_subject}): one change touching two accounts has two events.
 * Each {@link #readToEnd} continues where the last stopped. A second, different id for the same change and
 * account is a conflict (a consumer deduplicating by event id would apply it twice); the same id again is a
 * redelivery, which at-least-once delivery allows and which is only counted.
 */
final class EventTally implements AutoCloseable {

    static final List<String> JOURNAL_TOPIC_SUFFIXES = List.of(".account.v1", ".transfer.v1", ".entry.v1");
    private static final Duration READ_WAIT_MAX = Duration.ofSeconds(120);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<String> topics;
    private final Map<String, Map<String, String>> idsByLedger = new HashMap<>();
    private final List<String> conflicts = new ArrayList<>();
    private List<TopicPartition> partitions = List.of();
    private long records;
    private long redeliveries;

    EventTally(String bootstrap, String topicPrefix) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = JOURNAL_TOPIC_SUFFIXES.stream().map(suffix -> topicPrefix + suffix).toList();
    }

    /** Reads every record published so far; false when the end was not reached within two minutes. */
    boolean readToEnd() {
        assignNewPartitions();
        var end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        long deadline = System.nanoTime() + READ_WAIT_MAX.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            for (var record : consumer.poll(Duration.ofMillis(200))) {
                count(record);
            }
        }
        return true;
    }

    private void assignNewPartitions() {
        List<TopicPartition> found = new ArrayList<>();
        for (var topic : topics) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos != null) {
                infos.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
            }
        }
        if (!found.equals(partitions)) {
            var known = new java.util.HashSet<>(partitions);
            consumer.assign(found);
            found.stream().filter(p -> !known.contains(p)).forEach(p -> consumer.seek(p, 0));
            partitions = List.copyOf(found);
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (var entry : end.entrySet()) {
            if (consumer.position(entry.getKey(), Duration.ofSeconds(30)) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void count(ConsumerRecord<byte[], byte[]> record) {
        records++;
        var source = header(record, "ce_source");
        var change = header(record, "ce_ledgerseq") + "/" + header(record, "ce_subject");
        var id = header(record, "ce_id");
        var ids = idsByLedger.computeIfAbsent(source == null ? "(no ce_source)" : source.substring(source.lastIndexOf('/') + 1),
                ledger -> new HashMap<>());
        var earlier = ids.putIfAbsent(change, id);
        if (earlier != null) {
            if (earlier.equals(id)) {
                redeliveries++;
            } else {
                conflicts.add("change " + change + " of ledger " + source + " has two event ids: " + earlier + " and " + id);
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The changes seen for a ledger, each as {@code "<ledgerSeq>/<accountId>"}. */
    Map<String, String> changesOf(String ledgerId) {
        return idsByLedger.getOrDefault(ledgerId, Map.of());
    }

    List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    long records() {
        return records;
    }

    long redeliveries() {
        return redeliveries;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
