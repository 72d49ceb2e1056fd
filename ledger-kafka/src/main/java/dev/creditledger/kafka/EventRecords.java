package dev.creditledger.kafka;

import dev.creditledger.core.events.EncodedEvent;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Turns an event read from the journal into a Kafka record: CloudEvents 1.0 in binary mode (Kafka protocol
 * binding), so the value is the event's JSON payload and the CloudEvents attributes travel as
 * {@code ce_*} headers, UTF-8 encoded.
 *
 * The key is the account id, so the default partitioner keeps each account's events in one partition of
 * the event's topic, in the order they were sent. The record timestamp is left to the producer (send
 * time): the event's own time is in {@code ce_time} and in the payload, and a time in the past would
 * make time-based topic retention delete records republished after a long outage.
 */
public final class EventRecords {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** A CloudEvents extension attribute: the ledger sequence of the change, for ordering and deduplication. */
    public static final String LEDGER_SEQ = "ce_ledgerseq";
    public static final String CONTENT_TYPE = "content-type";
    /** W3C trace context of the request that caused the event; absent when the request carried none. */
    public static final String TRACEPARENT = "traceparent";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String CONTENT_TYPE_VALUE = "application/json";
    private static final String SOURCE_PREFIX = "/ledgers/";

    private EventRecords() {}

    /** key = accountId string, value = payload; the headers named by this class's constants. */
    public static ProducerRecord<String, String> toRecord(EncodedEvent record, KafkaSettings settings) {
        return toRecord(record, settings, record.traceparent());
    }

    /** As {@link #toRecord(EncodedEvent, KafkaSettings)}, with the trace context of the step that publishes it. */
    public static ProducerRecord<String, String> toRecord(EncodedEvent record, KafkaSettings settings, String traceparent) {
        var headers = new RecordHeaders();
        add(headers, SPEC_VERSION, SPEC_VERSION_VALUE);
        add(headers, ID, record.eventId().toString());
        add(headers, SOURCE, source(record));
        add(headers, TYPE, record.type().typeName());
        add(headers, TIME, record.occurredAt().toString());
        add(headers, SUBJECT, record.accountId().toString());
        add(headers, LEDGER_SEQ, Long.toString(record.ledgerSeq()));
        add(headers, CONTENT_TYPE, CONTENT_TYPE_VALUE);
        if (traceparent != null) {
            add(headers, TRACEPARENT, traceparent);
        }
        return new ProducerRecord<>(settings.topic(record.type().topic()), null, null, record.accountId().toString(),
                record.payload(), headers);
    }

    /** The CloudEvents source of a record: the ledger it belongs to. */
    public static String source(EncodedEvent record) {
        return SOURCE_PREFIX + record.ledgerId();
    }

    /** The UTF-8 value of the last header with this name, or null when there is none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
