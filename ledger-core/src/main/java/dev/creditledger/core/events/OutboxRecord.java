package dev.creditledger.core.events;

import java.time.Instant;
import java.util.UUID;

/**
 * One event as stored in the outbox, ready to publish: the payload is the exact JSON of
 * {@link EventJson#encode}, and {@code part} orders the copies that share a ledger sequence.
 */
public record OutboxRecord(
        UUID ledgerId,
        long ledgerSeq,
        int part,
        UUID eventId,
        EventType type,
        UUID accountId,
        Instant occurredAt,
        String payload,
        String traceparent) {
}
