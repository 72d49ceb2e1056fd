package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The expiry worker's scans of one cluster, across its ledgers: pending holds past their expiry and grants past
 * their expiry with credit left, soonest first, of the ledgers live on it (not a copy a move is making or left
 * behind). Each cluster is scanned on its own, so one cluster that does not answer delays only its own expiries.
 */
public final class ExpiryScans {

    /** A grant past its expiry with credit left, to be expired by the worker. */
    public record DueGrant(UUID ledgerId, UUID grantId) {}

    private final DataSource dataSource;

    public ExpiryScans(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Pending holds past their expiry, oldest first. */
    public List<ExpiredHold> expiredHolds(Instant now, int limit) {
        return ReadOnly.run(dataSource, connection -> {
            try (var ps = connection.prepareStatement("SELECT t.ledger_id, t.transfer_id FROM transfer_states t "
                    + "JOIN ledgers l ON l.id = t.ledger_id AND l.move_state IS NULL "
                    + "WHERE t.status = 'PENDING' AND t.expires_at IS NOT NULL AND t.expires_at <= ? ORDER BY t.expires_at LIMIT ?")) {
                Sql.setInstant(ps, 1, now);
                ps.setInt(2, limit);
                List<ExpiredHold> holds = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        holds.add(new ExpiredHold(Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "transfer_id")));
                    }
                }
                return holds;
            }
        });
    }

    /** Grants past their expiry with credit left, soonest expiry first. */
    public List<DueGrant> dueGrants(Instant now, int limit) {
        return ReadOnly.run(dataSource, connection -> {
            try (var ps = connection.prepareStatement("SELECT g.ledger_id, g.id FROM grants g JOIN ledgers l ON l.id = g.ledger_id AND l.move_state IS NULL "
                    + "WHERE g.remaining > 0 AND g.expires_at IS NOT NULL AND g.expires_at <= ? ORDER BY g.expires_at LIMIT ?")) {
                Sql.setInstant(ps, 1, now);
                ps.setInt(2, limit);
                List<DueGrant> due = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(new DueGrant(Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "id")));
                    }
                }
                return due;
            }
        });
    }
}
