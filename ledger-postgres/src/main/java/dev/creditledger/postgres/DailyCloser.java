package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Closes a ledger's days, the calendar days of its close time zone (UTC unless the ledger was created with
 * another; fixed for its life, recorded with each close): for day D, a snapshot of every account opened by the end of D with its balances at
 * the end of D (its last posting made before midnight), the trial balance per asset, the range of ledger
 * sequences D's changes used, and the SHA-256 of D's journal in a canonical form (below), all written once into
 * {@code daily_closes}, {@code daily_close_balances} and {@code daily_close_totals}, which refuse changes.
 *
 * A close only reads the journal (one REPEATABLE READ transaction; no lock a writer waits for) and is idempotent:
 * several workers may close the same day, the first insert wins and the others find it closed. A day is closed
 * once {@code grace} has passed after its end, longer than any batch can take to commit (statement timeout 30 s),
 * so no change of the day can still arrive. Batch times never go backwards within a ledger, so the day's changes
 * are one range of sequences, found by binary search over the sequence indexes.
 *
 * The day's hash is SHA-256 of its {@link CanonicalJournal canonical journal}; docs/operations.md ("Daily closes") is
 * its definition, precise enough for an auditor to recompute it (DailyCloseHashIT does, without this code). A close
 * also records the head of the journal's hash chain at the day's end (the link of the day's last entry, or of the
 * last entry before it; null while the ledger has none), so a later change to any earlier entry shows at the close.
 * What can go wrong: an unavailable database is a {@link StorageUnavailableException}; nothing is written.
 */
