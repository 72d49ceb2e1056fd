package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Balance;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Side;
import dev.creditledger.core.TransferState;
import dev.creditledger.core.TransferStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maps rows to domain records, with the select lists that go with them, so every query that reads an
 * account, an entry or a transfer state reads it the same way.
 */
final class Rows {
    private Rows() {}

    static final String ACCOUNT_STATE_COLUMNS = "a.ledger_id, a.id, a.code, a.asset, a.normal_side, a.overdraft_limit, "
            + "a.created_at, a.seq, " + Sql.metadataColumns("a") + ", b.debits_posted, b.credits_posted, "
            + "b.debits_pending, b.credits_pending, b.version, b.status";

    static final String ACCOUNT_STATE_FROM = "accounts a JOIN balances b ON b.ledger_id = a.ledger_id AND b.account_id = a.id";

    static AccountState accountState(ResultSet rs) throws SQLException {
        var account = new Account(Sql.uuid(rs, "id"), Sql.uuid(rs, "ledger_id"), rs.getString("code"), rs.getString("asset"),
                Side.valueOf(rs.getString("normal_side")), Sql.nullableLong(rs, "overdraft_limit"), Sql.metadata(rs),
                Sql.instant(rs, "created_at"), rs.getLong("seq"));
        var balance = new Balance(rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                rs.getLong("debits_pending"), rs.getLong("credits_pending"));
        return new AccountState(account, balance, AccountStatus.valueOf(rs.getString("status")), rs.getLong("version"));
    }

    static final String TRANSFER_STATE_COLUMNS = "ledger_id, transfer_id, from_account_id, to_account_id, asset, amount, "
            + "is_hold, status, posted_amount, reversed_amount, expires_at";

    static TransferState transferState(ResultSet rs) throws SQLException {
        return new TransferState(Sql.uuid(rs, "transfer_id"), Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "from_account_id"),
                Sql.uuid(rs, "to_account_id"), rs.getString("asset"), rs.getLong("amount"), rs.getBoolean("is_hold"),
                TransferStatus.valueOf(rs.getString("status")), rs.getLong("posted_amount"), rs.getLong("reversed_amount"),
                Sql.instant(rs, "expires_at"));
    }

    static final String ACCEPTED = "ACCEPTED";

    static CommandResult storedResult(ResultSet rs) throws SQLException {
        var code = rs.getString("result_code");
        return ACCEPTED.equals(code)
                ? new CommandResult.Accepted(Sql.uuid(rs, "subject_id"), rs.getLong("seq"), false)
                : new CommandResult.Rejected(Reason.valueOf(code), rs.getString("detail"), false);
    }

    private static final String ENTRY_COLUMNS = "e.ledger_id, e.id, e.seq, e.kind, e.from_account_id, e.to_account_id, "
            + "e.amount, e.asset, e.reference_id, e.expires_at, e.created_at, " + Sql.metadataColumns("e");

    /** Loads whole entries (with their postings) of one ledger by id, in the order of the ids given. */
    static Map<UUID, Entry> entries(Connection connection, UUID ledgerId, Collection<UUID> ids) throws SQLException {
        Map<UUID, List<Posting>> postings = new HashMap<>();
        try (var ps = connection.prepareStatement("SELECT entry_id, account_id, asset, side, posted_amount, pending_delta, "
                + "debits_posted_after, credits_posted_after, debits_pending_after, credits_pending_after, account_version "
                + "FROM postings WHERE ledger_id = ? AND entry_id = ANY(?) ORDER BY entry_id, line_no")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    postings.computeIfAbsent(Sql.uuid(rs, "entry_id"), id -> new ArrayList<>()).add(new Posting(
                            Sql.uuid(rs, "account_id"), rs.getString("asset"), Side.valueOf(rs.getString("side")),
                            rs.getLong("posted_amount"), rs.getLong("pending_delta"),
                            new Balance(rs.getLong("debits_posted_after"), rs.getLong("credits_posted_after"),
                                    rs.getLong("debits_pending_after"), rs.getLong("credits_pending_after")),
                            rs.getLong("account_version")));
                }
            }
        }
        Map<UUID, Entry> entries = new LinkedHashMap<>();
        try (var ps = connection.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM entries e WHERE e.ledger_id = ? AND e.id = ANY(?)")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var id = Sql.uuid(rs, "id");
                    entries.put(id, new Entry(id, Sql.uuid(rs, "ledger_id"), rs.getLong("seq"), EntryKind.valueOf(rs.getString("kind")),
                            Sql.uuid(rs, "from_account_id"), Sql.uuid(rs, "to_account_id"), rs.getLong("amount"),
                            rs.getString("asset"), Sql.uuid(rs, "reference_id"), Sql.instant(rs, "expires_at"),
                            Sql.metadata(rs), Sql.instant(rs, "created_at"), postings.getOrDefault(id, List.of())));
                }
            }
        }
        return entries;
    }

    /** Loads account definitions (without balances) of one ledger by id. */
    static Map<UUID, Account> accounts(Connection connection, UUID ledgerId, Collection<UUID> ids) throws SQLException {
        Map<UUID, Account> accounts = new HashMap<>();
        try (var ps = connection.prepareStatement("SELECT " + ACCOUNT_STATE_COLUMNS + " FROM " + ACCOUNT_STATE_FROM
                + " WHERE a.ledger_id = ? AND a.id = ANY(?)")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var state = accountState(rs);
                    accounts.put(state.account().id(), state.account());
                }
            }
        }
        return accounts;
    }
}
