package dev.creditledger.projections;

import java.time.Instant;
import java.util.UUID;

/**
 * A record the projector could not apply, as stored in the projections database.
 *
 * @param key       the record key (an account id for well-formed events), decoded as UTF-8; null when absent
 * @param payload   the record value decoded as UTF-8 (malformed bytes shown as U+FFFD); null when absent
 * @param reason    why it was not applied (the latest attempt's reason after a failed retry)
 * @param retriedAt when a retry applied it, or null
 */
public record DeadLetter(
        UUID id,
        String topic,
        int partition,
        long offset,
        String key,
        String payload,
        String reason,
        DeadLetterStatus status,
        Instant createdAt,
        Instant retriedAt) {
}
