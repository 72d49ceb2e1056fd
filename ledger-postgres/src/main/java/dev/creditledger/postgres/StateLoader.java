package dev.creditledger.postgres;

import dev.creditledger.core.Asset;
import dev.creditledger.core.Command;
import dev.creditledger.core.IdempotencyRecord;
import dev.creditledger.core.LedgerState;
import dev.creditledger.core.Submission;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Loads, and locks, what the submissions of one ledger can touch, in a fixed order that every
 * instance follows: the ledger row first (FOR NO KEY UPDATE: batches of one ledger serialise, while
 * inserts that only reference the ledger, such as new API keys, do not wait), then transfer states, then balance rows, each in ascending
 * id order. Because every batch takes its locks in the same order, two batchers (in this process or
 * another) never deadlock. Every statement names exactly one ledger.
 */
final class StateLoader {
    private StateLoader() {}

    /** The state of one ledger for one batch, and the time of the last batch in it. */
    record Loaded(LedgerState state, Instant lastAt) {}

    static Loaded load(Connection connection, UUID ledgerId, List<Submission> submissions) throws SQLException {
        var state = new LedgerState();
        Instant lastAt = lockLedger(connection, ledgerId, state);
        if (lastAt == null) {
            return new Loaded(state, Instant.EPOCH); // unknown ledger: every command is rejected LEDGER_NOT_FOUND
        }
        Set<String> keys = new TreeSet<>();
        Set<UUID> transferIds = new TreeSet<>();
        Set<UUID> accountIds = new TreeSet<>();
        Set<String> codes = new TreeSet<>();
        for (var submission : submissions) {
            for (var request : submission.requests()) {
                if (request.idempotency() != null) {
                    keys.add(request.idempotency().key());
                }
                collectReferences(request.command(), transferIds, accountIds, codes);
            }
        }
        // Only opening an account looks at assets; transfers check the asset against the accounts.
        if (submissions.stream().flatMap(s -> s.requests().stream()).anyMatch(r -> r.command() instanceof Command.CreateAccount)) {
            loadAssets(connection, ledgerId, state);
        }
        loadIdempotency(connection, ledgerId, keys, state);
        var transfers = lockTransfers(connection, ledgerId, transferIds, state);
        accountIds.addAll(transfers);
        lockAccounts(connection, ledgerId, accountIds, state);
        loadTakenCodes(connection, ledgerId, codes, state);
        return new Loaded(state, lastAt);
    }

    private static void collectReferences(Command command, Set<UUID> transferIds, Set<UUID> accountIds, Set<String> codes) {
        switch (command) {
            case Command.CreateAccount c -> {
                accountIds.add(c.accountId());
                if (c.code() != null) {
                    codes.add(c.code());
                }
            }
            case Command.CloseAccount c -> accountIds.add(c.accountId());
            case Command.PostTransfer t -> {
                accountIds.add(t.from());
                accountIds.add(t.to());
            }
            case Command.PostEntry e -> e.postings().forEach(p -> accountIds.add(p.accountId()));
            case Command.CaptureHold c -> transferIds.add(c.holdId());
            case Command.VoidHold v -> transferIds.add(v.holdId());
            case Command.ExpireHold x -> transferIds.add(x.holdId());
            case Command.ReverseTransfer r -> transferIds.add(r.transferId());
        }
    }

    private static Instant lockLedger(Connection connection, UUID ledgerId, LedgerState state) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT last_seq, last_at FROM ledgers WHERE id = ? FOR NO KEY UPDATE")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                state.loadLedger(ledgerId, rs.getLong("last_seq"));
                return Sql.instant(rs, "last_at");
            }
        }
    }

    private static void loadAssets(Connection connection, UUID ledgerId, LedgerState state) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT code, exponent FROM assets WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.loadAsset(ledgerId, new Asset(rs.getString("code"), rs.getInt("exponent")));
                }
            }
        }
    }

    private static void loadIdempotency(Connection connection, UUID ledgerId, Set<String> keys, LedgerState state) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("SELECT key, request_hash, result_code, subject_id, seq, detail, created_at "
                + "FROM idempotency_keys WHERE ledger_id = ? AND key = ANY(?)")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.textArray(connection, keys));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.loadIdempotency(new IdempotencyRecord(ledgerId, rs.getString("key"), rs.getString("request_hash"),
                            Rows.storedResult(rs), Sql.instant(rs, "created_at")));
                }
            }
        }
    }

    /** Locks the transfer states and returns the accounts they move money between. */
    private static List<UUID> lockTransfers(Connection connection, UUID ledgerId, Set<UUID> ids, LedgerState state) throws SQLException {
        List<UUID> accounts = new ArrayList<>();
        if (ids.isEmpty()) {
            return accounts;
        }
        try (var ps = connection.prepareStatement("SELECT " + Rows.TRANSFER_STATE_COLUMNS
                + " FROM transfer_states WHERE ledger_id = ? AND transfer_id = ANY(?) ORDER BY transfer_id FOR UPDATE")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var transfer = Rows.transferState(rs);
                    state.loadTransfer(transfer);
                    accounts.add(transfer.fromAccountId());
                    accounts.add(transfer.toAccountId());
                }
            }
        }
        return accounts;
    }

    private static void lockAccounts(Connection connection, UUID ledgerId, Set<UUID> ids, LedgerState state) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("SELECT " + Rows.ACCOUNT_STATE_COLUMNS + " FROM " + Rows.ACCOUNT_STATE_FROM
                + " WHERE b.ledger_id = ? AND b.account_id = ANY(?) ORDER BY b.account_id FOR UPDATE OF b")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.uuidArray(connection, ids));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.loadAccount(Rows.accountState(rs));
                }
            }
        }
    }

    private static void loadTakenCodes(Connection connection, UUID ledgerId, Set<String> codes, LedgerState state) throws SQLException {
        if (codes.isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("SELECT code, id FROM accounts WHERE ledger_id = ? AND code = ANY(?)")) {
            ps.setObject(1, ledgerId);
            ps.setArray(2, Sql.textArray(connection, codes));
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    state.loadTakenCode(ledgerId, rs.getString("code"), Sql.uuid(rs, "id"));
                }
            }
        }
    }
}
