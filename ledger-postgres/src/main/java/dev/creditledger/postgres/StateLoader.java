package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Asset;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.CommandValidator;
import dev.creditledger.core.GrantState;
import dev.creditledger.core.IdempotencyRecord;
import dev.creditledger.core.LedgerState;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Submission;
import dev.creditledger.core.SystemAccounts;
import dev.creditledger.core.TransferState;
import dev.creditledger.jdbc.Pipeline;
import dev.creditledger.jdbc.PlanChoice;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Loads what the submissions of one ledger can touch, in ONE round trip for a batch of transfers and
 * entries (more only when captures, voids, expiries or reversals name accounts the batch did not, or
 * loaded grants name grants or breakage accounts not loaded yet: each further round trip loads what the
 * previous one named, until nothing new is named). With every account it loads the account's ACTIVE
 * grants; with every transfer the grants its draws name: together, every grant the state machine can
 * look at. A batch that reverses entries (ADR 0018) also reads, in its first round trip, those entries and
 * the REVERSAL entries that already reference them (the journal says what is left to reverse, no counter
 * does), and in one more round trip what they name: the transfer of a transfer, hold or capture, the escrow
 * of an escrow entry, the grants of their grant changes and the accounts of their postings. The first statement locks the ledger row (FOR NO KEY UPDATE): batches of one ledger serialise
 * on it, across batchers and instances, and it is held until the commit. The reads that follow it in
 * the same round trip each take a fresh snapshot (READ COMMITTED), so they see everything the previous
 * holder of the lock committed. Balance and transfer rows need no lock of their own: every writer of
 * them holds the ledger lock (ADR 0002).
 *
 * Account definitions come from the {@link AccountCatalog} when it has them, so the common batch reads
 * only balance rows. Every statement names exactly one ledger.
 */
final class StateLoader {
    private StateLoader() {}

    /**
     * The state of one ledger for one batch, the time of the last batch in it, and the head of its journal's hash
     * chain ({@link CanonicalJournal#genesis()} before its first entry).
     */
    record Loaded(LedgerState state, Instant lastAt, byte[] chainHead) {}

    /** What the submissions refer to. */
    private static final class References {
        final Map<UUID, String> keysByDigest = new HashMap<>();
        final Map<String, List<String>> requestHashesByKey = new HashMap<>();
        final Set<UUID> transferIds = new TreeSet<>();
        final Set<UUID> accountIds = new TreeSet<>();
        final Set<UUID> grantIds = new TreeSet<>();
        final Set<String> orderIds = new TreeSet<>();
        final Set<String> codes = new TreeSet<>();
        final Set<UUID> reversedEntryIds = new TreeSet<>();
        boolean opensAccounts;

        private final UUID ledgerId;

        References(UUID ledgerId, List<Submission> submissions) {
            this.ledgerId = ledgerId;
            for (var submission : submissions) {
                for (var request : submission.requests()) {
                    if (request.idempotency() != null) {
                        var key = request.idempotency().key();
                        keysByDigest.putIfAbsent(Digests.digest128(key), key);
                        requestHashesByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(request.idempotency().requestHash());
                    }
                    collect(request.command());
                }
            }
        }

        private void collect(Command command) {
            switch (command) {
                case Command.CreateAccount c -> {
                    opensAccounts = true;
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
                case Command.ReverseEntry r -> reversedEntryIds.add(r.originalId());
                case Command.IssueGrant g -> {
                    accountIds.add(g.accountId());
                    accountIds.add(g.fromAccountId());
                    // The breakage account, which the grant opens when the ledger does not have it yet.
                    opensAccounts = true;
                    accountIds.add(SystemAccounts.breakageAccountId(ledgerId, g.asset()));
                    codes.add(SystemAccounts.breakageAccountCode(g.asset()));
                }
                case Command.ExpireGrant x -> grantIds.add(x.grantId());
                case Command.EarnPoints e -> {
                    accountIds.add(e.memberAccountId());
                    accountIds.add(e.programAccountId());
                    if (Asset.isValidCode(e.asset())) {
                        opensAccounts = true;
                        accountIds.add(SystemAccounts.breakageAccountId(ledgerId, e.asset()));
                        codes.add(SystemAccounts.breakageAccountCode(e.asset()));
                    }
                }
                case Command.FundEscrow f -> {
                    addOrderId(f.orderId());
                    accountIds.add(f.buyer());
                    accountIds.add(f.seller());
                    // The escrow account, which the first escrow of the asset opens.
                    opensAccounts = true;
                    accountIds.add(SystemAccounts.escrowAccountId(ledgerId, f.asset()));
                    codes.add(SystemAccounts.escrowAccountCode(f.asset()));
                }
                case Command.ReleaseEscrow r -> {
                    addOrderId(r.orderId());
                    if (r.feeAccountId() != null) {
                        accountIds.add(r.feeAccountId());
                    }
                }
                case Command.RefundEscrow r -> addOrderId(r.orderId());
                case Command.RecordUsage u -> {
                    accountIds.add(u.accountId());
                    accountIds.add(u.overageAccountId());
                    accountIds.add(u.revenueAccountId());
                }
            }
        }

        /** Only order ids the state machine will accept are looked up (an invalid one is refused before it is looked at). */
        private void addOrderId(String orderId) {
            if (CommandValidator.checkOrderId(orderId) == null) {
                orderIds.add(orderId);
            }
        }
    }

