package dev.creditledger.projections;

import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The read models' part of a transfer's journey, per posting of its entry (the account's copy of the entry
 * event carries it): where the event was read from and when it was published and applied (kept with the
 * statement line), and whether each read model has it. A model has a posting when its row for the account
 * has reached the posting's version: balances and daily balances are replaced only by higher versions and
 * the asset totals keep each account's version, so "reached" cannot be a later posting overtaking this one.
 * Primary-key lookups only.
 */
public final class ProjectionJourneys {

    /** What the read models hold of one posting. */
    public record PostingApplication(UUID accountId, long accountVersion, Integer partition, Long offset, Instant publishedAt,
                                     Instant appliedAt, boolean inStatements, boolean inBalances, boolean inDailyBalances,
                                     boolean inAssetTotals) {

        public boolean applied(ReadModel model) {
            return switch (model) {
                case BALANCES -> inBalances;
                case STATEMENTS -> inStatements;
                case DAILY_BALANCES -> inDailyBalances;
                case ASSET_TOTALS -> inAssetTotals;
            };
        }
    }

    /** A posting asked about: its account, version and UTC day (the day of its daily balance). */
    public record PostingKey(UUID accountId, long accountVersion, LocalDate day) {}

    private final DataSource projections;

    public ProjectionJourneys(DataSource projections) {
        this.projections = projections;
    }

    public List<PostingApplication> applications(UUID ledgerId, List<PostingKey> postings) {
        try (Connection connection = projections.getConnection()) {
            List<PostingApplication> applications = new ArrayList<>(postings.size());
            for (var posting : postings) {
                applications.add(application(connection, ledgerId, posting));
            }
            return applications;
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not read the projections: " + e.getMessage(), e);
        }
    }

    private static PostingApplication application(Connection connection, UUID ledgerId, PostingKey posting) throws SQLException {
        Integer partition = null;
        Long offset = null;
        Instant publishedAt = null;
        Instant appliedAt = null;
        boolean inStatements = false;
        try (var ps = connection.prepareStatement("""
                SELECT kafka_partition, kafka_offset, published_at, applied_at FROM statement_lines
                WHERE ledger_id = ? AND account_id = ? AND account_version = ?""")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, posting.accountId());
            ps.setLong(3, posting.accountVersion());
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    inStatements = true;
                    partition = (Integer) rs.getObject("kafka_partition");
                    offset = (Long) rs.getObject("kafka_offset");
                    publishedAt = Sql.instant(rs, "published_at");
                    appliedAt = Sql.instant(rs, "applied_at");
                }
            }
        }
        boolean inBalances = reached(connection, "SELECT version FROM account_balances WHERE ledger_id = ? AND account_id = ?",
                ledgerId, posting, false);
        boolean inDaily = reached(connection,
                "SELECT version FROM daily_balances WHERE ledger_id = ? AND account_id = ? AND day = ?", ledgerId, posting, true);
        boolean inTotals = reached(connection, "SELECT version FROM asset_total_accounts WHERE ledger_id = ? AND account_id = ?",
                ledgerId, posting, false);
        return new PostingApplication(posting.accountId(), posting.accountVersion(), partition, offset, publishedAt, appliedAt,
                inStatements, inBalances, inDaily, inTotals);
    }

    private static boolean reached(Connection connection, String sql, UUID ledgerId, PostingKey posting, boolean byDay)
            throws SQLException {
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, posting.accountId());
            if (byDay) {
                ps.setObject(3, posting.day());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong("version") >= posting.accountVersion();
            }
        }
    }
}
