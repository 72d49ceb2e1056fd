package dev.creditledger.kafka;

import dev.creditledger.core.Backoff;
import java.time.Duration;

/**
 * Limits and timings of the {@link EventRelay}.
 *
 * @param eventsPerClaimMax events claimed, sent and acknowledged as one unit; a ledger sequence is never
 *                          split, so one claim can exceed this by the copies of its only sequence
 * @param idlePoll          pause after finding nothing to publish
 * @param backoffMax        longest pause between two failed attempts to publish; pauses start at {@link #BACKOFF_FIRST} and double
 * @param deliveryTimeout   how long Kafka may take to acknowledge a record, retries included; also bounds
 *                          how long a claim (one PostgreSQL transaction holding one ledger) stays open
 */
public record RelaySettings(int eventsPerClaimMax, Duration idlePoll, Duration backoffMax, Duration deliveryTimeout) {

    public static final int EVENTS_PER_CLAIM_MAX_DEFAULT = 1_000;
    public static final Duration IDLE_POLL_DEFAULT = Duration.ofMillis(50);
    public static final Duration BACKOFF_MAX_DEFAULT = Duration.ofSeconds(5);
    public static final Duration BACKOFF_FIRST = Duration.ofMillis(100);
    public static final Duration DELIVERY_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** Below this the producer's request timeout (half of it) would be too short to reach any broker. */
    public static final Duration DELIVERY_TIMEOUT_MIN = Duration.ofSeconds(1);

    /** The pauses between failed attempts to publish. */
    public Backoff backoff() {
        return new Backoff(BACKOFF_FIRST, backoffMax);
    }

    public static RelaySettings defaults() {
        return new RelaySettings(EVENTS_PER_CLAIM_MAX_DEFAULT, IDLE_POLL_DEFAULT, BACKOFF_MAX_DEFAULT, DELIVERY_TIMEOUT_DEFAULT);
    }

    public RelaySettings {
        if (eventsPerClaimMax < 1) {
            throw new IllegalArgumentException("eventsPerClaimMax must be positive: " + eventsPerClaimMax);
        }
        for (var duration : new Duration[] {idlePoll, backoffMax}) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("relay durations must be positive: " + duration);
            }
        }
        if (deliveryTimeout == null || deliveryTimeout.compareTo(DELIVERY_TIMEOUT_MIN) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least " + DELIVERY_TIMEOUT_MIN + ": " + deliveryTimeout);
        }
    }
}
