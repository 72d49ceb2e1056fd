package dev.creditledger.postgres;

import dev.creditledger.core.events.EncodedEvent;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventJson;
import dev.creditledger.core.events.EventLog;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.PlanChoice;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The event log over PostgreSQL: the journal itself (ADR 0006). A claim is a transaction that holds the
 * ledger's {@code event_cursors} row (FOR UPDATE SKIP LOCKED, so other relays pass over the ledger)
 * and reads the accounts opened, accounts closed and entries with a sequence after its published mark,
 * up to the ledger's last sequence as committed when the claim began. Because a ledger's sequence is
 * gap-free and commit-ordered (the posting engine holds the ledger row until it commits), every
 * sequence up to that last one is visible: reading in sequence order never skips a change that
 * commits late. Each change is encoded into its events ({@link LedgerEvents}, {@link EventJson})
 * exactly as the engine would have, so a change always gives the same events with the same ids.
 *
 * What can go wrong: a database error surfaces as {@link StorageUnavailableException} and leaves the
 * mark where it was, so the events are claimed again later (at-least-once publication). A sequence
 * missing from the journal fails the claim with {@link IllegalStateException}: the ledger stops
 * publishing rather than skip a change, and {@code ledger verify} names the gap.
 */
public final class JournalEventLog implements EventLog {

    private final DataSource dataSource;

    public JournalEventLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A ledger's published mark and last sequence, as the claim locked them. */
    private record Cursor(UUID ledgerId, long publishedSeq, long lastSeq) {}