    static Loaded load(Connection connection, UUID ledgerId, List<Submission> submissions, AccountCatalog catalog) throws SQLException {
        var state = new LedgerState();
        var references = new References(ledgerId, submissions);
        var pipeline = new Pipeline();
        PlanChoice.generic(pipeline);
        Instant[] lastAt = new Instant[1];
        byte[][] chainHead = {CanonicalJournal.genesis()};
        pipeline.add("SELECT last_seq, last_at, chain_head, move_state, moved_to FROM ledgers WHERE id = ? FOR NO KEY UPDATE", (ps, i) -> {
            ps.setObject(i, ledgerId);
            return i + 1;
        }, rs -> {
            if (rs.next()) {
                if (rs.getString("move_state") != null) {
                    // A move fenced this copy (or is making it): nothing is written here any more (ADR 0022).
                    throw new LedgerMovedException(ledgerId, rs.getString("move_state"), rs.getString("moved_to"));
                }
                state.loadLedger(ledgerId, rs.getLong("last_seq"));
                lastAt[0] = Sql.instant(rs, "last_at");
                var head = rs.getBytes("chain_head");
                if (head != null) {
                    chainHead[0] = head;
                }
            }
        });
        Map<UUID, TransferState> transfers = new HashMap<>();
        if (!references.transferIds.isEmpty()) {
            Rows.addTransferStates(pipeline, ledgerId, Sql.uuidArray(connection, references.transferIds), transfers);
        }
        var accounts = new AccountsStep(connection, ledgerId, references.accountIds, catalog);
        accounts.addTo(pipeline);
        List<GrantState> grants = new ArrayList<>();
        if (!references.grantIds.isEmpty()) {
            addGrantsById(pipeline, connection, ledgerId, references.grantIds, grants);
        }
        if (!references.orderIds.isEmpty()) {
            addEscrows(pipeline, connection, ledgerId, references.orderIds, state);
        }
        if (!references.keysByDigest.isEmpty()) {
            addIdempotency(pipeline, connection, ledgerId, references, state);
        }
        if (references.opensAccounts) {
            addAssetsAndCodes(pipeline, connection, ledgerId, references.codes, state);
        }
        List<dev.creditledger.core.Entry> reversible = new ArrayList<>();
        if (!references.reversedEntryIds.isEmpty()) {
            JournalReader.addEntriesAndReversals(pipeline, ledgerId, Sql.uuidArray(connection, references.reversedEntryIds), reversible);
        }
        pipeline.run(connection);
        if (lastAt[0] == null) {
            return new Loaded(new LedgerState(), Instant.EPOCH, chainHead[0]); // unknown ledger: every command is rejected LEDGER_NOT_FOUND
        }

        transfers.values().forEach(state::loadTransfer);
        accounts.loadInto(state);
        grants.forEach(state::loadGrant);
        reversible.forEach(state::loadEntry);
        if (!reversible.isEmpty()) {
            loadWhatReversalsName(connection, ledgerId, state, reversible, references, catalog);
        }
        loadWhatIsNamed(connection, ledgerId, state, references, catalog);
        return new Loaded(state, lastAt[0], chainHead[0]);
    }

