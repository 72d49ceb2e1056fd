package dev.creditledger.core.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The relay's view of the event log (ADR 0006): the journal itself, read per ledger in ledger-sequence
 * order after the ledger's published mark, with each change encoded as its events (implemented over
 * PostgreSQL in ledger-postgres). Because a ledger's sequence is gap-free and commit-ordered, reading
 * in sequence order never skips a change that commits late.
 *
 * A claim holds the ledger exclusively (other relays skip it) until it is marked or released, so several
 * relays can run at once and each ledger's events still leave in order. Implementations throw unchecked
 * exceptions when the database is unavailable; nothing is marked then.
 */
public interface EventLog {

    /**
     * Claims the oldest unpublished changes of one ledger that no other relay holds: at most
     * {@code eventsMax} events, and never a part of one ledger sequence without the rest (one sequence
     * whose events alone exceed the limit is claimed whole).
     */
    Optional<Claim> claimNext(int eventsMax);

    /** Changes committed but not yet published, over all ledgers; costs one query per ledger with a backlog at most. */
    Backlog backlog();

    /** Events of one ledger claimed for publication. Closing without {@link #markPublished()} releases them unmarked. */
    interface Claim extends AutoCloseable {
        UUID ledgerId();

        /** The claimed events in ledger-sequence order, the copies of one sequence in posting order. */
        List<EncodedEvent> events();

        /** Records that every claimed event was published, and releases the claim. */
        void markPublished();

        @Override
        void close();
    }

    /**
     * @param changes          ledger sequences committed and not yet published (each yields one event
     *                         per account it touches)
     * @param oldestOccurredAt when the oldest unpublished change was committed, or null when there is none
     */
    record Backlog(long changes, Instant oldestOccurredAt) {}
}
