package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.EncodedEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What the event topics hold, with the checks every relay test makes on it. */
final class PublishedLog {
    final List<ConsumerRecord<String, String>> records;

    private PublishedLog(List<ConsumerRecord<String, String>> records) {
        this.records = records;
    }

    static PublishedLog read(KafkaSettings settings) {
        return new PublishedLog(TopicReader.readAll(settings.bootstrapServers(), settings.publishedTopics()));
    }

    static UUID eventId(ConsumerRecord<String, String> record) {
        return UUID.fromString(EventRecords.header(record.headers(), EventRecords.ID));
    }

    static long ledgerSeq(ConsumerRecord<String, String> record) {
        return Long.parseLong(EventRecords.header(record.headers(), EventRecords.LEDGER_SEQ));
    }

    /** How often each event id occurs. */
    Map<UUID, Long> occurrences() {
        return records.stream().collect(Collectors.groupingBy(PublishedLog::eventId, Collectors.counting()));
    }

    /** The first record of each event id, in the order they were read (offset order within each partition). */
    List<ConsumerRecord<String, String>> firstOccurrences() {
        Set<UUID> seen = new HashSet<>();
        List<ConsumerRecord<String, String>> first = new ArrayList<>();
        for (var record : records) {
            if (seen.add(eventId(record))) {
                first.add(record);
            }
        }
        return first;
    }

    /**
     * Deduplicated by event id, the log holds exactly the journal's events; each is in its type's topic,
     * and each account's events of a topic sit in one partition in strictly increasing ledger sequence.
     */
    void assertHoldsExactly(List<EncodedEvent> journal, KafkaSettings settings) {
        var first = firstOccurrences();
        assertThat(first).extracting(PublishedLog::eventId)
                .as("event ids in Kafka, deduplicated")
                .containsExactlyInAnyOrderElementsOf(journal.stream().map(EncodedEvent::eventId).toList());
        Map<String, List<ConsumerRecord<String, String>>> byTopicAndAccount = new LinkedHashMap<>();
        for (var record : first) {
            var type = EventType.ofTypeName(EventRecords.header(record.headers(), EventRecords.TYPE));
            assertThat(record.topic()).isEqualTo(settings.topic(type.topic()));
            byTopicAndAccount.computeIfAbsent(record.topic() + "/" + record.key(), k -> new ArrayList<>()).add(record);
        }
        byTopicAndAccount.forEach((stream, events) -> {
            assertThat(events).extracting(ConsumerRecord::partition).as("partitions of %s", stream).containsOnly(events.getFirst().partition());
            var seqs = events.stream().map(PublishedLog::ledgerSeq).toList();
            assertThat(seqs).as("ledger sequences of %s", stream).isSorted().doesNotHaveDuplicates();
        });
    }
}