    /**
     * Loads, a round trip at a time, the accounts and grants that loaded rows name and that are not
     * loaded yet: the accounts of transfers (captures, voids and reversals name only the transfer), the
     * grants of transfers' draws, and the accounts and breakage accounts of grants. Each round asks only
     * for ids never asked before, so it ends.
     */
    private static void loadWhatIsNamed(Connection connection, UUID ledgerId, LedgerState state, References references,
                                        AccountCatalog catalog) throws SQLException {
        Set<UUID> askedAccounts = new java.util.HashSet<>(references.accountIds);
        Set<UUID> askedGrants = new java.util.HashSet<>(references.grantIds);
        while (true) {
            Set<UUID> moreAccounts = new TreeSet<>();
            Set<UUID> moreGrants = new TreeSet<>();
            for (var transfer : state.transfers().values()) {
                for (var id : List.of(transfer.fromAccountId(), transfer.toAccountId())) {
                    if (!askedAccounts.contains(id)) {
                        moreAccounts.add(id);
                    }
                }
                for (var draw : transfer.draws()) {
                    if (!askedGrants.contains(draw.grantId()) && !state.grants().containsKey(draw.grantId())) {
                        moreGrants.add(draw.grantId());
                    }
                }
            }
            for (var escrow : state.escrows(ledgerId).values()) {
                for (var id : List.of(escrow.buyerAccountId(), escrow.sellerAccountId(), escrow.escrowAccountId())) {
                    if (!askedAccounts.contains(id)) {
                        moreAccounts.add(id);
                    }
                }
            }
            for (var grant : state.grants().values()) {
                for (var id : List.of(grant.accountId(), grant.expiryAccountId())) {
                    if (!askedAccounts.contains(id)) {
                        moreAccounts.add(id);
                    }
                }
            }
            if (moreAccounts.isEmpty() && moreGrants.isEmpty()) {
                return;
            }
            var round = new Pipeline();
            var accounts = new AccountsStep(connection, ledgerId, moreAccounts, catalog);
            accounts.addTo(round);
            List<GrantState> grants = new ArrayList<>();
            if (!moreGrants.isEmpty()) {
                addGrantsById(round, connection, ledgerId, moreGrants, grants);
            }
            round.run(connection);
            accounts.loadInto(state);
            grants.forEach(state::loadGrant);
            askedAccounts.addAll(moreAccounts);
            askedGrants.addAll(moreGrants);
        }
    }

    /**
     * One round trip for what the entries a batch reverses name and the first round did not load: transfers
     * (a capture names its hold), escrows by their funding entry's id, grants of grant changes, accounts of
     * postings. The accounts become asked-for, so {@link #loadWhatIsNamed} does not read them again.
     */
    private static void loadWhatReversalsName(Connection connection, UUID ledgerId, LedgerState state,
                                              List<dev.creditledger.core.Entry> entries, References references,
                                              AccountCatalog catalog) throws SQLException {
        Set<UUID> transferIds = new TreeSet<>();
        Set<UUID> escrowIds = new TreeSet<>();
        Set<UUID> grantIds = new TreeSet<>();
        Set<UUID> accountIds = new TreeSet<>();
        for (var entry : entries) {
            switch (entry.kind()) {
                case TRANSFER, HOLD -> transferIds.add(entry.id());
                case CAPTURE -> transferIds.add(entry.referenceId());
                case ESCROW_FUND -> escrowIds.add(entry.id());
                case ESCROW_RELEASE, ESCROW_REFUND -> escrowIds.add(entry.referenceId());
                case GRANT -> grantIds.add(entry.id());
                default -> { }
            }
            entry.grantChanges().forEach(c -> grantIds.add(c.grantId()));
            entry.postings().forEach(p -> accountIds.add(p.accountId()));
        }
        transferIds.removeIf(id -> state.transfers().containsKey(id));
        grantIds.removeIf(id -> state.grants().containsKey(id));
        accountIds.removeAll(references.accountIds);
        var round = new Pipeline();
        Map<UUID, TransferState> transfers = new HashMap<>();
        if (!transferIds.isEmpty()) {
            Rows.addTransferStates(round, ledgerId, Sql.uuidArray(connection, transferIds), transfers);
        }
        if (!escrowIds.isEmpty()) {
            addEscrows(round, ledgerId, "id", Sql.uuidArray(connection, escrowIds), state);
        }
        List<GrantState> grants = new ArrayList<>();
        if (!grantIds.isEmpty()) {
            addGrantsById(round, connection, ledgerId, grantIds, grants);
        }
        var accounts = new AccountsStep(connection, ledgerId, accountIds, catalog);
        accounts.addTo(round);
        if (round.isEmpty()) {
            return;
        }
        round.run(connection);
        transfers.values().forEach(state::loadTransfer);
        accounts.loadInto(state);
        grants.forEach(state::loadGrant);
        references.accountIds.addAll(accountIds);
        references.grantIds.addAll(grantIds);
    }

