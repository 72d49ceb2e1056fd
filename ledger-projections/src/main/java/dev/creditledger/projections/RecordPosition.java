package dev.creditledger.projections;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;

/**
 * Where an event was read from: its partition and offset in the events topic, and when the relay published
 * it (the record's timestamp, null when the broker did not give the producer's time). The statements model
 * keeps it with each line, which is how a transfer's journey knows where its events went.
 */
record RecordPosition(int partition, long offset, Instant publishedAt) {

    static RecordPosition of(ConsumerRecord<?, ?> record) {
        var publishedAt = record.timestampType() == TimestampType.NO_TIMESTAMP_TYPE || record.timestamp() < 0
                ? null : Instant.ofEpochMilli(record.timestamp());
        return new RecordPosition(record.partition(), record.offset(), publishedAt);
    }
}
