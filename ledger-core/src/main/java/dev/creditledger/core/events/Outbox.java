package dev.creditledger.core.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The relay's view of the transactional outbox (implemented over PostgreSQL in ledger-postgres).
 *
 * Events are read per ledger in ledger-sequence order, after the ledger's published mark. A claim holds
 * the ledger exclusively (other relays skip it) until it is marked or released, so several relays can
 * run at once and each ledger's events still leave in order. Implementations throw unchecked exceptions
 * when the database is unavailable; nothing is marked then.
 */
public interface Outbox {

    /**
     * Claims the oldest unpublished events of one ledger that no other relay holds: at most
     * {@code eventsMax} of them, and never a part of one ledger sequence without the rest.
     */
    Optional<Claim> claimNext(int eventsMax);

    /** Deletes at most {@code rowsMax} published events that occurred before {@code cutoff}; returns how many. */
    int deletePublishedBefore(Instant cutoff, int rowsMax);

    /** Events not yet published, over all ledgers. */
    Backlog backlog();

    /** Events of one ledger claimed for publication. Closing without {@link #markPublished()} releases them unmarked. */
    interface Claim extends AutoCloseable {
        UUID ledgerId();

        List<OutboxRecord> records();

        /** Records that every claimed event was published, and releases the claim. */
        void markPublished();

        @Override
        void close();
    }

    /** @param oldestOccurredAt when the oldest unpublished event occurred, or null when there is none */
    record Backlog(long events, Instant oldestOccurredAt) {}
}
