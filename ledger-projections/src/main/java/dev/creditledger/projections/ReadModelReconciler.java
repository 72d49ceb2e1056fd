package dev.creditledger.projections;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Compares the balances read model with the journal while both are written: the two are read side by side
 * in account order (a merge of two ordered scans, constant memory), and an account whose read-model row is at
 * the journal's version but disagrees on a total is a difference. An account at another version is the
 * projector's lag, not a difference, and is skipped; so is the status (a closing changes no version, so a
 * status that differs may be lag). The full comparison of every read model is {@link ProjectionChecker}'s,
 * which needs a quiet ledger.
 *
 * What can go wrong: an unavailable database is a {@link ProjectionUnavailableException}.
 */
public final class ReadModelReconciler {

    private static final String JOURNAL = """
            SELECT b.account_id, b.version, b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending
            FROM balances b WHERE b.ledger_id = ? ORDER BY b.account_id""";
    private static final String PROJECTED = """
            SELECT account_id, version, debits_posted, credits_posted, debits_pending, credits_pending
            FROM account_balances WHERE ledger_id = ? ORDER BY account_id""";
    private static final List<String> TOTALS = List.of("debits_posted", "credits_posted", "debits_pending", "credits_pending");

    private final DataSource journal;
    private final DataSource projections;

    public ReadModelReconciler(DataSource journal, DataSource projections) {
        this.journal = journal;
        this.projections = projections;
    }

    /** The differences of every ledger, at most {@code listedMax} listed. */
    public List<String> differences(int listedMax) {
        List<String> differences = new ArrayList<>();
        try (var j = journal.getConnection(); var p = projections.getConnection()) {
            j.setReadOnly(true);
            p.setReadOnly(true);
            for (var ledgerId : ledgers(j)) {
                compare(j, p, ledgerId, differences, listedMax);
            }
            return differences;
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not reconcile the read models: " + e.getMessage(), e);
        }
    }

    private static List<UUID> ledgers(Connection journal) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (var ps = journal.prepareStatement("SELECT id FROM ledgers WHERE move_state IS NULL"); var rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    private static void compare(Connection j, Connection p, UUID ledgerId, List<String> differences, int listedMax) throws SQLException {
        // Autocommit off: PostgreSQL streams a result set only inside a transaction, with a fetch size.
        j.setAutoCommit(false);
        p.setAutoCommit(false);
        try (var js = j.prepareStatement(JOURNAL); var ps = p.prepareStatement(PROJECTED)) {
            js.setFetchSize(1_000);
            ps.setFetchSize(1_000);
            js.setObject(1, ledgerId);
            ps.setObject(1, ledgerId);
            try (var jr = js.executeQuery(); var pr = ps.executeQuery()) {
                boolean jNext = jr.next();
                boolean pNext = pr.next();
                while (jNext && pNext && differences.size() < listedMax) {
                    // PostgreSQL orders uuids byte by byte, as their canonical text sorts (UUID.compareTo does not).
                    int order = jr.getString(1).compareTo(pr.getString(1));
                    if (order < 0) {
                        jNext = jr.next();
                    } else if (order > 0) {
                        pNext = pr.next();
                    } else {
                        if (jr.getLong("version") == pr.getLong("version")) {
                            sameVersion(ledgerId, jr, pr).ifPresent(differences::add);
                        }
                        jNext = jr.next();
                        pNext = pr.next();
                    }
                }
            }
        } finally {
            j.commit();
            p.commit();
        }
    }

    private static java.util.Optional<String> sameVersion(UUID ledgerId, ResultSet journal, ResultSet projected) throws SQLException {
        var wrong = new StringBuilder();
        for (var column : TOTALS) {
            if (journal.getLong(column) != projected.getLong(column)) {
                wrong.append(String.format(" %s %d (journal %d)", column, projected.getLong(column), journal.getLong(column)));
            }
        }
        return wrong.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(String.format("ledger %s account %s: the balances read model at version %d has%s", ledgerId,
                        journal.getObject("account_id", UUID.class), journal.getLong("version"), wrong));
    }
}
