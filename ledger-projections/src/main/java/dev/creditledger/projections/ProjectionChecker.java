package dev.creditledger.projections;

import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Compares every read model with the journal databases (the ledgers' own tables, on each cluster, ADR 0020) and lists
 * every difference in words:
 * <ul>
 *   <li>BALANCES: per account, asset, normal side, status (against {@code balances.status} and, as
 *       {@code closure_status}, against the presence of an {@code account_closures} row), the four
 *       totals and the version, against {@code accounts}, {@code balances} and {@code account_closures};</li>
 *   <li>STATEMENTS: every posting, every column, against {@code postings} joined with {@code entries};</li>
 *   <li>DAILY_BALANCES: per account and UTC day, the balances after the day's highest account version,
 *       computed from {@code postings};</li>
 *   <li>ASSET_TOTALS: per asset, the sums of {@code balances} and the number of accounts;</li>
 *   <li>the watermark, against the ledger's last sequence.</li>
 * </ul>
 * It assumes a quiescent, fully delivered state: nothing being posted, every event published and
 * applied. Run while events are in flight it reports them as differences. Each database is read in
 * one repeatable-read, read-only transaction, row by row (constant memory per ledger). A ledger is checked against the
 * cluster that holds its live copy; a ledger the read models hold and no cluster does is checked against an empty
 * journal, so each of its projected rows is a difference.
 *
 * What can go wrong: an unavailable database is a {@link ProjectionUnavailableException}.
 */
public final class ProjectionChecker {

    /** Differences listed in a report; the total counts them all. */
    public static final int DIFFERENCES_MAX = 1_000;

    private static final String JOURNAL_BALANCES = """
            SELECT a.id AS account_id, a.asset, a.normal_side, b.status, b.debits_posted, b.credits_posted,
                   b.debits_pending, b.credits_pending, b.version,
                   CASE WHEN c.account_id IS NULL THEN 'OPEN' ELSE 'CLOSED' END AS closure_status
            FROM accounts a
            JOIN balances b ON b.ledger_id = a.ledger_id AND b.account_id = a.id
            LEFT JOIN account_closures c ON c.ledger_id = a.ledger_id AND c.account_id = a.id
            WHERE a.ledger_id = ? ORDER BY a.id""";
    private static final String PROJECTED_BALANCES = """
            SELECT account_id, asset, normal_side, status, debits_posted, credits_posted, debits_pending, credits_pending,
                   version, status AS closure_status
            FROM account_balances WHERE ledger_id = ? ORDER BY account_id""";

    private static final String JOURNAL_STATEMENTS = """
            SELECT p.account_id, p.account_version, e.id AS entry_id, p.entry_seq, p.line_no, e.kind, p.side, p.asset,
                   p.posted_amount, p.pending_delta, p.debits_posted_after, p.credits_posted_after, p.debits_pending_after,
                   p.credits_pending_after, p.created_at, coalesce(e.metadata, '{}') AS metadata
            FROM postings p JOIN entries e ON e.ledger_id = p.ledger_id AND e.seq = p.entry_seq
            WHERE p.ledger_id = ? ORDER BY p.account_id, p.account_version""";
    private static final String PROJECTED_STATEMENTS = """
            SELECT account_id, account_version, entry_id, entry_seq, line_no, kind, side, asset, posted_amount, pending_delta,
                   debits_posted_after, credits_posted_after, debits_pending_after, credits_pending_after, created_at, metadata
            FROM statement_lines WHERE ledger_id = ? ORDER BY account_id, account_version""";

    private static final String JOURNAL_DAILY = """
            SELECT DISTINCT ON (account_id, (created_at AT TIME ZONE 'UTC')::date)
                   account_id, (created_at AT TIME ZONE 'UTC')::date AS day, debits_posted_after AS debits_posted,
                   credits_posted_after AS credits_posted, debits_pending_after AS debits_pending,
                   credits_pending_after AS credits_pending, account_version AS version
            FROM postings WHERE ledger_id = ?
            ORDER BY account_id, (created_at AT TIME ZONE 'UTC')::date, account_version DESC""";
    private static final String PROJECTED_DAILY = """
            SELECT account_id, day, debits_posted, credits_posted, debits_pending, credits_pending, version
            FROM daily_balances WHERE ledger_id = ? ORDER BY account_id, day""";

    private static final String JOURNAL_ASSETS = """
            SELECT a.asset, sum(b.debits_posted)::bigint AS debits_posted, sum(b.credits_posted)::bigint AS credits_posted,
                   sum(b.debits_pending)::bigint AS debits_pending, sum(b.credits_pending)::bigint AS credits_pending,
                   count(*) AS accounts
            FROM accounts a JOIN balances b ON b.ledger_id = a.ledger_id AND b.account_id = a.id
            WHERE a.ledger_id = ? GROUP BY a.asset ORDER BY a.asset COLLATE "C\"""";
    private static final String PROJECTED_ASSETS = """
            SELECT asset, debits_posted, credits_posted, debits_pending, credits_pending, accounts
            FROM asset_totals WHERE ledger_id = ? ORDER BY asset COLLATE "C\"""";

    private final List<DataSource> journals;
    private final DataSource projections;

    public ProjectionChecker(DataSource journal, DataSource projections) {
        this(List.of(journal), projections);
    }

    /** @param journals the journal of every cluster */
    public ProjectionChecker(List<DataSource> journals, DataSource projections) {
        if (journals.isEmpty()) {
            throw new IllegalArgumentException("no journal to check the read models against");
        }
        this.journals = List.copyOf(journals);
        this.projections = projections;
    }

    /** Rows compared so far, by read model. */
    private static final class Counts {
        long accounts;
        long lines;
        long days;
        long assets;
    }

    public CheckReport check() {
        List<String> listed = new ArrayList<>();
        long[] total = {0};
        var counts = new Counts();
        var checked = new TreeSet<UUID>();
        try (var p = snapshot(projections)) {
            for (var journal : journals) {
                try (var j = snapshot(journal)) {
                    for (var ledgerId : ids(j, "SELECT id FROM ledgers WHERE move_state IS NULL ORDER BY id")) {
                        checkLedger(j, p, ledgerId, counts, differences(listed, total, ledgerId));
                        checked.add(ledgerId);
                    }
                    j.commit();
                }
            }
            var projectedOnly = ids(p, """
                    SELECT ledger_id FROM account_balances UNION SELECT ledger_id FROM statement_lines
                    UNION SELECT ledger_id FROM daily_balances UNION SELECT ledger_id FROM asset_totals
                    UNION SELECT ledger_id FROM ledger_watermarks""");
            projectedOnly.removeAll(checked);
            if (!projectedOnly.isEmpty()) {
                // No cluster holds them: the first journal has none of their rows, so each projected row is reported.
                try (var j = snapshot(journals.getFirst())) {
                    for (var ledgerId : projectedOnly) {
                        checkLedger(j, p, ledgerId, counts, differences(listed, total, ledgerId));
                    }
                    j.commit();
                }
            }
            p.commit();
            return new CheckReport(listed, total[0], checked.size() + projectedOnly.size(), counts.accounts, counts.lines, counts.days,
                    counts.assets);
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not check the projections: " + e.getMessage(), e);
        }
    }

    private static java.util.function.Consumer<String> differences(List<String> listed, long[] total, UUID ledgerId) {
        return difference -> {
            total[0]++;
            if (listed.size() < DIFFERENCES_MAX) {
                listed.add("ledger " + ledgerId + ": " + difference);
            }
        };
    }

    private static void checkLedger(Connection j, Connection p, UUID ledgerId, Counts counts, java.util.function.Consumer<String> out)
            throws SQLException {
        counts.accounts += compare(j, p, ledgerId, "balance of account", JOURNAL_BALANCES, PROJECTED_BALANCES, 1, out);
        counts.lines += compare(j, p, ledgerId, "statement line", JOURNAL_STATEMENTS, PROJECTED_STATEMENTS, 2, out);
        counts.days += compare(j, p, ledgerId, "daily balance", JOURNAL_DAILY, PROJECTED_DAILY, 2, out);
        counts.assets += compare(j, p, ledgerId, "asset total", JOURNAL_ASSETS, PROJECTED_ASSETS, 1, out);
        long lastSeq = Sql.firstNumber(j, "SELECT last_seq FROM ledgers WHERE id = ?", ledgerId).orElse(0);
        long watermark = Sql.firstNumber(p, "SELECT coalesce(projected_seq, 0) FROM ledger_watermarks WHERE ledger_id = ?", ledgerId).orElse(0);
        if (lastSeq != watermark) {
            out.accept("the watermark is " + watermark + " but the journal's last sequence is " + lastSeq);
        }
    }

    private static Connection snapshot(DataSource dataSource) throws SQLException {
        var connection = dataSource.getConnection();
        connection.setAutoCommit(false);
        connection.setReadOnly(true);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        return connection;
    }

    private static long compare(Connection j, Connection p, UUID ledgerId, String what, String journalSql, String projectionSql,
                                int keyColumns, java.util.function.Consumer<String> out) throws SQLException {
        try (var js = j.prepareStatement(journalSql); var ps = p.prepareStatement(projectionSql)) {
            js.setObject(1, ledgerId);
            ps.setObject(1, ledgerId);
            return RowComparison.compare(what, js, ps, keyColumns, out);
        }
    }

    private static List<UUID> ids(Connection connection, String sql) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (var ps = connection.prepareStatement(sql); var rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
