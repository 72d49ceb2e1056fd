package dev.creditledger.core.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * What every event carries besides its business fields.
 *
 * @param eventId   stable across redelivery and rebuilds: derived from the ledger, the sequence and the
 *                  account, so the same fact always has the same id
 * @param ledgerSeq the ledger sequence of the command that caused the event; several events (one per
 *                  account an entry touches) share it
 * @param accountId the account whose stream this copy belongs to; it is the Kafka record key
 */
public record EventHeader(UUID eventId, EventType type, UUID ledgerId, long ledgerSeq, Instant occurredAt, UUID accountId) {

    public static EventHeader of(EventType type, UUID ledgerId, long ledgerSeq, Instant occurredAt, UUID accountId) {
        return new EventHeader(eventId(ledgerId, ledgerSeq, accountId), type, ledgerId, ledgerSeq, occurredAt, accountId);
    }

    /** The header of an alert: its id also names the threshold, since one entry can cross several. */
    public static EventHeader ofAlert(UUID ledgerId, long ledgerSeq, Instant occurredAt, UUID accountId, long thresholdMinor) {
        var id = UUID.nameUUIDFromBytes((ledgerId + "/" + ledgerSeq + "/" + accountId + "/threshold/" + thresholdMinor)
                .getBytes(StandardCharsets.UTF_8));
        return new EventHeader(id, EventType.BALANCE_THRESHOLD_CROSSED, ledgerId, ledgerSeq, occurredAt, accountId);
    }

    /** A name-based UUID of (ledger, sequence, account): one fact seen from one account. */
    public static UUID eventId(UUID ledgerId, long ledgerSeq, UUID accountId) {
        return UUID.nameUUIDFromBytes((ledgerId + "/" + ledgerSeq + "/" + accountId).getBytes(StandardCharsets.UTF_8));
    }
}
