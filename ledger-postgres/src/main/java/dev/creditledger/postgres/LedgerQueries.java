package dev.creditledger.postgres;

import dev.creditledger.core.AccountState;
import dev.creditledger.core.Balance;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Read queries of the API, each scoped to one ledger. Statements and point-in-time balances are index
 * look-ups on the postings' stored balances, not scans: an account's versions are dense and their
 * times never decrease, so a time becomes a version by binary search and a page is a version range. Cursors are opaque strings to clients: the
 * last account id of a page, or the last account version of a statement page.
 */
public final class LedgerQueries {

    private final JournalRouter journals;

    public LedgerQueries(JournalRouter journals) {
        this.journals = journals;
    }

    private <T> T read(UUID ledgerId, ReadOnly.Work<T> work) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), work);
    }

    public Optional<AccountState> account(UUID ledgerId, UUID accountId) {
        return read(ledgerId, connection -> {
            try (var ps = connection.prepareStatement("SELECT " + Rows.ACCOUNT_STATE_COLUMNS + " FROM " + Rows.ACCOUNT_STATE_FROM
                    + " WHERE a.ledger_id = ? AND a.id = ?")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, accountId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.accountState(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Accounts in id order (creation order, since ids are UUIDv7), after the cursor. */
    public Page<AccountState> accounts(UUID ledgerId, AccountFilter filter, UUID after, int limit) {
        return read(ledgerId, connection -> {
            var sql = new StringBuilder("SELECT " + Rows.ACCOUNT_STATE_COLUMNS + " FROM " + Rows.ACCOUNT_STATE_FROM
                    + " WHERE a.ledger_id = ?");
            List<Object> parameters = new ArrayList<>(List.of(ledgerId));
            if (filter.asset() != null) {
                sql.append(" AND a.asset = ?");
                parameters.add(filter.asset());
            }
            if (filter.code() != null) {
                sql.append(" AND a.code = ?");
                parameters.add(filter.code());
            }
            if (after != null) {
                sql.append(" AND a.id > ?");
                parameters.add(after);
            }
            if (!filter.metadata().isEmpty()) {
                sql.append(" AND a.metadata @> ").append(Sql.METADATA_PARAM);
            }
            sql.append(" ORDER BY a.id LIMIT ?");
            try (var ps = connection.prepareStatement(sql.toString())) {
                int index = 1;
                for (var parameter : parameters) {
                    ps.setObject(index++, parameter);
                }
                if (!filter.metadata().isEmpty()) {
                    index = Sql.setMetadata(ps, index, filter.metadata());
                }
                ps.setInt(index, limit + 1);
                List<AccountState> accounts = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        accounts.add(Rows.accountState(rs));
                    }
                }
                return page(accounts, limit, a -> a.account().id().toString());
            }
        });
    }

    /** The balances right after the last posting at or before {@code asOf} (zero before the first). */
    public Optional<Balance> balanceAsOf(UUID ledgerId, UUID accountId, Instant asOf) {
        return read(ledgerId, connection -> Optional.of(balanceAtVersion(connection, ledgerId, accountId,
                versionAt(connection, ledgerId, accountId, asOf))));
    }

    /** The account's balances right after its posting of this version (zero for version 0). */
    static Balance balanceAtVersion(Connection connection, UUID ledgerId, UUID accountId, long version) throws SQLException {
        if (version == 0) {
            return Balance.ZERO;
        }
        try (var ps = connection.prepareStatement("SELECT debits_posted_after, credits_posted_after, debits_pending_after, "
                + "credits_pending_after FROM postings WHERE ledger_id = ? AND account_id = ? AND account_version / 32 = ? "
                + "AND account_version = ?")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, accountId);
            ps.setLong(3, version / 32);
            ps.setLong(4, version);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("account " + accountId + " has no posting of version " + version);
                }
                return new Balance(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /**
     * An account's postings with a version in {@code (low, high]}, through the bucketed index (ADR 0006:
     * version v lives under key v / 32); bind it with {@link #bindVersionRange}. Postings are {@code p}.
     */
    static final String VERSION_RANGE = "p.ledger_id = ? AND p.account_id = ? AND p.account_version / 32 BETWEEN ? AND ? "
            + "AND p.account_version > ? AND p.account_version <= ?";

    /** Binds {@link #VERSION_RANGE} from parameter {@code index}; returns the next free index. */
    static int bindVersionRange(java.sql.PreparedStatement ps, int index, UUID ledgerId, UUID accountId, long low, long high)
            throws SQLException {
        ps.setObject(index, ledgerId);
        ps.setObject(index + 1, accountId);
        ps.setLong(index + 2, (low + 1) / 32);
        ps.setLong(index + 3, high / 32);
        ps.setLong(index + 4, low);
        ps.setLong(index + 5, high);
        return index + 6;
    }

    /**
     * Postings of the account in version order, from (inclusive) and to (exclusive) optional, after the
     * cursor version. Versions are dense and their times never decrease, so a time range is a version
     * range, found by binary search ({@code posting_version_at}), and a page is a version range too.
     */
    public Page<StatementLine> statement(UUID ledgerId, UUID accountId, Instant from, Instant to, long afterVersion, int limit) {
        return read(ledgerId, connection -> {
            long low = afterVersion;
            if (from != null) {
                low = Math.max(low, versionAt(connection, ledgerId, accountId, from.minusNanos(1_000)));
            }
            long high = to != null ? versionAt(connection, ledgerId, accountId, to.minusNanos(1_000)) : lastVersion(connection, ledgerId, accountId);
            // One more than a page, to know whether another page follows.
            high = Math.min(high, low + limit + 1);
            List<StatementLine> lines = new ArrayList<>();
            if (high > low) {
                try (var ps = connection.prepareStatement("SELECT p.account_version, e.id AS entry_id, p.entry_seq, e.kind, p.side, "
                        + "p.posted_amount, p.pending_delta, p.debits_posted_after, p.credits_posted_after, p.debits_pending_after, "
                        + "p.credits_pending_after, p.created_at FROM postings p JOIN entries e ON e.ledger_id = p.ledger_id "
                        + "AND e.seq = p.entry_seq WHERE " + VERSION_RANGE + " ORDER BY p.account_version")) {
                    bindVersionRange(ps, 1, ledgerId, accountId, low, high);
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            lines.add(new StatementLine(rs.getLong("account_version"), Sql.uuid(rs, "entry_id"), rs.getLong("entry_seq"),
                                    EntryKind.valueOf(rs.getString("kind")), Side.valueOf(rs.getString("side")),
                                    rs.getLong("posted_amount"), rs.getLong("pending_delta"),
                                    new Balance(rs.getLong("debits_posted_after"), rs.getLong("credits_posted_after"),
                                            rs.getLong("debits_pending_after"), rs.getLong("credits_pending_after")),
                                    Sql.instant(rs, "created_at")));
                        }
                    }
                }
            }
            return page(lines, limit, l -> Long.toString(l.accountVersion()));
        });
    }

    /** The account's last version whose posting was made at or before {@code at}; 0 when none. */
    static long versionAt(Connection connection, UUID ledgerId, UUID accountId, Instant at) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT posting_version_at(b.ledger_id, b.account_id, b.version, ?) "
                + "FROM balances b WHERE b.ledger_id = ? AND b.account_id = ?")) {
            Sql.setInstant(ps, 1, at);
            ps.setObject(2, ledgerId);
            ps.setObject(3, accountId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static long lastVersion(Connection connection, UUID ledgerId, UUID accountId) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT version FROM balances WHERE ledger_id = ? AND account_id = ?")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, accountId);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** A journal entry of any kind, with the transfer state when it is a transfer or hold. */
    public Optional<TransferView> entry(UUID ledgerId, UUID entryId) {
        return read(ledgerId, connection -> views(connection, ledgerId, List.of(entryId)).stream().findFirst());
    }

    /** Entries that touched the account, in the order they touched it, after the cursor version. */
    public Page<TransferView> entriesOfAccount(UUID ledgerId, UUID accountId, long afterVersion, int limit) {
        var lines = statement(ledgerId, accountId, null, null, afterVersion, limit);
        var ids = lines.items().stream().map(StatementLine::entryId).distinct().toList();
        return new Page<>(read(ledgerId, connection -> views(connection, ledgerId, ids)), lines.nextCursor());
    }

    private static List<TransferView> views(Connection connection, UUID ledgerId, List<UUID> ids) throws SQLException {
        var entries = JournalReader.entriesById(connection, ledgerId, ids);
        var states = Rows.transferStates(connection, ledgerId, ids);
        List<TransferView> views = new ArrayList<>();
        for (var entry : JournalReader.inOrder(ids, entries)) {
            views.add(new TransferView(entry.entry(), states.get(entry.entry().id())));
        }
        return views;
    }

    private static <T> Page<T> page(List<T> fetched, int limit, java.util.function.Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        var items = fetched.subList(0, limit);
        return new Page<>(List.copyOf(items), cursorOf.apply(items.getLast()));
    }

}
