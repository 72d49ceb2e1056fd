package dev.creditledger.postgres;

import dev.creditledger.core.AccountState;
import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Balance;
import dev.creditledger.core.EscrowState;
import dev.creditledger.core.GrantDraw;
import dev.creditledger.core.GrantState;
import dev.creditledger.core.TransferState;
import dev.creditledger.core.TransferStatus;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps rows to domain records, with the select lists that go with them, so every query that reads an
 * account or a transfer state reads it the same way. Entries are read by {@link JournalReader}.
 */
final class Rows {
    private Rows() {}

    static final String ACCOUNT_STATE_COLUMNS = "a.ledger_id, a.id, a.code, a.asset, a.normal_side, a.overdraft_limit, "
            + "a.created_at, a.seq, " + Sql.metadataColumns("a") + ", b.debits_posted, b.credits_posted, "
            + "b.debits_pending, b.credits_pending, b.version, b.status, b.alert_thresholds";

    static final String ACCOUNT_STATE_FROM = "accounts a JOIN balances b ON b.ledger_id = a.ledger_id AND b.account_id = a.id";

    static AccountState accountState(ResultSet rs) throws SQLException {
        return new AccountState(JournalReader.account(rs), balance(rs), AccountStatus.valueOf(rs.getString("status")),
                rs.getLong("version"), alertThresholds(rs));
    }

    /** The {@code alert_thresholds} column of a {@code balances} row: empty when NULL. */
    static List<Long> alertThresholds(ResultSet rs) throws SQLException {
        var array = rs.getArray("alert_thresholds");
        if (array == null) {
            return List.of();
        }
        return List.of((Long[]) array.getArray());
    }

    /** The four running totals of a {@code balances} row. */
    static Balance balance(ResultSet rs) throws SQLException {
        return new Balance(rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                rs.getLong("debits_pending"), rs.getLong("credits_pending"));
    }

    static final String TRANSFER_STATE_COLUMNS = "ledger_id, transfer_id, from_account_id, to_account_id, asset, amount, "
            + "is_hold, status, posted_amount, reversed_amount, expires_at, draw_grant_ids, draw_amounts";

