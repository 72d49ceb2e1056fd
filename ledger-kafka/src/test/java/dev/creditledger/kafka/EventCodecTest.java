package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.core.Account;
import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What {@code EventJson} writes, {@link EventCodec} reads back to an equal event, byte for byte stable. */
class EventCodecTest {

    private static final UUID LEDGER = UUID.fromString("0192f5a0-0000-7000-8000-000000000001");
    private static final UUID ALICE = UUID.fromString("0192f5a0-0000-7000-8000-00000000000a");
    private static final UUID BOB = UUID.fromString("0192f5a0-0000-7000-8000-00000000000b");
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30.123456Z");

    @Test
    void accountOpenedRoundTrips() {
        var account = new Account(ALICE, LEDGER, "alice \"wallet\"\n", "USD", Side.CREDIT, 0L, Map.of("tier", "gold", "a", "ü"), AT, 7);
        var event = new LedgerEvent.AccountOpened(EventHeader.of(EventType.ACCOUNT_OPENED, LEDGER, 7, AT, ALICE), account);
        assertRoundTrip(event);
    }

    @Test
    void accountClosedRoundTrips() {
        assertRoundTrip(new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, LEDGER, 9, AT, ALICE), ALICE));
    }

    @Test
    void everyEntryKindRoundTripsAndFansOutOnePerAccount() {
        for (var kind : EntryKind.values()) {
            var entry = new Entry(UUID.randomUUID(), LEDGER, 12, kind, ALICE, BOB, 1234, "USD",
                    kind == EntryKind.TRANSFER ? null : UUID.randomUUID(), kind == EntryKind.HOLD ? AT.plusSeconds(60) : null,
                    Map.of("order", "o-1"), AT, List.of(
                    new Posting(ALICE, "USD", Side.DEBIT, 1234, 0, new Balance(1234, 5000, 0, 0), 3),
                    new Posting(BOB, "USD", Side.CREDIT, 1234, 0, new Balance(0, 1234, 0, 0), 1)));
            var events = LedgerEvents.of(entry);
            assertThat(events).hasSize(2);
            assertThat(events).extracting(e -> e.header().accountId()).containsExactly(ALICE, BOB);
            assertThat(events).extracting(e -> e.header().type()).containsOnly(EventType.of(kind));
            assertThat(events.get(0).header().eventId()).isNotEqualTo(events.get(1).header().eventId());
            events.forEach(EventCodecTest::assertRoundTrip);
        }
    }

    @Test
    void eventIdsAreStable() {
        assertThat(EventHeader.eventId(LEDGER, 5, ALICE)).isEqualTo(EventHeader.eventId(LEDGER, 5, ALICE))
                .isNotEqualTo(EventHeader.eventId(LEDGER, 6, ALICE));
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> EventCodec.decode("not json")).isInstanceOf(UndecodableEventException.class);
        assertThatThrownBy(() -> EventCodec.decode("[]")).hasMessageContaining("not a JSON object");
        var valid = EventCodec.encode(new LedgerEvent.AccountClosed(EventHeader.of(EventType.ACCOUNT_CLOSED, LEDGER, 9, AT, ALICE), ALICE));
        assertThatThrownBy(() -> EventCodec.decode(valid.replace("\"schemaVersion\":1", "\"schemaVersion\":2")))
                .hasMessageContaining("schemaVersion 2");
        assertThatThrownBy(() -> EventCodec.decode(valid.replace("ledger.account.closed", "ledger.account.renamed")))
                .hasMessageContaining("unknown event type");
        assertThatThrownBy(() -> EventCodec.decode(valid.replace("\"ledgerSeq\":9", "\"ledgerSeq\":\"9\"")))
                .hasMessageContaining("ledgerSeq is not a 64-bit integer");
        assertThatThrownBy(() -> EventCodec.decode(valid.replace("\"schemaVersion\":1", "\"schemaVersion\":4294967297")))
                .hasMessageContaining("schemaVersion 4294967297");
        var transfer = EventCodec.encode(LedgerEvents.of(new Entry(UUID.randomUUID(), LEDGER, 3, EntryKind.TRANSFER, ALICE, BOB, 5,
                "USD", null, null, Map.of(), AT, List.of(new Posting(ALICE, "USD", Side.DEBIT, 5, 0, new Balance(5, 0, 0, 0), 1),
                new Posting(BOB, "USD", Side.CREDIT, 5, 0, new Balance(0, 5, 0, 0), 1)))).getFirst());
        assertThatThrownBy(() -> EventCodec.decode(transfer.replace("ledger.transfer.posted", "ledger.hold.placed")))
                .hasMessageContaining("does not match entry.kind TRANSFER");
    }

    private static void assertRoundTrip(LedgerEvent event) {
        var json = EventCodec.encode(event);
        var decoded = EventCodec.decode(json);
        assertThat(decoded).isEqualTo(event);
        assertThat(EventCodec.encode(decoded)).isEqualTo(json);
    }
}
