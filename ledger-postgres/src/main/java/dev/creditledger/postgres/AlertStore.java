package dev.creditledger.postgres;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.AlertThresholds;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Reason;
import dev.creditledger.jdbc.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Low-balance alerts in PostgreSQL (ADR 0012): an account's thresholds, which are settings kept in its
 * {@code balances} row, and the journal of their crossings ({@code balance_alerts}), which the posting
 * engine writes with the entries that crossed them. Thresholds change under the ledger row lock, the
 * lock every posting batch of the ledger holds from its reads to its commit, so a batch sees either the
 * old thresholds or the new ones for all of its entries, never a mix.
 */
public final class AlertStore {

    /** One crossing as listed: the alert, and the entry that made it. */
    public record Crossing(long seq, int alertNo, UUID entryId, EntryKind entryKind, String asset, Instant at, BalanceAlert alert) {}

    private final JournalRouter journals;

    public AlertStore(JournalRouter journals) {
        this.journals = journals;
    }

    /**
     * Replaces the account's thresholds (an empty list removes them). Crosses nothing by itself: the next
     * entry that moves the balance across a threshold alerts.
     *
     * @throws LedgerRejection ALERT_THRESHOLDS_INVALID, ACCOUNT_NOT_FOUND or ACCOUNT_CLOSED
     */
    public void setThresholds(UUID ledgerId, UUID accountId, List<Long> thresholds) {
        var violation = AlertThresholds.check(thresholds);
        if (violation != null) {
            throw new LedgerRejection(violation.reason(), violation.detail());
        }
        var kept = AlertThresholds.normalize(thresholds);
        try (var connection = journals.dataSourceFor(ledgerId).getConnection()) {
            connection.setAutoCommit(false);
            try {
                try (var lock = connection.prepareStatement("SELECT move_state, moved_to FROM ledgers WHERE id = ? FOR NO KEY UPDATE")) {
                    lock.setObject(1, ledgerId);
                    try (var rs = lock.executeQuery()) {
                        if (rs.next() && rs.getString(1) != null) {
                            throw new LedgerMovedException(ledgerId, rs.getString(1), rs.getString(2));
                        }
                    }
                }
                String status;
                try (var ps = connection.prepareStatement("UPDATE balances SET alert_thresholds = ? "
                        + "WHERE ledger_id = ? AND account_id = ? RETURNING status")) {
                    if (kept.isEmpty()) {
                        ps.setNull(1, java.sql.Types.ARRAY);
                    } else {
                        ps.setArray(1, connection.createArrayOf("int8", kept.toArray()));
                    }
                    ps.setObject(2, ledgerId);
                    ps.setObject(3, accountId);
                    try (var rs = ps.executeQuery()) {
                        status = rs.next() ? rs.getString("status") : null;
                    }
                }
                if (status == null) {
                    throw new LedgerRejection(Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger");
                }
                if (AccountStatus.valueOf(status) == AccountStatus.CLOSED) {
                    throw new LedgerRejection(Reason.ACCOUNT_CLOSED, "account " + accountId + " is closed");
                }
                connection.commit();
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not set alert thresholds: " + e.getMessage(), e);
        }
    }

    /** The account's crossings in journal order, after the cursor position (sequence, then order within the entry). */
    public List<Crossing> crossings(UUID ledgerId, UUID accountId, long afterSeq, int afterAlertNo, int limit) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
            try (var ps = connection.prepareStatement("""
                    SELECT x.entry_seq, x.alert_no, x.account_id, x.threshold, x.direction, x.available_before, x.available_after,
                           e.id, e.kind, e.created_at, b.asset
                    FROM balance_alerts x
                    JOIN entries e ON e.ledger_id = x.ledger_id AND e.seq = x.entry_seq
                    JOIN accounts b ON b.ledger_id = x.ledger_id AND b.id = x.account_id
                    WHERE x.ledger_id = ? AND x.account_id = ? AND (x.entry_seq, x.alert_no) > (?, ?)
                    ORDER BY x.entry_seq, x.alert_no LIMIT ?""")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, accountId);
                ps.setLong(3, afterSeq);
                ps.setInt(4, afterAlertNo);
                ps.setInt(5, limit);
                List<Crossing> crossings = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        crossings.add(new Crossing(rs.getLong("entry_seq"), rs.getInt("alert_no"), Sql.uuid(rs, "id"),
                                EntryKind.valueOf(rs.getString("kind")), rs.getString("asset"), Sql.instant(rs, "created_at"),
                                JournalReader.alert(rs)));
                    }
                }
                return crossings;
            }
        });
    }
}