    static TransferState transferState(ResultSet rs) throws SQLException {
        return new TransferState(Sql.uuid(rs, "transfer_id"), Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "from_account_id"),
                Sql.uuid(rs, "to_account_id"), rs.getString("asset"), rs.getLong("amount"), rs.getBoolean("is_hold"),
                TransferStatus.valueOf(rs.getString("status")), rs.getLong("posted_amount"), rs.getLong("reversed_amount"),
                Sql.instant(rs, "expires_at"), draws(rs));
    }

    private static List<GrantDraw> draws(ResultSet rs) throws SQLException {
        var ids = rs.getArray("draw_grant_ids");
        var amounts = rs.getArray("draw_amounts");
        if (ids == null || amounts == null) {
            return List.of();
        }
        var grantIds = (UUID[]) ids.getArray();
        var drawn = (Long[]) amounts.getArray();
        List<GrantDraw> draws = new ArrayList<>(grantIds.length);
        for (int i = 0; i < grantIds.length; i++) {
            draws.add(new GrantDraw(grantIds[i], drawn[i]));
        }
        return draws;
    }

    static final String ESCROW_COLUMNS = "x.ledger_id, x.order_id, x.id, x.buyer_account_id, x.seller_account_id, "
            + "x.escrow_account_id, x.asset, x.amount, x.released, x.refunded, x.created_seq, x.created_at";

    static EscrowState escrow(ResultSet rs) throws SQLException {
        return new EscrowState(Sql.uuid(rs, "id"), Sql.uuid(rs, "ledger_id"), rs.getString("order_id"), Sql.uuid(rs, "buyer_account_id"),
                Sql.uuid(rs, "seller_account_id"), Sql.uuid(rs, "escrow_account_id"), rs.getString("asset"), rs.getLong("amount"),
                rs.getLong("released"), rs.getLong("refunded"), rs.getLong("created_seq"), Sql.instant(rs, "created_at"));
    }

    static final String GRANT_COLUMNS = "g.ledger_id, g.id, g.account_id, g.asset, g.amount, g.remaining, g.reserved, g.consumed, "
            + "g.expired, g.expires_at, g.source, g.expiry_account_id, g.created_seq, g.created_at, " + Sql.metadataColumns("g");

    static GrantState grant(ResultSet rs) throws SQLException {
        return new GrantState(Sql.uuid(rs, "id"), Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "account_id"), rs.getString("asset"),
                rs.getLong("amount"), rs.getLong("remaining"), rs.getLong("reserved"), rs.getLong("consumed"),
                rs.getLong("expired"), Sql.instant(rs, "expires_at"), rs.getString("source"), Sql.metadata(rs),
                Sql.uuid(rs, "expiry_account_id"), rs.getLong("created_seq"), Sql.instant(rs, "created_at"));
    }

    /**
     * The states of the given transfers and holds of one ledger. Holds, transfers reversed at least
     * once and transfers that drew grants have a {@code transfer_states} row; a transfer posted at once and never reversed has none,
     * and its state is implied by its entry: POSTED, its whole amount posted, nothing reversed. Ids of
     * other entries (captures, multi-leg entries, ...) or of nothing are left out.
     */
    static Map<UUID, TransferState> transferStates(Connection connection, UUID ledgerId, Collection<UUID> ids) throws SQLException {
        Map<UUID, TransferState> states = new HashMap<>();
        if (!ids.isEmpty()) {
            var pipeline = new Pipeline();
            addTransferStates(pipeline, ledgerId, Sql.uuidArray(connection, ids), states);
            pipeline.run(connection);
        }
        return states;
    }

    /** Adds the two statements of {@link #transferStates} to a pipeline; its run fills {@code into}. */
    static void addTransferStates(Pipeline pipeline, UUID ledgerId, java.sql.Array ids, Map<UUID, TransferState> into) {
        pipeline
                .add("SELECT " + TRANSFER_STATE_COLUMNS + " FROM transfer_states WHERE ledger_id = ? AND transfer_id = ANY(?)",
                        (ps, i) -> {
                            ps.setObject(i, ledgerId);
                            ps.setArray(i + 1, ids);
                            return i + 2;
                        }, rs -> {
                            while (rs.next()) {
                                var state = transferState(rs);
                                into.put(state.transferId(), state);
                            }
                        })
                .add("""
                        SELECT e.id, e.amount, debit.account_id AS from_account_id, credit.account_id AS to_account_id, debit.asset
                        FROM entries e
                        JOIN postings debit ON debit.ledger_id = e.ledger_id AND debit.entry_seq / 32 = e.seq / 32
                             AND debit.entry_seq = e.seq AND debit.line_no = 0
                        JOIN postings credit ON credit.ledger_id = e.ledger_id AND credit.entry_seq / 32 = e.seq / 32
                             AND credit.entry_seq = e.seq AND credit.line_no = 1
                        WHERE e.ledger_id = ? AND e.id = ANY(?) AND e.kind = 'TRANSFER'""", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, ids);
                    return i + 2;
                }, rs -> {
                    // Runs after the stored states were read: a stored state wins over the implied one.
                    while (rs.next()) {
                        var id = Sql.uuid(rs, "id");
                        long amount = rs.getLong("amount");
                        into.putIfAbsent(id, new TransferState(id, ledgerId, Sql.uuid(rs, "from_account_id"),
                                Sql.uuid(rs, "to_account_id"), rs.getString("asset"), amount, false, TransferStatus.POSTED, amount, 0, null));
                    }
                });
    }

    static final String ACCOUNT_COLUMNS = "a.ledger_id, a.id, a.code, a.asset, a.normal_side, a.overdraft_limit, a.created_at, "
            + "a.seq, " + Sql.metadataColumns("a");

    /** Account definitions (without balances) of one ledger by id; unknown ids are left out. */
    static Map<UUID, dev.creditledger.core.Account> accounts(Connection connection, UUID ledgerId, Collection<UUID> ids)
            throws SQLException {
        Map<UUID, dev.creditledger.core.Account> accounts = new HashMap<>();
        if (ids.isEmpty()) {
            return accounts;
        }
        try (var ps = connection.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM accounts a WHERE a.ledger_id = ? AND a.id = ANY(?)")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var account = JournalReader.account(rs);
                    accounts.put(account.id(), account);
                }
            }
        }
        return accounts;
    }

    /**
     * Whether a transfer's state must be stored, or is implied by its entry (see {@link #transferStates}):
     * holds, reversed transfers and transfers that drew grants are stored.
     */
    static boolean stored(TransferState state) {
        return state.hold() || state.reversedMinor() > 0 || !state.draws().isEmpty();
    }
}
