package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The continuous half of reconciliation: cheap checks of the journal, run again and again while it is
 * written. Per ledger:
 * <ul>
 *   <li>every account's balance row equals the balances its last posting recorded, at the row's version, and
 *       no posting lies beyond that version: two index probes per account through the bucketed version index,
 *       not a sum over its postings, so a pass costs the number of accounts, whatever their history;</li>
 *   <li>the trial balance per asset over every balance row is zero (a balance row changed behind the
 *       ledger's back shows here even when its account was not written to);</li>
 *   <li>the sequences written since the last pass (the incremental part) are each used exactly once (accounts,
 *       entries, closures), and the relay's published mark is not beyond the last sequence.</li>
 * </ul>
 * What it does not recompute, {@link LedgerVerifier} does on the full pass: every posting's balances from its
 * amounts, entries balancing, transfer states, grants, escrows and alerts. A pass reads each ledger in one
 * REPEATABLE READ transaction; the sequences it has checked are remembered only in memory (a restart checks
 * every sequence once more).
 *
 * What can go wrong: an unavailable database is a {@link StorageUnavailableException}; the pass is not
 * counted and the next one starts from the same sequences.
 */
public final class JournalReconciler {

    /** Differences listed per pass at most; the count goes on. */
    public static final int DIFFERENCES_LISTED_MAX = 100;

    private final DataSource dataSource;
    private final Map<UUID, Long> checkedSeq = new HashMap<>();

    public JournalReconciler(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What one pass found: its differences (at most {@link #DIFFERENCES_LISTED_MAX} listed), ledgers and accounts looked at. */
    public record Pass(List<String> differences, int ledgers, long accountsChecked) {
        public boolean clean() {
            return differences.isEmpty();
        }
    }

    public synchronized Pass pass() {
        List<String> differences = new ArrayList<>();
        long accounts = 0;
        Map<UUID, Long> reached = new HashMap<>();
        try (var connection = dataSource.getConnection()) {
            connection.setReadOnly(true);
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            var ledgers = ledgers(connection);
            for (var ledger : ledgers.entrySet()) {
                long from = checkedSeq.getOrDefault(ledger.getKey(), 0L);
                long to = ledger.getValue()[0];
                accounts += checkBalances(connection, ledger.getKey(), differences);
                checkTrialBalance(connection, ledger.getKey(), differences);
                checkSequences(connection, ledger.getKey(), from, to, ledger.getValue()[1], differences);
                reached.put(ledger.getKey(), to);
            }
            connection.commit();
            checkedSeq.putAll(reached);
            return new Pass(differences.subList(0, Math.min(differences.size(), DIFFERENCES_LISTED_MAX)), ledgers.size(), accounts);
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not reconcile the journal: " + e.getMessage(), e);
        }
    }

    /** Ledger id to {last_seq, published_seq}. */
    private static Map<UUID, long[]> ledgers(Connection connection) throws SQLException {
        Map<UUID, long[]> ledgers = new HashMap<>();
        try (var ps = connection.prepareStatement("SELECT l.id, l.last_seq, coalesce(c.published_seq, 0) FROM ledgers l "
                + "LEFT JOIN event_cursors c ON c.ledger_id = l.id WHERE l.move_state IS NULL"); var rs = ps.executeQuery()) {
            while (rs.next()) {
                ledgers.put(Sql.uuid(rs, "id"), new long[] {rs.getLong(2), rs.getLong(3)});
            }
        }
        return ledgers;
    }

    private static long checkBalances(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                SELECT b.account_id, b.version, b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending,
                       p.account_version, p.debits_posted_after, p.credits_posted_after, p.debits_pending_after, p.credits_pending_after,
                       EXISTS (SELECT 1 FROM postings q WHERE q.ledger_id = b.ledger_id AND q.account_id = b.account_id
                               AND q.account_version / 32 >= b.version / 32 AND q.account_version > b.version) AS beyond
                FROM balances b
                LEFT JOIN postings p ON p.ledger_id = b.ledger_id AND p.account_id = b.account_id
                     AND p.account_version / 32 = b.version / 32 AND p.account_version = b.version
                WHERE b.ledger_id = ?
                """;
        long checked = 0;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            ps.setFetchSize(1_000);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    checked++;
                    boolean none = rs.getObject("account_version") == null;
                    boolean missing = none && rs.getLong("version") > 0;
                    boolean beyond = rs.getBoolean("beyond");
                    if (missing || beyond || (none ? rs.getLong("debits_posted") != 0 || rs.getLong("credits_posted") != 0
                            || rs.getLong("debits_pending") != 0 || rs.getLong("credits_pending") != 0
                            : rs.getLong("debits_posted") != rs.getLong("debits_posted_after")
                            || rs.getLong("credits_posted") != rs.getLong("credits_posted_after")
                            || rs.getLong("debits_pending") != rs.getLong("debits_pending_after")
                            || rs.getLong("credits_pending") != rs.getLong("credits_pending_after"))) {
                        differences.add(String.format("ledger %s account %s: balance row debits/credits posted %d/%d pending %d/%d at "
                                        + "version %d, %s", ledgerId, Sql.uuid(rs, "account_id"), rs.getLong("debits_posted"),
                                rs.getLong("credits_posted"), rs.getLong("debits_pending"), rs.getLong("credits_pending"),
                                rs.getLong("version"), missing ? "but the journal has no posting at that version"
                                        : beyond ? "but the journal has postings beyond that version"
                                        : none ? "but the account has no posting (0/0 pending 0/0)"
                                        : String.format("the journal's posting at that version says %d/%d pending %d/%d",
                                                rs.getLong("debits_posted_after"), rs.getLong("credits_posted_after"),
                                                rs.getLong("debits_pending_after"), rs.getLong("credits_pending_after"))));
                    }
                }
            }
        }
        return checked;
    }

    private static void checkTrialBalance(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        try (var ps = connection.prepareStatement("""
                SELECT a.asset, sum(b.credits_posted) - sum(b.debits_posted) AS posted, sum(b.credits_pending) - sum(b.debits_pending) AS pending
                FROM balances b JOIN accounts a ON a.ledger_id = b.ledger_id AND a.id = b.account_id
                WHERE b.ledger_id = ? GROUP BY a.asset
                HAVING sum(b.credits_posted) <> sum(b.debits_posted) OR sum(b.credits_pending) <> sum(b.debits_pending)""")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s trial balance of %s: credits minus debits posted %d, pending %d (must be 0)",
                            ledgerId, rs.getString("asset"), rs.getLong("posted"), rs.getLong("pending")));
                }
            }
        }
    }

    private static void checkSequences(Connection connection, UUID ledgerId, long from, long to, long published, List<String> differences)
            throws SQLException {
        if (published > to) {
            differences.add("ledger " + ledgerId + ": published mark " + published + " is beyond the last sequence " + to);
        }
        if (to <= from) {
            return;
        }
        try (var ps = connection.prepareStatement("""
                WITH used AS (
                    SELECT seq FROM accounts WHERE ledger_id = ? AND seq > ? AND seq <= ?
                    UNION ALL SELECT seq FROM entries WHERE ledger_id = ? AND seq > ? AND seq <= ?
                    UNION ALL SELECT seq FROM account_closures WHERE ledger_id = ? AND seq > ? AND seq <= ?
                )
                SELECT count(*), count(DISTINCT seq) FROM used""")) {
            for (int i = 0; i < 3; i++) {
                ps.setObject(i * 3 + 1, ledgerId);
                ps.setLong(i * 3 + 2, from);
                ps.setLong(i * 3 + 3, to);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                long expected = to - from;
                if (rs.getLong(1) != expected || rs.getLong(2) != expected) {
                    differences.add(String.format("ledger %s sequences %d to %d: %d numbers used (%d distinct), %d expected",
                            ledgerId, from + 1, to, rs.getLong(1), rs.getLong(2), expected));
                }
            }
        }
    }
}