    private static void addEscrows(Pipeline pipeline, Connection connection, UUID ledgerId, Set<String> orderIds, LedgerState state)
            throws SQLException {
        addEscrows(pipeline, ledgerId, "order_id", Sql.textArray(connection, orderIds), state);
    }

    /**
     * Loads the ledger's escrows whose {@code keyColumn} ({@code id} or {@code order_id}) is in {@code keys}, except
     * those the state already holds (a batch's own changes to them must not be overwritten by the stored rows).
     */
    private static void addEscrows(Pipeline pipeline, UUID ledgerId, String keyColumn, java.sql.Array keys, LedgerState state) {
        pipeline.add("SELECT " + Rows.ESCROW_COLUMNS + " FROM escrows x WHERE x.ledger_id = ? AND x." + keyColumn + " = ANY(?)",
                (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, keys);
                    return i + 2;
                }, rs -> {
                    while (rs.next()) {
                        var escrow = Rows.escrow(rs);
                        if (state.escrow(ledgerId, escrow.orderId()) == null) {
                            state.loadEscrow(escrow);
                        }
                    }
                });
    }

    private static void addGrantsById(Pipeline pipeline, Connection connection, UUID ledgerId, Set<UUID> ids, List<GrantState> into)
            throws SQLException {
        var idArray = Sql.uuidArray(connection, ids);
        pipeline.add("SELECT " + Rows.GRANT_COLUMNS + " FROM grants g WHERE g.ledger_id = ? AND g.id = ANY(?)", (ps, i) -> {
            ps.setObject(i, ledgerId);
            ps.setArray(i + 1, idArray);
            return i + 2;
        }, rs -> {
            while (rs.next()) {
                into.add(Rows.grant(rs));
            }
        });
    }

    /** What a {@code balances} row holds besides its key. */
    private record BalanceRow(dev.creditledger.core.Balance balance, AccountStatus status, long version, List<Long> alertThresholds) {}

    /** Balance rows of some accounts, their active grants, and the definitions the catalog does not have. */
    private static final class AccountsStep {
        private final Connection connection;
        private final UUID ledgerId;
        private final Set<UUID> ids;
        private final AccountCatalog catalog;
        private final Map<UUID, Account> definitions;
        private final List<UUID> missing;
        private final Map<UUID, BalanceRow> balances = new HashMap<>();
        private final Map<UUID, Account> fetched = new HashMap<>();
        private final List<GrantState> activeGrants = new ArrayList<>();

        AccountsStep(Connection connection, UUID ledgerId, Set<UUID> ids, AccountCatalog catalog) {
            this.connection = connection;
            this.ledgerId = ledgerId;
            this.ids = ids;
            this.catalog = catalog;
            this.definitions = catalog.find(ids);
            this.missing = AccountCatalog.missing(ids, definitions);
        }

        void addTo(Pipeline pipeline) throws SQLException {
            if (ids.isEmpty()) {
                return;
            }
            var idArray = Sql.uuidArray(connection, ids);
            pipeline.add("SELECT account_id, debits_posted, credits_posted, debits_pending, credits_pending, version, status, "
                    + "alert_thresholds FROM balances WHERE ledger_id = ? AND account_id = ANY(?)", (ps, i) -> {
                ps.setObject(i, ledgerId);
                ps.setArray(i + 1, idArray);
                return i + 2;
            }, rs -> {
                while (rs.next()) {
                    balances.put(Sql.uuid(rs, "account_id"), new BalanceRow(Rows.balance(rs),
                            AccountStatus.valueOf(rs.getString("status")), rs.getLong("version"), Rows.alertThresholds(rs)));
                }
            });
            pipeline.add("SELECT " + Rows.GRANT_COLUMNS + " FROM grants g WHERE g.ledger_id = ? AND g.account_id = ANY(?) "
                    + "AND g.status = 'ACTIVE'", (ps, i) -> {
                ps.setObject(i, ledgerId);
                ps.setArray(i + 1, idArray);
                return i + 2;
            }, rs -> {
                while (rs.next()) {
                    activeGrants.add(Rows.grant(rs));
                }
            });
            if (!missing.isEmpty()) {
                var missingArray = Sql.uuidArray(connection, missing);
                pipeline.add("SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts a WHERE a.ledger_id = ? AND a.id = ANY(?)", (ps, i) -> {
                    ps.setObject(i, ledgerId);
                    ps.setArray(i + 1, missingArray);
                    return i + 2;
                }, rs -> {
                    while (rs.next()) {
                        var account = JournalReader.account(rs);
                        fetched.put(account.id(), account);
                    }
                });
            }
        }

