package dev.creditledger.core.events;

import java.time.Instant;
import java.util.UUID;

/**
 * One event ready to publish: the payload is the exact JSON of {@link EventJson#encode}, and
 * {@code part} orders the copies that share a ledger sequence (one per account the change touches).
 *
 * @param traceparent the W3C trace context of the request that caused the change, or null
 */
public record EncodedEvent(
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