public final class DailyCloser {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DailyCloser.class);

    /** Days one ledger closes in one call at most (a ledger that was never closed catches up over several calls). */
    public static final int DAYS_PER_CALL_MAX = 31;

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration grace;

    public DailyCloser(DataSource dataSource, Clock clock, Duration grace) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.grace = grace;
    }

    /** Closes every ledger's days that ended more than {@code grace} ago and are not closed yet; returns how many. */
    public int closeDue() {
        int closed = 0;
        var now = clock.instant();
        try (var connection = dataSource.getConnection()) {
            List<Object[]> ledgers = new ArrayList<>();
            try (var ps = connection.prepareStatement("""
                    SELECT l.id, l.created_at, l.close_time_zone,
                           (SELECT max(close_date) FROM daily_closes c WHERE c.ledger_id = l.id) AS last_close
                    FROM ledgers l WHERE l.move_state IS NULL"""); var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var zone = ZoneId.of(rs.getString("close_time_zone"));
                    var lastClose = rs.getObject("last_close", LocalDate.class);
                    var first = lastClose != null ? lastClose.plusDays(1) : Sql.instant(rs, "created_at").atZone(zone).toLocalDate();
                    ledgers.add(new Object[] {Sql.uuid(rs, "id"), first, zone});
                }
            }
            for (var ledger : ledgers) {
                var day = (LocalDate) ledger[1];
                var lastClosable = now.minus(grace).atZone((ZoneId) ledger[2]).toLocalDate().minusDays(1);
                try {
                    for (int n = 0; n < DAYS_PER_CALL_MAX && !day.isAfter(lastClosable); n++, day = day.plusDays(1)) {
                        if (close(connection, (UUID) ledger[0], day)) {
                            closed++;
                        }
                    }
                } catch (IllegalStateException e) {
                    // A journal the closer cannot read as a whole (a missing sequence) stops that ledger's closes, not the others'.
                    log.warn("ledger {} cannot close {}: {}", ledger[0], day, e.getMessage());
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not close days: " + e.getMessage(), e);
        }
        return closed;
    }

    /** Closes one day of one ledger, if it is not closed; true when this call closed it. */
    public boolean close(UUID ledgerId, LocalDate day) {
        try (var connection = dataSource.getConnection()) {
            return close(connection, ledgerId, day);
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not close " + day + ": " + e.getMessage(), e);
        }
    }

    private boolean close(Connection connection, UUID ledgerId, LocalDate day) throws SQLException {
        var zone = closeTimeZone(connection, ledgerId);
        var start = startOf(day, zone);
        var end = startOf(day.plusDays(1), zone);
        if (clock.instant().isBefore(end.plus(grace))) {
            throw new IllegalArgumentException(day + " cannot be closed before " + end.plus(grace));
        }
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            long lastSeq = lastSeq(connection, ledgerId);
            long firstOfDay = firstSeqAtOrAfter(connection, ledgerId, start, lastSeq);
            long lastOfDay = firstSeqAtOrAfter(connection, ledgerId, end, lastSeq) - 1;
            var sha256 = CanonicalJournal.sha256(connection, ledgerId, firstOfDay, lastOfDay);
            long accounts;
            try (var ps = connection.prepareStatement("SELECT count(*) FROM accounts WHERE ledger_id = ? AND seq <= ?")) {
                ps.setObject(1, ledgerId);
                ps.setLong(2, lastOfDay);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    accounts = rs.getLong(1);
                }
            }
            try (var ps = connection.prepareStatement("""
                    INSERT INTO daily_closes (ledger_id, close_date, first_seq, last_seq, journal_sha256, accounts, closed_at, time_zone,
                                              chain_head)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, day);
                ps.setLong(3, firstOfDay);
                ps.setLong(4, lastOfDay);
                ps.setBytes(5, sha256);
                ps.setLong(6, accounts);
                Sql.setInstant(ps, 7, clock.instant());
                ps.setString(8, zone.getId());
                ps.setBytes(9, chainHeadAt(connection, ledgerId, lastOfDay));
                if (ps.executeUpdate() == 0) {
                    connection.rollback();
                    return false;
                }
            }
            long written = insertBalances(connection, ledgerId, day, lastOfDay, end);
            if (written != accounts) {
                throw new IllegalStateException("ledger " + ledgerId + " has " + accounts + " accounts at the end of " + day
                        + " but " + written + " balance rows");
            }
            insertTotals(connection, ledgerId, day);
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Every account's closing balances of a day, as daily_close_balances rows; parameters: the day, the last
     * microsecond of the day, the ledger, the day's last sequence.
     */
    private static final String CLOSING_BALANCES = """
            SELECT a.ledger_id, ?::date AS close_date, a.id AS account_id, a.asset, v.version,
                   coalesce(p.debits_posted_after, 0) AS debits_posted, coalesce(p.credits_posted_after, 0) AS credits_posted,
                   coalesce(p.debits_pending_after, 0) AS debits_pending, coalesce(p.credits_pending_after, 0) AS credits_pending
            FROM accounts a
            JOIN balances b ON b.ledger_id = a.ledger_id AND b.account_id = a.id
            CROSS JOIN LATERAL (SELECT posting_version_at(a.ledger_id, a.id, b.version, ?) AS version) v
            LEFT JOIN postings p ON p.ledger_id = a.ledger_id AND p.account_id = a.id
                 AND p.account_version / 32 = v.version / 32 AND p.account_version = v.version
            WHERE a.ledger_id = ? AND a.seq <= ?""";

    private static long insertBalances(Connection connection, UUID ledgerId, LocalDate day, long lastSeqOfDay, Instant end) throws SQLException {
        try (var ps = connection.prepareStatement("""
                INSERT INTO daily_close_balances (ledger_id, close_date, account_id, asset, version, debits_posted, credits_posted,
                                                  debits_pending, credits_pending)
                """ + CLOSING_BALANCES)) {
            ps.setObject(1, day);
            // posting_version_at counts postings made at or before the instant: the last microsecond of the day.
            Sql.setInstant(ps, 2, end.minusNanos(1_000));
            ps.setObject(3, ledgerId);
            ps.setLong(4, lastSeqOfDay);
            return ps.executeUpdate();
        }
    }

    /**
     * Recomputes every close of the ledger from the journal, as {@code ledger verify} does: the day's range of
     * sequences in the close's time zone, the journal hash, each account's closing balances, and the trial balance
     * as the sum of those balances; each disagreement is added to {@code differences}. Runs in the caller's
     * transaction (read only).
     */
    static void recheck(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        long lastSeq = lastSeq(connection, ledgerId);
        List<Object[]> closes = new ArrayList<>();
        try (var ps = connection.prepareStatement(
                "SELECT close_date, time_zone, first_seq, last_seq, journal_sha256, chain_head FROM daily_closes WHERE ledger_id = ? "
                        + "ORDER BY close_date")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    closes.add(new Object[] {rs.getObject(1, LocalDate.class), ZoneId.of(rs.getString(2)), rs.getLong(3), rs.getLong(4),
                            rs.getBytes(5), rs.getBytes(6)});
                }
            }
        }
        for (var close : closes) {
            var day = (LocalDate) close[0];
            var zone = (ZoneId) close[1];
            var where = "ledger " + ledgerId + " close of " + day + " (" + zone.getId() + ")";
            var end = startOf(day.plusDays(1), zone);
            long first = firstSeqAtOrAfter(connection, ledgerId, startOf(day, zone), lastSeq);
            long last = firstSeqAtOrAfter(connection, ledgerId, end, lastSeq) - 1;
            if (first != (long) close[2] || last != (long) close[3]) {
                differences.add(where + ": sequences " + close[2] + ".." + close[3] + ", the journal says " + first + ".." + last);
                continue;
            }
            if (!java.util.Arrays.equals(CanonicalJournal.sha256(connection, ledgerId, first, last), (byte[]) close[4])) {
                differences.add(where + ": the journal hash differs from the journal's sequences " + first + ".." + last);
            }
            if (!java.util.Arrays.equals(chainHeadAt(connection, ledgerId, last), (byte[]) close[5])) {
                differences.add(where + ": the chain head it records differs from the journal's link at sequence " + last);
            }
            var stored = "SELECT ledger_id, close_date, account_id, asset, version, debits_posted, credits_posted, debits_pending, "
                    + "credits_pending FROM daily_close_balances WHERE ledger_id = ? AND close_date = ?";
            long balancesDiffering = Sql.firstNumber(connection, "SELECT count(DISTINCT account_id) FROM ((" + CLOSING_BALANCES + " EXCEPT " + stored
                            + ") UNION ALL (" + stored + " EXCEPT " + CLOSING_BALANCES + ")) d",
                    day, end.minusNanos(1_000), ledgerId, last, ledgerId, day, ledgerId, day, day, end.minusNanos(1_000), ledgerId, last).orElseThrow();
            if (balancesDiffering > 0) {
                differences.add(where + ": the closing balances of " + balancesDiffering
                        + " accounts differ from the journal's balances at the day's end");
            }
            long totalsDiffering = Sql.firstNumber(connection, """
                    SELECT count(*) FROM (
                        (SELECT asset, count(*) AS accounts, sum(debits_posted) AS dp, sum(credits_posted) AS cp, sum(debits_pending) AS dq,
                                sum(credits_pending) AS cq FROM daily_close_balances WHERE ledger_id = ? AND close_date = ? GROUP BY asset
                         EXCEPT SELECT asset, accounts, debits_posted, credits_posted, debits_pending, credits_pending
                                FROM daily_close_totals WHERE ledger_id = ? AND close_date = ?)
                        UNION ALL
                        (SELECT asset, accounts, debits_posted, credits_posted, debits_pending, credits_pending
                         FROM daily_close_totals WHERE ledger_id = ? AND close_date = ?
                         EXCEPT SELECT asset, count(*), sum(debits_posted), sum(credits_posted), sum(debits_pending), sum(credits_pending)
                                FROM daily_close_balances WHERE ledger_id = ? AND close_date = ? GROUP BY asset)) d""",
                    ledgerId, day, ledgerId, day, ledgerId, day, ledgerId, day).orElseThrow();
            if (totalsDiffering > 0) {
                differences.add(where + ": the trial balance differs from the sum of its closing balances for " + totalsDiffering
                        + " assets");
            }
        }
    }


    private static void insertTotals(Connection connection, UUID ledgerId, LocalDate day) throws SQLException {
        try (var ps = connection.prepareStatement("""
                INSERT INTO daily_close_totals (ledger_id, close_date, asset, accounts, debits_posted, credits_posted, debits_pending,
                                                credits_pending)
                SELECT ledger_id, close_date, asset, count(*), sum(debits_posted), sum(credits_posted), sum(debits_pending),
                       sum(credits_pending)
                FROM daily_close_balances WHERE ledger_id = ? AND close_date = ? GROUP BY ledger_id, close_date, asset""")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, day);
            ps.executeUpdate();
        }
    }

    /** The first sequence whose change was made at or after {@code at} ({@code lastSeq + 1} if none). */
    private static long firstSeqAtOrAfter(Connection connection, UUID ledgerId, Instant at, long lastSeq) throws SQLException {
        long low = 1;
        long high = lastSeq + 1;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (timeOf(connection, ledgerId, middle).isBefore(at)) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }

    private static Instant timeOf(Connection connection, UUID ledgerId, long seq) throws SQLException {
        try (var ps = connection.prepareStatement("""
                SELECT created_at FROM entries WHERE ledger_id = ? AND seq = ?
                UNION ALL SELECT created_at FROM accounts WHERE ledger_id = ? AND seq = ?
                UNION ALL SELECT closed_at FROM account_closures WHERE ledger_id = ? AND seq = ?""")) {
            for (int i = 0; i < 3; i++) {
                ps.setObject(i * 2 + 1, ledgerId);
                ps.setLong(i * 2 + 2, seq);
            }
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("ledger " + ledgerId + " has no change at sequence " + seq);
                }
                return Sql.instant(rs, "created_at");
            }
        }
    }

    /** The chain's head after sequence {@code last}: the link of the last entry at or before it, null before the first entry. */
    static byte[] chainHeadAt(Connection connection, UUID ledgerId, long last) throws SQLException {
        try (var ps = connection.prepareStatement(
                "SELECT chain_hash FROM entries WHERE ledger_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1")) {
            ps.setObject(1, ledgerId);
            ps.setLong(2, last);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    private static long lastSeq(Connection connection, UUID ledgerId) throws SQLException {
        return Sql.firstNumber(connection, "SELECT last_seq FROM ledgers WHERE id = ?", ledgerId)
                .orElseThrow(() -> new IllegalArgumentException("ledger " + ledgerId + " does not exist"));
    }

    /** When a calendar day of a time zone begins: midnight, or the first instant of the day where a shift skips midnight. */
    public static Instant startOf(LocalDate day, ZoneId zone) {
        return day.atStartOfDay(zone).toInstant();
    }

    private static ZoneId closeTimeZone(Connection connection, UUID ledgerId) throws SQLException {
        try (var ps = connection.prepareStatement("SELECT close_time_zone FROM ledgers WHERE id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no ledger " + ledgerId);
                }
                return ZoneId.of(rs.getString(1));
            }
        }
    }

    /**
     * A close as stored, with its trial balance per asset.
     *
     * @param timeZone the ledger's close time zone the day was closed in: the day spans {@link #startsAt()} to {@link #endsAt()}
     * @param chainHead the link of the last entry at or before {@code lastSeq}; null while the ledger had no entry
     */
    public record DailyClose(UUID ledgerId, LocalDate date, long firstSeq, long lastSeq, byte[] journalSha256, long accounts,
                             Instant closedAt, List<AssetTotal> totals, ZoneId timeZone, byte[] chainHead) {
        public Instant startsAt() {
            return startOf(date, timeZone);
        }

        public Instant endsAt() {
            return startOf(date.plusDays(1), timeZone);
        }
    }

    /** The trial balance of one asset at a close: credits and debits, posted and pending, summed over its accounts. */
    public record AssetTotal(String asset, long accounts, java.math.BigInteger debitsPosted, java.math.BigInteger creditsPosted,
                             java.math.BigInteger debitsPending, java.math.BigInteger creditsPending) {}

    /** One account's balances at the end of a closed day. */
    public record ClosingBalance(UUID accountId, String asset, long version, long debitsPosted, long creditsPosted, long debitsPending,
                                 long creditsPending) {}

    public Optional<DailyClose> find(UUID ledgerId, LocalDate day) {
        try (var connection = dataSource.getConnection()) {
            List<AssetTotal> totals = new ArrayList<>();
            try (var ps = connection.prepareStatement("SELECT asset, accounts, debits_posted, credits_posted, debits_pending, credits_pending "
                    + "FROM daily_close_totals WHERE ledger_id = ? AND close_date = ? ORDER BY asset")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, day);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        totals.add(new AssetTotal(rs.getString(1), rs.getLong(2), rs.getBigDecimal(3).toBigIntegerExact(),
                                rs.getBigDecimal(4).toBigIntegerExact(), rs.getBigDecimal(5).toBigIntegerExact(),
                                rs.getBigDecimal(6).toBigIntegerExact()));
                    }
                }
            }
            try (var ps = connection.prepareStatement("SELECT first_seq, last_seq, journal_sha256, accounts, closed_at, time_zone, "
                    + "chain_head FROM daily_closes WHERE ledger_id = ? AND close_date = ?")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, day);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new DailyClose(ledgerId, day, rs.getLong(1), rs.getLong(2), rs.getBytes(3), rs.getLong(4),
                            Sql.instant(rs, "closed_at"), List.copyOf(totals), ZoneId.of(rs.getString("time_zone")), rs.getBytes("chain_head"))) : Optional.empty();
                }
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read the close of " + day + ": " + e.getMessage(), e);
        }
    }

    /** The closing balances of a closed day, by account id, after {@code afterAccount} (null: from the first), at most {@code limit}. */
    public List<ClosingBalance> balances(UUID ledgerId, LocalDate day, UUID afterAccount, int limit) {
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("SELECT account_id, asset, version, debits_posted, credits_posted, debits_pending, "
                     + "credits_pending FROM daily_close_balances WHERE ledger_id = ? AND close_date = ? AND account_id > ? "
                     + "ORDER BY account_id LIMIT ?")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, day);
            ps.setObject(3, afterAccount == null ? new UUID(0, 0) : afterAccount);
            ps.setInt(4, limit);
            List<ClosingBalance> page = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new ClosingBalance(Sql.uuid(rs, "account_id"), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7)));
                }
            }
            return page;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read the closing balances of " + day + ": " + e.getMessage(), e);
        }
    }
}