        void loadInto(LedgerState state) {
            catalog.addAll(fetched.values());
            for (var e : balances.entrySet()) {
                var definition = definitions.containsKey(e.getKey()) ? definitions.get(e.getKey()) : fetched.get(e.getKey());
                if (definition == null || !definition.ledgerId().equals(ledgerId)) {
                    throw new IllegalStateException("account " + e.getKey() + " has a balance row in ledger " + ledgerId
                            + " but no definition there");
                }
                var b = e.getValue();
                state.loadAccount(new AccountState(definition, b.balance(), b.status(), b.version(), b.alertThresholds()));
            }
            activeGrants.forEach(state::loadGrant);
        }
    }

    /**
     * Idempotency records of the batch's keys. Keys and request hashes are stored as digests; the
     * subject of an accepted request is found from its sequence. A record's request hash is given back
     * as the batch's own hash when their digests agree, so the state machine's comparison of hashes
     * keeps its meaning without the original being stored.
     */
    private static void addIdempotency(Pipeline pipeline, Connection connection, UUID ledgerId, References references,
                                       LedgerState state) throws SQLException {
        var digests = Sql.uuidArray(connection, references.keysByDigest.keySet());
        pipeline.add("""
                SELECT i.key_digest, i.request_digest, i.rejection, i.seq, i.detail, i.created_at,
                       coalesce(e.id, a.id, c.account_id) AS subject_id
                FROM idempotency i
                LEFT JOIN entries e ON e.ledger_id = i.ledger_id AND e.seq = i.seq
                LEFT JOIN accounts a ON a.ledger_id = i.ledger_id AND a.seq = i.seq
                LEFT JOIN account_closures c ON c.ledger_id = i.ledger_id AND c.seq = i.seq
                WHERE i.ledger_id = ? AND i.key_digest = ANY(?)""", (ps, i) -> {
            ps.setObject(i, ledgerId);
            ps.setArray(i + 1, digests);
            return i + 2;
        }, rs -> {
            while (rs.next()) {
                var key = references.keysByDigest.get(Sql.uuid(rs, "key_digest"));
                var requestDigest = Sql.uuid(rs, "request_digest");
                var requestHash = references.requestHashesByKey.get(key).stream()
                        .filter(hash -> Digests.digest128(hash).equals(requestDigest))
                        .findFirst().orElse("stored request digest " + requestDigest);
                var rejection = rs.getString("rejection");
                CommandResult result;
                if (rejection == null) {
                    var subject = Sql.uuid(rs, "subject_id");
                    if (subject == null) {
                        throw new IllegalStateException("idempotency key of ledger " + ledgerId + " names sequence "
                                + rs.getLong("seq") + ", which the journal does not hold");
                    }
                    result = new CommandResult.Accepted(subject, rs.getLong("seq"), false);
                } else {
                    result = new CommandResult.Rejected(Reason.valueOf(rejection), rs.getString("detail"), false);
                }
                state.loadIdempotency(new IdempotencyRecord(ledgerId, key, requestHash, result, Sql.instant(rs, "created_at")));
            }
        });
    }

    /** Only opening an account looks at assets and codes; transfers check the asset against the accounts. */
    private static void addAssetsAndCodes(Pipeline pipeline, Connection connection, UUID ledgerId, Set<String> codes,
                                          LedgerState state) throws SQLException {
        pipeline.add("SELECT code, exponent FROM assets WHERE ledger_id = ?", (ps, i) -> {
            ps.setObject(i, ledgerId);
            return i + 1;
        }, rs -> {
            while (rs.next()) {
                state.loadAsset(ledgerId, new Asset(rs.getString("code"), rs.getInt("exponent")));
            }
        });
        if (codes.isEmpty()) {
            return;
        }
        var codeArray = Sql.textArray(connection, codes);
        pipeline.add("SELECT code, id FROM accounts WHERE ledger_id = ? AND code = ANY(?)", (ps, i) -> {
            ps.setObject(i, ledgerId);
            ps.setArray(i + 1, codeArray);
            return i + 2;
        }, rs -> {
            while (rs.next()) {
                state.loadTakenCode(ledgerId, rs.getString("code"), Sql.uuid(rs, "id"));
            }
        });
    }
}
