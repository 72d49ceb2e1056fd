package dev.creditledger.kafka;

import dev.creditledger.core.events.EncodedEvent;
import dev.creditledger.postgres.JournalEventLog;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Reads the journal's events, the published marks and the ledgers' last sequences straight from PostgreSQL. */
final class JournalTables {
    private JournalTables() {}

    /** Every event the journal holds, in (ledger, seq, part) order. */
    static List<EncodedEvent> events(DataSource dataSource) {
        var log = new JournalEventLog(dataSource);
        List<EncodedEvent> events = new ArrayList<>();
        for (var ledger : ledgers(dataSource)) {
            events.addAll(log.read(ledger, 0, lastSeq(dataSource, ledger)));
        }
        return events;
    }

    static long publishedSeq(DataSource dataSource, UUID ledgerId) {
        return single(dataSource, "SELECT published_seq FROM event_cursors WHERE ledger_id = ?", ledgerId);
    }

    static long lastSeq(DataSource dataSource, UUID ledgerId) {
        return single(dataSource, "SELECT last_seq FROM ledgers WHERE id = ?", ledgerId);
    }

    static boolean allPublished(DataSource dataSource, List<UUID> ledgerIds) {
        return ledgerIds.stream().allMatch(id -> publishedSeq(dataSource, id) == lastSeq(dataSource, id));
    }

    private static List<UUID> ledgers(DataSource dataSource) {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement("SELECT id FROM ledgers ORDER BY id");
             var rs = ps.executeQuery()) {
            List<UUID> ledgers = new ArrayList<>();
            while (rs.next()) {
                ledgers.add(rs.getObject(1, UUID.class));
            }
            return ledgers;
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
