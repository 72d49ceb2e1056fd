package dev.creditledger.postgres;

import dev.creditledger.core.GrantState;
import dev.creditledger.core.GrantStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Read queries about grants, each scoped to one ledger except the expiry worker's scan. A grant's row
 * is materialised state written under the ledger lock in the batch that changed it, so it is exactly
 * as current as the balances.
 */
public final class GrantQueries {

    private final JournalRouter journals;

    public GrantQueries(JournalRouter journals) {
        this.journals = journals;
    }

    public Optional<GrantState> grant(UUID ledgerId, UUID grantId) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
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
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
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
}
