package dev.creditledger.postgres;

import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.Outbox;
import dev.creditledger.core.events.OutboxRecord;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The outbox over PostgreSQL. A claim is a transaction that holds the ledger's {@code outbox_cursors}
 * row (FOR UPDATE SKIP LOCKED, so other relays pass over the ledger) and reads the rows after its
 * published mark in sequence order. Because a ledger's sequence is gap-free and commit-ordered (the
 * posting engine holds the ledger row until it commits), every row up to the highest visible sequence
 * is visible too: reading in sequence order can never skip a row that commits late (ADR 0005).
 *
 * What can go wrong: a database error surfaces as {@link StorageUnavailableException} and leaves the
 * mark where it was, so the events are claimed again later (at-least-once publication).
 */
public final class PostgresOutbox implements Outbox {

    private final DataSource dataSource;

    public PostgresOutbox(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Claim> claimNext(int eventsMax) {
        if (eventsMax < 1) {
            throw new IllegalArgumentException("eventsMax must be at least 1");
        }
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            UUID ledgerId;
            long publishedSeq;
            // The least recently tried ledger with a backlog goes first, so no ledger starves another,
            // not even one whose publication keeps failing.
            try (var ps = connection.prepareStatement("""
                    SELECT c.ledger_id, c.published_seq FROM outbox_cursors c JOIN ledgers l ON l.id = c.ledger_id
                    WHERE l.last_seq > c.published_seq
                    ORDER BY c.attempted_at NULLS FIRST, c.ledger_id
                    LIMIT 1 FOR UPDATE OF c SKIP LOCKED""");
                 var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    connection.rollback();
                    connection.close();
                    return Optional.empty();
                }
                ledgerId = Sql.uuid(rs, "ledger_id");
                publishedSeq = rs.getLong("published_seq");
            }
            var records = readAfter(connection, ledgerId, publishedSeq, eventsMax);
            return Optional.of(new PostgresClaim(connection, ledgerId, records));
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StorageUnavailableException("could not claim outbox events: " + e.getMessage(), e);
        }
    }

    /**
     * Reads whole sequences after the mark: rows are fetched one past {@code eventsMax} and the last,
     * possibly partial, sequence is dropped unless it is the only one (then it is taken whole).
     */
    private static List<OutboxRecord> readAfter(Connection connection, UUID ledgerId, long publishedSeq, int eventsMax)
            throws SQLException {
        List<OutboxRecord> records = new ArrayList<>();
        try (var ps = connection.prepareStatement("""
                SELECT seq, part, event_id, event_type, account_id, occurred_at, payload, traceparent FROM outbox
                WHERE ledger_id = ? AND seq > ? ORDER BY seq, part LIMIT ?""")) {
            ps.setObject(1, ledgerId);
            ps.setLong(2, publishedSeq);
            ps.setInt(3, eventsMax + 1);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    records.add(new OutboxRecord(ledgerId, rs.getLong("seq"), rs.getInt("part"), Sql.uuid(rs, "event_id"),
                            EventType.ofTypeName(rs.getString("event_type")), Sql.uuid(rs, "account_id"),
                            Sql.instant(rs, "occurred_at"), rs.getString("payload"), rs.getString("traceparent")));
                }
            }
        }
        if (records.size() <= eventsMax) {
            return records;
        }
        long lastSeq = records.getLast().ledgerSeq();
        var whole = new ArrayList<>(records.stream().filter(r -> r.ledgerSeq() != lastSeq).toList());
        if (!whole.isEmpty()) {
            return whole;
        }
        // One sequence holds more than eventsMax copies: take all of it, it cannot be split.
        try (var ps = connection.prepareStatement("""
                SELECT seq, part, event_id, event_type, account_id, occurred_at, payload, traceparent FROM outbox
                WHERE ledger_id = ? AND seq = ? ORDER BY part""")) {
            ps.setObject(1, ledgerId);
            ps.setLong(2, lastSeq);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    whole.add(new OutboxRecord(ledgerId, rs.getLong("seq"), rs.getInt("part"), Sql.uuid(rs, "event_id"),
                            EventType.ofTypeName(rs.getString("event_type")), Sql.uuid(rs, "account_id"),
                            Sql.instant(rs, "occurred_at"), rs.getString("payload"), rs.getString("traceparent")));
                }
            }
        }
        return whole;
    }

    @Override
    public int deletePublishedBefore(Instant cutoff, int rowsMax) {
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("""
                     DELETE FROM outbox WHERE (ledger_id, seq, part) IN (
                         SELECT o.ledger_id, o.seq, o.part FROM outbox o JOIN outbox_cursors c ON c.ledger_id = o.ledger_id
                         WHERE o.occurred_at < ? AND o.seq <= c.published_seq LIMIT ?)""")) {
            Sql.setInstant(ps, 1, cutoff);
            ps.setInt(2, rowsMax);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not clean up the outbox: " + e.getMessage(), e);
        }
    }

    @Override
    public Backlog backlog() {
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("""
                     SELECT count(*) AS events, min(o.occurred_at) AS oldest
                     FROM outbox_cursors c JOIN outbox o ON o.ledger_id = c.ledger_id AND o.seq > c.published_seq""");
             var rs = ps.executeQuery()) {
            rs.next();
            return new Backlog(rs.getLong("events"), Sql.instant(rs, "oldest"));
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not measure the outbox backlog: " + e.getMessage(), e);
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
    private static final class PostgresClaim implements Claim {
        private final Connection connection;
        private final UUID ledgerId;
        private final List<OutboxRecord> records;
        private boolean open = true;

        PostgresClaim(Connection connection, UUID ledgerId, List<OutboxRecord> records) {
            this.connection = connection;
            this.ledgerId = ledgerId;
            this.records = List.copyOf(records);
        }

        @Override
        public UUID ledgerId() {
            return ledgerId;
        }

        @Override
        public List<OutboxRecord> records() {
            return records;
        }

        @Override
        public void markPublished() {
            if (!open) {
                throw new IllegalStateException("the claim was already released");
            }
            try {
                if (!records.isEmpty()) {
                    try (var ps = connection.prepareStatement("""
                            UPDATE outbox_cursors SET published_seq = ?, published_at = clock_timestamp(),
                                   attempted_at = clock_timestamp(), events_published = events_published + ?
                            WHERE ledger_id = ?""")) {
                        ps.setLong(1, records.getLast().ledgerSeq());
                        ps.setLong(2, records.size());
                        ps.setObject(3, ledgerId);
                        ps.executeUpdate();
                    }
                }
                connection.commit();
                open = false;
            } catch (SQLException e) {
                throw new StorageUnavailableException("could not mark outbox events as published: " + e.getMessage(), e);
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
                try (var ps = connection.prepareStatement("UPDATE outbox_cursors SET attempted_at = clock_timestamp() WHERE ledger_id = ?")) {
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
