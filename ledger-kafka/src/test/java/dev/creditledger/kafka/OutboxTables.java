package dev.creditledger.kafka;

import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.OutboxRecord;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the outbox, the published marks and the ledgers' last sequences straight from PostgreSQL. */
final class OutboxTables {
    private OutboxTables() {}

    /** Every outbox row, in (ledger, seq, part) order. */
    static List<OutboxRecord> rows(DataSource dataSource) {
        return query(dataSource, "SELECT * FROM outbox ORDER BY ledger_id, seq, part");
    }

    /** Rows after their ledger's published mark. */
    static List<OutboxRecord> unpublishedRows(DataSource dataSource) {
        return query(dataSource, "SELECT o.* FROM outbox o JOIN outbox_cursors c ON c.ledger_id = o.ledger_id "
                + "WHERE o.seq > c.published_seq ORDER BY o.ledger_id, o.seq, o.part");
    }

    static long publishedSeq(DataSource dataSource, UUID ledgerId) {
        return single(dataSource, "SELECT published_seq FROM outbox_cursors WHERE ledger_id = ?", ledgerId);
    }

    static long lastSeq(DataSource dataSource, UUID ledgerId) {
        return single(dataSource, "SELECT last_seq FROM ledgers WHERE id = ?", ledgerId);
    }

    static boolean allPublished(DataSource dataSource, List<UUID> ledgerIds) {
        return ledgerIds.stream().allMatch(id -> publishedSeq(dataSource, id) == lastSeq(dataSource, id));
    }

    private static List<OutboxRecord> query(DataSource dataSource, String sql) {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(sql); var rs = ps.executeQuery()) {
            List<OutboxRecord> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(new OutboxRecord(rs.getObject("ledger_id", UUID.class), rs.getLong("seq"), rs.getInt("part"),
                        rs.getObject("event_id", UUID.class), EventType.ofTypeName(rs.getString("event_type")),
                        rs.getObject("account_id", UUID.class), rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
                        rs.getString("payload"), rs.getString("traceparent")));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long single(DataSource dataSource, String sql, UUID ledgerId) {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for ledger " + ledgerId + ": " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