    @Override
    public Optional<Claim> claimNext(int eventsMax) {
        if (eventsMax < 1) {
            throw new IllegalArgumentException("eventsMax must be at least 1");
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            var pipeline = new Pipeline();
            // The claim's reads of the journal run on generic plans (see PlanChoice).
            PlanChoice.generic(pipeline);
            // The least recently tried ledger with a backlog goes first, so no ledger starves another,
            // not even one whose publication keeps failing.
            var claimed = new Cursor[1];
            pipeline.add("""
                    SELECT c.ledger_id, c.published_seq, l.last_seq FROM event_cursors c JOIN ledgers l ON l.id = c.ledger_id
                    WHERE l.last_seq > c.published_seq AND l.move_state IS NULL
                    ORDER BY c.attempted_at NULLS FIRST, c.ledger_id
                    LIMIT 1 FOR UPDATE OF c SKIP LOCKED""", (ps, i) -> i, rs -> {
                if (rs.next()) {
                    claimed[0] = new Cursor(Sql.uuid(rs, "ledger_id"), rs.getLong("published_seq"), rs.getLong("last_seq"));
                }
            });
            pipeline.run(connection);
            if (claimed[0] == null) {
                connection.rollback();
                connection.close();
                return Optional.empty();
            }
            var cursor = claimed[0];
            var events = read(connection, cursor.ledgerId(), cursor.publishedSeq(), cursor.lastSeq(), eventsMax);
            return Optional.of(new JournalClaim(connection, cursor.ledgerId(), events));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StorageUnavailableException("could not claim events: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /**
     * Every event of one ledger with a sequence in {@code (afterSeq, toSeq]}, without claiming anything:
     * what the relay publishes for those sequences, for checks and tools.
     */
    public List<EncodedEvent> read(UUID ledgerId, long afterSeq, long toSeq) {
        try (var connection = dataSource.getConnection()) {
            connection.setReadOnly(true);
            return read(connection, ledgerId, afterSeq, toSeq, Integer.MAX_VALUE, toSeq - afterSeq);
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read events: " + e.getMessage(), e);
        }
    }

    /**
     * The events of whole sequences after the mark. A window of {@code eventsMax / 2} sequences is read
     * (a transfer gives two events); when it gives more than {@code eventsMax} events, it is cut after
     * the last sequence that keeps within the limit, but never before its first sequence.
     */
    private static List<EncodedEvent> read(Connection connection, UUID ledgerId, long publishedSeq, long lastSeq, int eventsMax)
            throws SQLException {
        return read(connection, ledgerId, publishedSeq, lastSeq, eventsMax, Math.max(1, eventsMax / 2));
    }

    private static List<EncodedEvent> read(Connection connection, UUID ledgerId, long publishedSeq, long lastSeq, int eventsMax,
                                           long seqsMax) throws SQLException {
        if (lastSeq <= publishedSeq) {
            return List.of();
        }
        long toSeq = Math.min(lastSeq, publishedSeq + seqsMax);
        var bySeq = new TreeMap<Long, List<LedgerEvent>>();
        var traceparents = new TreeMap<Long, String>();
        var changes = JournalReader.changesBySeq(connection, ledgerId, publishedSeq, toSeq);
        for (var opened : changes.opened()) {
            var a = opened.account();
            put(bySeq, a.seq(), List.of(new LedgerEvent.AccountOpened(
                    EventHeader.of(EventType.ACCOUNT_OPENED, ledgerId, a.seq(), a.createdAt(), a.id()), a)));
            traceparents.put(a.seq(), opened.traceparent());
        }
        for (var closed : changes.closed()) {
            put(bySeq, closed.seq(), List.of(new LedgerEvent.AccountClosed(
                    EventHeader.of(EventType.ACCOUNT_CLOSED, ledgerId, closed.seq(), closed.closedAt(), closed.accountId()),
                    closed.accountId())));
            traceparents.put(closed.seq(), closed.traceparent());
        }
        for (var journaled : changes.entries()) {
            var entry = journaled.entry();
            var entryEvents = new ArrayList<>(LedgerEvents.of(entry));
            entryEvents.addAll(LedgerEvents.alertsOf(entry));
            put(bySeq, entry.seq(), entryEvents);
            traceparents.put(entry.seq(), journaled.traceparent());
        }
        List<EncodedEvent> events = new ArrayList<>();
        long expected = publishedSeq + 1;
        for (var e : bySeq.entrySet()) {
            long seq = e.getKey();
            if (seq != expected) {
                break;
            }
            if (!events.isEmpty() && events.size() + e.getValue().size() > eventsMax) {
                break;
            }
            var payloads = EventJson.encodeAll(e.getValue());
            for (int part = 0; part < e.getValue().size(); part++) {
                var h = e.getValue().get(part).header();
                events.add(new EncodedEvent(ledgerId, seq, part, h.eventId(), h.type(), h.accountId(), h.occurredAt(),
                        payloads.get(part), traceparents.get(seq)));
            }
            expected++;
        }
        if (expected <= toSeq && !bySeq.containsKey(expected)) {
            throw new IllegalStateException("ledger " + ledgerId + " committed up to sequence " + lastSeq
                    + " but its journal has no account, closure or entry at sequence " + expected + "; run ledger verify");
        }
        return events;
    }

    private static void put(TreeMap<Long, List<LedgerEvent>> bySeq, long seq, List<LedgerEvent> events) {
        if (bySeq.putIfAbsent(seq, events) != null) {
            throw new IllegalStateException("sequence " + seq + " is used twice in the journal; run ledger verify");
        }
    }

    @Override
    public Backlog backlog() {
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("""
                     SELECT coalesce(sum(l.last_seq - c.published_seq), 0) AS changes, min(first.at) AS oldest
                     FROM event_cursors c JOIN ledgers l ON l.id = c.ledger_id
                     LEFT JOIN LATERAL (
                         SELECT coalesce(
                             (SELECT created_at FROM entries WHERE ledger_id = l.id AND seq = c.published_seq + 1),
                             (SELECT created_at FROM accounts WHERE ledger_id = l.id AND seq = c.published_seq + 1),
                             (SELECT closed_at FROM account_closures WHERE ledger_id = l.id AND seq = c.published_seq + 1)) AS at
                     ) first ON true
                     WHERE l.last_seq > c.published_seq AND l.move_state IS NULL""");
             var rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong("changes"), Sql.instant(rs, "oldest"));
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not measure the event backlog: " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The transaction ends with the session.
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing more to release.
        }
    }

    /** An open transaction holding one ledger's cursor row. */
    private static final class JournalClaim implements Claim {
        private final Connection connection;
        private final UUID ledgerId;
        private final List<EncodedEvent> events;
        private boolean open = true;

        JournalClaim(Connection connection, UUID ledgerId, List<EncodedEvent> events) {
            this.connection = connection;
            this.ledgerId = ledgerId;
            this.events = List.copyOf(events);
        }

        @Override
        public UUID ledgerId() {
            return ledgerId;
        }

        @Override
        public List<EncodedEvent> events() {
            return events;
        }

        @Override
        public void markPublished() {
            if (!open) {
                throw new IllegalStateException("the claim was already released");
            }
            try {
                // The mark need not wait for its WAL flush: a mark lost in a crash only sends its events again,
                // with the same ids, which consumers deduplicate (at-least-once). Its flush would otherwise
                // queue with the posting engine's durable commits, once per claim.
                try (var ps = connection.prepareStatement("""
                        SET LOCAL synchronous_commit TO OFF;
                        UPDATE event_cursors SET published_seq = ?, published_at = clock_timestamp(), attempted_at = clock_timestamp()
                        WHERE ledger_id = ?""")) {
                    ps.setLong(1, events.getLast().ledgerSeq());
                    ps.setObject(2, ledgerId);
                    ps.execute();
                }
                connection.commit();
                open = false;
            } catch (SQLException e) {
                throw new StorageUnavailableException("could not mark events as published: " + e.getMessage(), e);
            } finally {
                close();
                closeQuietly(connection);
            }
        }

        /** Releases the claim; when it was not marked, records the attempt so other ledgers go first next time. */
        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            try {
                connection.rollback();
                try (var ps = connection.prepareStatement("UPDATE event_cursors SET attempted_at = clock_timestamp() WHERE ledger_id = ?")) {
                    ps.setObject(1, ledgerId);
                    ps.executeUpdate();
                }
                connection.commit();
            } catch (SQLException ignored) {
                // Only the claim order suffers; the events stay unpublished and are claimed again.
            } finally {
                closeQuietly(connection);
            }
        }
    }
}
