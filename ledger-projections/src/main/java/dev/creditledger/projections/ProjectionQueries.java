package dev.creditledger.projections;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the read models. Every answer is as of the last committed projector batch; use
 * {@link #awaitSeq} to wait until the events of a write (its ledger sequence) are in.
 *
 * What can go wrong: an unavailable database is a {@link ProjectionUnavailableException}; arguments
 * beyond the limits below are an {@link IllegalArgumentException}.
 */
public final class ProjectionQueries {

    /** Statement lines per call. */
    public static final int STATEMENT_LINES_MAX = 1_000;
    /** Days per daily-balances call, both ends included. */
    public static final int DAILY_RANGE_DAYS_MAX = 366;
    /** The longest {@link #awaitSeq} wait. */
    public static final Duration AWAIT_TIMEOUT_MAX = Duration.ofSeconds(60);
    /** How often {@link #awaitSeq} looks at the watermark. */
    public static final Duration AWAIT_POLL_INTERVAL = Duration.ofMillis(20);

    private final DataSource projections;

    public ProjectionQueries(DataSource projections) {
        this.projections = projections;
    }

    public Optional<AccountBalanceView> balance(UUID ledgerId, UUID accountId) {
        return query("SELECT * FROM account_balances WHERE ledger_id = ? AND account_id = ?", rs -> new AccountBalanceView(
                Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "account_id"), rs.getString("asset"),
                rs.getString("normal_side") == null ? null : Side.valueOf(rs.getString("normal_side")),
                AccountStatus.valueOf(rs.getString("status")), rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                rs.getLong("debits_pending"), rs.getLong("credits_pending"), rs.getLong("version"), rs.getLong("last_seq")),
                ledgerId, accountId).stream().findFirst();
    }

    /** Up to {@code limit} lines with an account version above {@code afterVersion}, ascending. */
    public List<StatementLineView> statement(UUID ledgerId, UUID accountId, long afterVersion, int limit) {
        if (limit < 1 || limit > STATEMENT_LINES_MAX) {
            throw new IllegalArgumentException("limit must be 1 to " + STATEMENT_LINES_MAX + ", not " + limit);
        }
        return query("SELECT *, " + Sql.metadataColumns() + """
                 FROM statement_lines WHERE ledger_id = ? AND account_id = ? AND account_version > ?
                ORDER BY account_version LIMIT ?""", rs -> new StatementLineView(Sql.uuid(rs, "ledger_id"),
                Sql.uuid(rs, "account_id"), rs.getLong("account_version"), Sql.uuid(rs, "entry_id"), rs.getLong("entry_seq"),
                rs.getInt("line_no"), EntryKind.valueOf(rs.getString("kind")), Side.valueOf(rs.getString("side")),
                rs.getString("asset"), rs.getLong("posted_amount"), rs.getLong("pending_delta"),
                rs.getLong("debits_posted_after"), rs.getLong("credits_posted_after"), rs.getLong("debits_pending_after"),
                rs.getLong("credits_pending_after"), Sql.instant(rs, "created_at"), Sql.metadata(rs)),
                ledgerId, accountId, afterVersion, limit);
    }

    /** Closing balances of the UTC days from {@code from} to {@code to}, both included, that had postings. */
    public List<DailyBalanceView> dailyBalances(UUID ledgerId, UUID accountId, LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from " + from + " is after to " + to);
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > DAILY_RANGE_DAYS_MAX) {
            throw new IllegalArgumentException("a daily-balances range covers at most " + DAILY_RANGE_DAYS_MAX + " days");
        }
        return query("""
                SELECT * FROM daily_balances WHERE ledger_id = ? AND account_id = ? AND day BETWEEN ? AND ? ORDER BY day""",
                rs -> new DailyBalanceView(Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "account_id"),
                        rs.getObject("day", LocalDate.class), rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                        rs.getLong("debits_pending"), rs.getLong("credits_pending"), rs.getLong("version")),
                ledgerId, accountId, from, to);
    }

    public List<AssetTotalView> assetTotals(UUID ledgerId) {
        return query("SELECT * FROM asset_totals WHERE ledger_id = ? ORDER BY asset COLLATE \"C\"", rs -> new AssetTotalView(
                Sql.uuid(rs, "ledger_id"), rs.getString("asset"), rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                rs.getLong("debits_pending"), rs.getLong("credits_pending"), rs.getLong("accounts"), rs.getLong("last_seq")),
                ledgerId);
    }

    /** The ledger's watermark: every event with a sequence up to it is applied to every read model; 0 when none is. */
    public long projectedSeq(UUID ledgerId) {
        return query("SELECT coalesce(projected_seq, 0) AS seq FROM ledger_watermarks WHERE ledger_id = ?",
                rs -> rs.getLong("seq"), ledgerId).stream().findFirst().orElse(0L);
    }

    /** The highest ledger sequence applied to each model, over all ledgers (0 for a model with nothing applied). */
    public Map<ReadModel, Long> lastAppliedSeq() {
        Map<ReadModel, Long> last = new EnumMap<>(ReadModel.class);
        for (var model : ReadModel.values()) {
            last.put(model, 0L);
        }
        query("SELECT read_model, max(last_seq) AS seq FROM model_progress GROUP BY read_model",
                rs -> last.put(ReadModel.ofName(rs.getString("read_model")), rs.getLong("seq")));
        return last;
    }

    /**
     * Waits until the ledger's watermark reaches {@code seq}, looking every {@link #AWAIT_POLL_INTERVAL}.
     *
     * @param timeout at most {@link #AWAIT_TIMEOUT_MAX}
     * @return true when reached, false when the timeout passed first
     */
    public boolean awaitSeq(UUID ledgerId, long seq, Duration timeout) {
        if (timeout.isNegative() || timeout.compareTo(AWAIT_TIMEOUT_MAX) > 0) {
            throw new IllegalArgumentException("timeout must be 0 to " + AWAIT_TIMEOUT_MAX.toMillis() + " ms, not " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (projectedSeq(ledgerId) >= seq) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                Thread.sleep(Math.min(AWAIT_POLL_INTERVAL.toMillis(), Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, RowReader<T> reader, Object... parameters) {
        try (Connection connection = projections.getConnection(); var ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            List<T> rows = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(reader.read(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not read the projections: " + e.getMessage(), e);
        }
    }
}
