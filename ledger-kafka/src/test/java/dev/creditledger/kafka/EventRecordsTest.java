package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.EncodedEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/** An encoded event becomes a CloudEvents binary-mode record on its type's topic, keyed by its account. */
class EventRecordsTest {

    static final KafkaSettings KAFKA = KafkaSettings.local("127.0.0.1:9092");
    static final UUID LEDGER = UUID.fromString("0192f5a0-0000-7000-8000-000000000001");
    static final UUID ACCOUNT = UUID.fromString("0192f5a0-0000-7000-8000-00000000000a");
    static final UUID EVENT = UUID.fromString("3f1c2c8e-7d0a-3c2b-9a51-4b8f0e6d1c22");
    static final Instant AT = Instant.parse("2026-11-21T10:15:30.123456Z");
    static final String PAYLOAD = "{\"eventId\":\"" + EVENT + "\",\"note\":\"Grüße\"}";

    static EncodedEvent row(EventType type, String traceparent) {
        return new EncodedEvent(LEDGER, 42, 1, EVENT, type, ACCOUNT, AT, PAYLOAD, traceparent);
    }

    @Test
    void carriesTheCloudEventsAttributesAsHeaders() {
        var traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var record = EventRecords.toRecord(row(EventType.HOLD_CAPTURED, traceparent), KAFKA);

        assertThat(record.topic()).isEqualTo("ledger.transfer.v1");
        assertThat(record.key()).isEqualTo(ACCOUNT.toString());
        assertThat(record.value()).isEqualTo(PAYLOAD);
        assertThat(record.partition()).as("left to the key's hash").isNull();
        assertThat(Arrays.stream(record.headers().toArray()).map(Header::key)).containsExactly(
                "ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "ce_ledgerseq", "content-type",
                "traceparent");
        var h = record.headers();
        assertThat(EventRecords.header(h, EventRecords.SPEC_VERSION)).isEqualTo("1.0");
        assertThat(EventRecords.header(h, EventRecords.ID)).isEqualTo(EVENT.toString());
        assertThat(EventRecords.header(h, EventRecords.SOURCE)).isEqualTo("/ledgers/" + LEDGER);
        assertThat(EventRecords.header(h, EventRecords.TYPE)).isEqualTo("ledger.hold.captured");
        assertThat(EventRecords.header(h, EventRecords.TIME)).isEqualTo("2026-11-21T10:15:30.123456Z");
        assertThat(EventRecords.header(h, EventRecords.SUBJECT)).isEqualTo(ACCOUNT.toString());
        assertThat(EventRecords.header(h, EventRecords.LEDGER_SEQ)).isEqualTo("42");
        assertThat(EventRecords.header(h, EventRecords.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(h.lastHeader(EventRecords.TRACEPARENT).value()).isEqualTo(traceparent.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void hasNoTraceparentHeaderWhenTheRequestHadNone() {
        var record = EventRecords.toRecord(row(EventType.TRANSFER_POSTED, null), KAFKA);
        assertThat(record.headers().lastHeader(EventRecords.TRACEPARENT)).isNull();
        assertThat(EventRecords.header(record.headers(), EventRecords.TRACEPARENT)).isNull();
        assertThat(record.headers().toArray()).hasSize(8);
    }

    @Test
    void everyTypeGoesToItsStreamsTopic() {
        for (var type : EventType.values()) {
            var topic = EventRecords.toRecord(row(type, null), KAFKA).topic();
            assertThat(topic).isEqualTo(KAFKA.topic(type.topic()));
        }
        assertThat(EventRecords.toRecord(row(EventType.ACCOUNT_CLOSED, null), KAFKA).topic()).isEqualTo("ledger.account.v1");
        assertThat(EventRecords.toRecord(row(EventType.ENTRY_POSTED, null), KAFKA).topic()).isEqualTo("ledger.entry.v1");
    }
}
