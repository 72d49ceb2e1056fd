package dev.creditledger.postgres;

import dev.creditledger.core.GrantState;
import dev.creditledger.core.GrantStatus;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Read queries about grants, each scoped to one ledger except the expiry worker's scan. A grant's row
 * is materialised state written under the ledger lock in the batch that changed it, so it is exactly
 * as current as the balances.
 */
public final class GrantQueries {

    private final DataSource dataSource;

    public GrantQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<GrantState> grant(UUID ledgerId, UUID grantId) {
        return ReadOnly.run(dataSource, connection -> {
            try (var ps = connection.prepareStatement("SELECT " + Rows.GRANT_COLUMNS + " FROM grants g WHERE g.ledger_id = ? AND g.id = ?")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, grantId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.grant(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * The account's grants in the order they were made (by ledger sequence), optionally of one status,
     * after the cursor (the sequence of the last grant of the previous page).
     */
    public Page<GrantState> grantsOfAccount(UUID ledgerId, UUID accountId, GrantStatus status, long afterSeq, int limit) {
        return ReadOnly.run(dataSource, connection -> {
            try (var ps = connection.prepareStatement("SELECT " + Rows.GRANT_COLUMNS + " FROM grants g WHERE g.ledger_id = ? "
                    + "AND g.account_id = ? AND g.created_seq > ? AND (?::text IS NULL OR g.status = ?) ORDER BY g.created_seq LIMIT ?")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, accountId);
                ps.setLong(3, afterSeq);
                ps.setString(4, status == null ? null : status.name());
                ps.setString(5, status == null ? null : status.name());
                ps.setInt(6, limit + 1);
                List<GrantState> grants = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        grants.add(Rows.grant(rs));
                    }
                }
                if (grants.size() <= limit) {
                    return new Page<>(grants, null);
                }
                var items = List.copyOf(grants.subList(0, limit));
                return new Page<>(items, Long.toString(items.getLast().createdSeq()));
            }
        });
    }

    /** A grant past its expiry with credit left, to be expired by the worker. */
    public record DueGrant(UUID ledgerId, UUID grantId) {}

    /** Grants past their expiry with credit left, soonest expiry first, across ledgers (the expiry worker's scan). */
    public List<DueGrant> dueGrants(Instant now, int limit) {
        return ReadOnly.run(dataSource, connection -> dueGrants(connection, now, limit));
    }

    private static List<DueGrant> dueGrants(Connection connection, Instant now, int limit) throws SQLException {
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
    }
}
