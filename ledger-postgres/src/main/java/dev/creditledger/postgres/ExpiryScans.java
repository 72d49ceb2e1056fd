package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The expiry worker's scans of one cluster, across its ledgers: pending holds past their expiry and grants past
 * their expiry with credit left, soonest first. Each cluster is scanned on its own, so one cluster that does not
 * answer delays only its own expiries.
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
            try (var ps = connection.prepareStatement("SELECT ledger_id, transfer_id FROM transfer_states "
                    + "WHERE status = 'PENDING' AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
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
            try (var ps = connection.prepareStatement("SELECT ledger_id, id FROM grants WHERE remaining > 0 AND expires_at IS NOT NULL "
                    + "AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
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
