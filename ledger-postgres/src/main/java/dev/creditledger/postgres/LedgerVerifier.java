package dev.creditledger.postgres;

import dev.creditledger.core.Side;
import dev.creditledger.jdbc.Sql;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Recomputes everything materialised from the journal and reports each difference:
 * <ul>
 *   <li>every balance row equals the sums of its account's postings, its version their count, and its
 *       last posting's stored balance; the account's versions are exactly 1..n;</li>
 *   <li>every posting names an account and an entry of its ledger, and every entry has at least two
 *       postings numbered 0..n-1 (the journal's tables have no foreign keys, ADR 0006);</li>
 *   <li>every entry balances per asset (posted and pending);</li>
 *   <li>the trial balance per asset is zero: total debits equal total credits, posted and pending;</li>
 *   <li>every hold and every reversed transfer has a transfer state that agrees with the entries that
 *       resolved or reversed it, and no other entry has one that disagrees;</li>
 *   <li>the ledger's sequence numbers 1..last_seq are each used exactly once, so the journal, read by
 *       sequence, is a complete event log;</li>
 *   <li>every grant's remaining, reserved, consumed and expired parts equal what its journaled grant
 *       changes add up to, every grant change names a grant, and what pending holds reserve of a grant
 *       is its reserved part;</li>
 *   <li>every order's escrow equals its entries: the funding entry's amount, the released amount of its
 *       release, the sum of its refunds, with their reversals (ADR 0018): a reversed release is not released, a
 *       reversed funding is refunded, a reversed refund is held again;</li>
 *   <li>no posting of an entry is reversed beyond its amount: the REVERSAL entries that reference an entry post,
 *       per account, on the other side of the entry's postings there and at most what those posted (a hold's
 *       reversals are its transfer's, checked above);</li>
 *   <li>every recorded low-balance alert is a crossing the journal shows: its entry posts to the account,
 *       the available balances before and after the entry are the recorded ones, and they lie on either
 *       side of the threshold in the recorded direction;</li>
 *   <li>the relay's published mark is not beyond the last sequence;</li>
 *   <li>the journal's hash chain ({@link CanonicalJournal}): every entry's stored link is the one its rows and the
 *       previous entry's link give, and the ledger's head is its last entry's link;</li>
 *   <li>every daily close equals what the journal says of its day ({@link DailyCloser#recheck}): range of sequences,
 *       journal hash, chain head, closing balances and trial balance.</li>
 * </ul>
 * It runs in one REPEATABLE READ transaction per ledger, so it sees a consistent snapshot while
 * writes continue.
 */
public final class LedgerVerifier {

    private final DataSource dataSource;

    public LedgerVerifier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public VerificationReport verifyAll() {
        List<UUID> ledgers = new ArrayList<>();
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("SELECT id FROM ledgers WHERE move_state IS NULL ORDER BY id");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                ledgers.add(Sql.uuid(rs, "id"));
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not list ledgers", e);
        }
        return verify(ledgers);
    }

    public VerificationReport verify(List<UUID> ledgerIds) {
        long accounts = 0;
        long entries = 0;
        List<String> differences = new ArrayList<>();
        for (var ledgerId : ledgerIds) {
            try (var connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
                try (var statement = connection.createStatement()) {
                    // A whole ledger's journal may take longer than the service's statement timeout to check.
                    statement.execute("SET LOCAL statement_timeout = 0");
                }
                accounts += Sql.firstNumber(connection, "SELECT count(*) FROM accounts WHERE ledger_id = ?", ledgerId).orElseThrow();
                entries += Sql.firstNumber(connection, "SELECT count(*) FROM entries WHERE ledger_id = ?", ledgerId).orElseThrow();
                checkBalances(connection, ledgerId, differences);
                checkReferences(connection, ledgerId, differences);
                checkEntriesBalance(connection, ledgerId, differences);
                checkTrialBalance(connection, ledgerId, differences);
                checkTransferStates(connection, ledgerId, differences);
                checkGrants(connection, ledgerId, differences);
                checkEscrows(connection, ledgerId, differences);
                checkReversals(connection, ledgerId, differences);
                checkBalanceAlerts(connection, ledgerId, differences);
                checkSequence(connection, ledgerId, differences);
                checkEventCursor(connection, ledgerId, differences);
                checkChain(connection, ledgerId, differences);
                DailyCloser.recheck(connection, ledgerId, differences);
                connection.commit();
            } catch (SQLException e) {
                throw new StorageUnavailableException("verification of ledger " + ledgerId + " failed: " + e.getMessage(), e);
            }
        }
        return new VerificationReport(ledgerIds.size(), accounts, entries, differences);
    }

    private static void checkChain(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        byte[] head;
        long lastSeq;
        try (var ps = connection.prepareStatement("SELECT last_seq, chain_head FROM ledgers WHERE id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                lastSeq = rs.getLong(1);
                head = rs.getBytes(2);
            }
        }
        var chain = CanonicalJournal.recompute(connection, ledgerId, lastSeq);
        if (chain.broken() > 0) {
            differences.add(String.format("ledger %s hash chain: %d of %d entries' links differ from their rows, first at %s", ledgerId,
                    chain.broken(), chain.entries(), chain.firstBroken()));
        }
        var expected = chain.entries() == 0 ? null : chain.head();
        if (!java.util.Arrays.equals(head, expected)) {
            differences.add(String.format("ledger %s hash chain: the ledger's head %s is not its last entry's link %s", ledgerId,
                    head == null ? "-" : java.util.HexFormat.of().formatHex(head),
                    expected == null ? "-" : java.util.HexFormat.of().formatHex(expected)));
        }
    }

    private static void checkBalances(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                WITH sums AS (
                    SELECT account_id,
                           coalesce(sum(posted_amount) FILTER (WHERE side = 'DEBIT'), 0)  AS debits_posted,
                           coalesce(sum(posted_amount) FILTER (WHERE side = 'CREDIT'), 0) AS credits_posted,
                           coalesce(sum(pending_delta) FILTER (WHERE side = 'DEBIT'), 0)  AS debits_pending,
                           coalesce(sum(pending_delta) FILTER (WHERE side = 'CREDIT'), 0) AS credits_pending,
                           count(*) AS postings, count(DISTINCT account_version) AS versions,
                           max(account_version) AS last_version
                    FROM postings WHERE ledger_id = ? GROUP BY account_id
                ), last AS (
                    SELECT DISTINCT ON (account_id) account_id, debits_posted_after, credits_posted_after,
                           debits_pending_after, credits_pending_after
                    FROM postings WHERE ledger_id = ? ORDER BY account_id, account_version DESC
                )
                SELECT b.account_id, b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending, b.version,
                       coalesce(s.debits_posted, 0) AS j_debits_posted, coalesce(s.credits_posted, 0) AS j_credits_posted,
                       coalesce(s.debits_pending, 0) AS j_debits_pending, coalesce(s.credits_pending, 0) AS j_credits_pending,
                       coalesce(s.postings, 0) AS j_postings, coalesce(s.last_version, 0) AS j_last_version,
                       l.debits_posted_after, l.credits_posted_after, l.debits_pending_after, l.credits_pending_after
                FROM balances b LEFT JOIN sums s ON s.account_id = b.account_id LEFT JOIN last l ON l.account_id = b.account_id
                WHERE b.ledger_id = ? AND (
                    b.debits_posted <> coalesce(s.debits_posted, 0) OR b.credits_posted <> coalesce(s.credits_posted, 0)
                    OR b.debits_pending <> coalesce(s.debits_pending, 0) OR b.credits_pending <> coalesce(s.credits_pending, 0)
                    OR b.version <> coalesce(s.postings, 0) OR b.version <> coalesce(s.last_version, 0)
                    OR b.version <> coalesce(s.versions, 0)
                    OR (l.account_id IS NOT NULL AND (b.debits_posted, b.credits_posted, b.debits_pending, b.credits_pending)
                        <> (l.debits_posted_after, l.credits_posted_after, l.debits_pending_after, l.credits_pending_after)))
                ORDER BY b.account_id
                """;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, ledgerId);
            ps.setObject(3, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format(
                            "ledger %s account %s: balance row debits/credits posted %d/%d pending %d/%d version %d, "
                                    + "journal says %d/%d pending %d/%d with %d postings (last version %d)",
                            ledgerId, rs.getObject("account_id"), rs.getLong("debits_posted"), rs.getLong("credits_posted"),
                            rs.getLong("debits_pending"), rs.getLong("credits_pending"), rs.getLong("version"),
                            rs.getLong("j_debits_posted"), rs.getLong("j_credits_posted"), rs.getLong("j_debits_pending"),
                            rs.getLong("j_credits_pending"), rs.getLong("j_postings"), rs.getLong("j_last_version")));
                }
            }
        }
    }

    private static void checkEntriesBalance(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                SELECT entry_seq, asset,
                       sum(CASE side WHEN 'DEBIT' THEN posted_amount ELSE -posted_amount END) AS posted_difference,
                       sum(CASE side WHEN 'DEBIT' THEN pending_delta ELSE -pending_delta END) AS pending_difference
                FROM postings WHERE ledger_id = ? GROUP BY entry_seq, asset
                HAVING sum(CASE side WHEN 'DEBIT' THEN posted_amount ELSE -posted_amount END) <> 0
                    OR sum(CASE side WHEN 'DEBIT' THEN pending_delta ELSE -pending_delta END) <> 0
                """;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s entry at sequence %d does not balance in %s: debits minus credits "
                                    + "%d posted, %d pending", ledgerId, rs.getLong("entry_seq"), rs.getString("asset"), rs.getLong("posted_difference"),
                            rs.getLong("pending_difference")));
                }
            }
        }
    }

    private static void checkTrialBalance(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                SELECT a.asset, sum(b.debits_posted) - sum(b.credits_posted) AS posted_difference,
                       sum(b.debits_pending) - sum(b.credits_pending) AS pending_difference
                FROM balances b JOIN accounts a ON a.ledger_id = b.ledger_id AND a.id = b.account_id
                WHERE b.ledger_id = ? GROUP BY a.asset
                HAVING sum(b.debits_posted) <> sum(b.credits_posted) OR sum(b.debits_pending) <> sum(b.credits_pending)
                """;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s trial balance of %s is not zero: debits minus credits %d posted, %d pending",
                            ledgerId, rs.getString("asset"), rs.getLong("posted_difference"), rs.getLong("pending_difference")));
                }
            }
        }
    }

    private static void checkTransferStates(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        // A transfer posted at once and never reversed needs no row (its state is implied); a row it has must agree.
        var sql = """
                WITH resolution AS (
                    SELECT reference_id, kind, amount FROM entries
                    WHERE ledger_id = ? AND kind IN ('CAPTURE', 'VOID', 'EXPIRY')
                ), reversed AS (
                    SELECT reference_id, sum(amount) AS amount FROM entries
                    WHERE ledger_id = ? AND kind = 'REVERSAL' GROUP BY reference_id
                ), expected AS (
                    SELECT e.id, e.kind, e.amount,
                           CASE WHEN e.kind = 'TRANSFER' THEN 'POSTED'
                                WHEN r.kind = 'CAPTURE' THEN 'POSTED'
                                WHEN r.kind = 'VOID' THEN 'VOIDED'
                                WHEN r.kind = 'EXPIRY' THEN 'EXPIRED'
                                ELSE 'PENDING' END AS status,
                           CASE WHEN e.kind = 'TRANSFER' THEN e.amount WHEN r.kind = 'CAPTURE' THEN r.amount ELSE 0 END AS posted,
                           coalesce(v.amount, 0) AS reversed
                    FROM entries e LEFT JOIN resolution r ON r.reference_id = e.id LEFT JOIN reversed v ON v.reference_id = e.id
                    WHERE e.ledger_id = ? AND e.kind IN ('TRANSFER', 'HOLD')
                )
                SELECT x.id, x.status, x.posted, x.reversed, t.status AS t_status, t.posted_amount, t.reversed_amount
                FROM expected x LEFT JOIN transfer_states t ON t.ledger_id = ? AND t.transfer_id = x.id
                WHERE (t.transfer_id IS NULL AND (x.kind = 'HOLD' OR x.reversed > 0))
                   OR t.status <> x.status OR t.posted_amount <> x.posted OR t.reversed_amount <> x.reversed
                """;
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setObject(i, ledgerId);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s transfer %s: state says %s posted %d reversed %d, journal says %s posted %d reversed %d",
                            ledgerId, rs.getObject("id"), rs.getString("t_status"), rs.getLong("posted_amount"),
                            rs.getLong("reversed_amount"), rs.getString("status"), rs.getLong("posted"), rs.getLong("reversed")));
                }
            }
        }
        var orphans = """
                SELECT t.transfer_id FROM transfer_states t
                WHERE t.ledger_id = ? AND NOT EXISTS (
                    SELECT 1 FROM entries e WHERE e.ledger_id = t.ledger_id AND e.id = t.transfer_id AND e.kind IN ('TRANSFER', 'HOLD'))
                """;
        try (var ps = connection.prepareStatement(orphans)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add("ledger " + ledgerId + " transfer state " + rs.getObject(1) + " names no transfer or hold of the journal");
                }
            }
        }
    }

    private static void checkBalanceAlerts(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        // The account's postings in the alert's entry give the balance after it; the posting just before
        // the entry's first one gives the balance before it (none: an account with no posting yet).
        var sql = """
                SELECT x.entry_seq, x.account_id, x.threshold, x.direction, x.available_before, x.available_after,
                       acc.normal_side, v.last_version,
                       pa.debits_posted_after AS a_dp, pa.credits_posted_after AS a_cp,
                       pa.debits_pending_after AS a_dpend, pa.credits_pending_after AS a_cpend,
                       pb.debits_posted_after AS b_dp, pb.credits_posted_after AS b_cp,
                       pb.debits_pending_after AS b_dpend, pb.credits_pending_after AS b_cpend
                FROM balance_alerts x
                LEFT JOIN accounts acc ON acc.ledger_id = x.ledger_id AND acc.id = x.account_id
                LEFT JOIN LATERAL (
                    SELECT min(p.account_version) AS first_version, max(p.account_version) AS last_version
                    FROM postings p WHERE p.ledger_id = x.ledger_id AND p.entry_seq / 32 = x.entry_seq / 32
                        AND p.entry_seq = x.entry_seq AND p.account_id = x.account_id
                ) v ON true
                LEFT JOIN postings pa ON pa.ledger_id = x.ledger_id AND pa.account_id = x.account_id
                    AND pa.account_version / 32 = v.last_version / 32 AND pa.account_version = v.last_version
                LEFT JOIN postings pb ON pb.ledger_id = x.ledger_id AND pb.account_id = x.account_id
                    AND pb.account_version / 32 = (v.first_version - 1) / 32 AND pb.account_version = v.first_version - 1
                WHERE x.ledger_id = ?
                ORDER BY x.entry_seq, x.alert_no
                """;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    var where = "ledger " + ledgerId + " alert of account " + rs.getObject("account_id") + " at seq "
                            + rs.getLong("entry_seq") + " (threshold " + rs.getLong("threshold") + ")";
                    if (rs.getString("normal_side") == null || rs.getObject("last_version") == null) {
                        differences.add(where + ": its entry does not post to the account");
                        continue;
                    }
                    var side = Side.valueOf(rs.getString("normal_side"));
                    var after = available(side, rs, "a_");
                    var before = rs.getObject("b_dp") == null ? BigInteger.ZERO : available(side, rs, "b_");
                    var recordedBefore = rs.getBigDecimal("available_before").toBigIntegerExact();
                    var recordedAfter = rs.getBigDecimal("available_after").toBigIntegerExact();
                    var threshold = BigInteger.valueOf(rs.getLong("threshold"));
                    boolean down = "DOWN".equals(rs.getString("direction"));
                    boolean crossed = down ? before.compareTo(threshold) >= 0 && after.compareTo(threshold) < 0
                            : before.compareTo(threshold) < 0 && after.compareTo(threshold) >= 0;
                    if (!before.equals(recordedBefore) || !after.equals(recordedAfter) || !crossed) {
                        differences.add(where + ": recorded " + rs.getString("direction") + " from " + recordedBefore + " to "
                                + recordedAfter + ", the journal says the entry took the available balance from " + before
                                + " to " + after);
                    }
                }
            }
        }
    }

    /** The available balance of an account after a posting, from the posting's columns with the given prefix. */
    private static BigInteger available(Side normalSide, java.sql.ResultSet rs, String prefix) throws SQLException {
        var dp = BigInteger.valueOf(rs.getLong(prefix + "dp"));
        var cp = BigInteger.valueOf(rs.getLong(prefix + "cp"));
        return normalSide == Side.CREDIT
                ? cp.subtract(dp).subtract(BigInteger.valueOf(rs.getLong(prefix + "dpend")))
                : dp.subtract(cp).subtract(BigInteger.valueOf(rs.getLong(prefix + "cpend")));
    }

    private static void checkGrants(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                WITH journal AS (
                    SELECT grant_id,
                           sum(CASE kind WHEN 'GRANTED' THEN amount WHEN 'CONSUMED' THEN -amount WHEN 'RESERVED' THEN -amount
                                         WHEN 'RELEASED' THEN amount WHEN 'RESTORED' THEN amount WHEN 'EXPIRED' THEN -amount
                                         ELSE 0 END) AS remaining,
                           sum(CASE kind WHEN 'RESERVED' THEN amount WHEN 'RELEASED' THEN -amount WHEN 'CAPTURED' THEN -amount
                                         ELSE 0 END) AS reserved,
                           sum(CASE kind WHEN 'CONSUMED' THEN amount WHEN 'CAPTURED' THEN amount WHEN 'RESTORED' THEN -amount
                                         ELSE 0 END) AS consumed,
                           sum(CASE kind WHEN 'EXPIRED' THEN amount ELSE 0 END) AS expired,
                           sum(CASE kind WHEN 'GRANTED' THEN amount ELSE 0 END) AS granted
                    FROM grant_changes WHERE ledger_id = ? GROUP BY grant_id
                ), held AS (
                    SELECT d.grant_id, sum(d.amount) AS reserved
                    FROM transfer_states t, unnest(t.draw_grant_ids, t.draw_amounts) AS d(grant_id, amount)
                    WHERE t.ledger_id = ? AND t.is_hold AND t.status = 'PENDING' GROUP BY d.grant_id
                )
                SELECT coalesce(g.id, j.grant_id) AS grant_id, g.amount, g.remaining, g.reserved, g.consumed, g.expired,
                       j.granted, j.remaining AS j_remaining, j.reserved AS j_reserved, j.consumed AS j_consumed,
                       j.expired AS j_expired, coalesce(h.reserved, 0) AS held
                FROM (SELECT * FROM grants WHERE ledger_id = ?) g
                FULL JOIN journal j ON j.grant_id = g.id
                LEFT JOIN held h ON h.grant_id = coalesce(g.id, j.grant_id)
                WHERE g.id IS NULL OR j.grant_id IS NULL OR g.amount <> j.granted OR g.remaining <> j.remaining
                   OR g.reserved <> j.reserved OR g.consumed <> j.consumed OR g.expired <> j.expired
                   OR g.reserved <> coalesce(h.reserved, 0)
                """;
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 1; i <= 3; i++) {
                ps.setObject(i, ledgerId);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s grant %s: row says amount %s remaining %s reserved %s consumed %s "
                                    + "expired %s; its journaled changes say granted %s remaining %s reserved %s consumed %s "
                                    + "expired %s; pending holds reserve %d",
                            ledgerId, rs.getObject("grant_id"), rs.getObject("amount"), rs.getObject("remaining"),
                            rs.getObject("reserved"), rs.getObject("consumed"), rs.getObject("expired"), rs.getObject("granted"),
                            rs.getObject("j_remaining"), rs.getObject("j_reserved"), rs.getObject("j_consumed"),
                            rs.getObject("j_expired"), rs.getLong("held")));
                }
            }
        }
    }

    private static void checkEscrows(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        // A reversal's amount is what it debits: all of a release, and what a funding's or refund's reversal moves.
        var sql = """
                WITH escrow_entries AS (
                    SELECT e.id, e.kind, e.amount, coalesce(e.reference_id, e.id) AS escrow_id
                    FROM entries e WHERE e.ledger_id = ? AND e.kind IN ('ESCROW_FUND', 'ESCROW_RELEASE', 'ESCROW_REFUND')
                ), undone AS (
                    SELECT o.escrow_id,
                           coalesce(sum(r.amount) FILTER (WHERE o.kind = 'ESCROW_FUND'), 0) AS fund_reversed,
                           coalesce(sum(r.amount) FILTER (WHERE o.kind = 'ESCROW_RELEASE'), 0) AS release_reversed,
                           coalesce(sum(r.amount) FILTER (WHERE o.kind = 'ESCROW_REFUND'), 0) AS refund_reversed
                    FROM escrow_entries o JOIN entries r ON r.ledger_id = ? AND r.reference_id = o.id AND r.kind = 'REVERSAL'
                    GROUP BY o.escrow_id
                ), journal AS (
                    SELECT e.escrow_id,
                           sum(e.amount) FILTER (WHERE e.kind = 'ESCROW_FUND') AS amount,
                           coalesce(sum(e.amount) FILTER (WHERE e.kind = 'ESCROW_RELEASE'), 0) - coalesce(min(u.release_reversed), 0) AS released,
                           coalesce(sum(e.amount) FILTER (WHERE e.kind = 'ESCROW_REFUND'), 0) + coalesce(min(u.fund_reversed), 0)
                               - coalesce(min(u.refund_reversed), 0) AS refunded
                    FROM escrow_entries e LEFT JOIN undone u ON u.escrow_id = e.escrow_id
                    GROUP BY e.escrow_id
                )
                SELECT coalesce(x.id, j.escrow_id) AS escrow_id, x.order_id, x.amount, x.released, x.refunded,
                       j.amount AS j_amount, j.released AS j_released, j.refunded AS j_refunded
                FROM (SELECT * FROM escrows WHERE ledger_id = ?) x FULL JOIN journal j ON j.escrow_id = x.id
                WHERE x.id IS NULL OR j.escrow_id IS NULL OR x.amount IS DISTINCT FROM j.amount
                   OR x.released <> j.released OR x.refunded <> j.refunded
                """;
        try (var ps = connection.prepareStatement(sql)) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, ledgerId);
            ps.setObject(3, ledgerId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s escrow %s (order %s): row says amount %s released %s refunded %s; "
                                    + "the journal says %s released %s refunded %s", ledgerId, rs.getObject("escrow_id"),
                            rs.getString("order_id"), rs.getObject("amount"), rs.getObject("released"), rs.getObject("refunded"),
                            rs.getObject("j_amount"), rs.getObject("j_released"), rs.getObject("j_refunded")));
                }
            }
        }
    }

    /**
     * No posting reversed beyond its amount (ADR 0018): per entry that REVERSAL entries reference (a hold's
     * reversals are its transfer's and are checked with the transfer states), what they post per account on
     * each side is at most what the entry posted there on the other side.
     */
    private static void checkReversals(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                WITH originals AS (
                    SELECT DISTINCT o.id, o.seq FROM entries o
                    JOIN entries r ON r.ledger_id = o.ledger_id AND r.reference_id = o.id AND r.kind = 'REVERSAL'
                    WHERE o.ledger_id = ? AND o.kind <> 'HOLD'
                ), posted AS (
                    SELECT o.id, p.account_id, p.side, sum(p.posted_amount) AS amount
                    FROM originals o JOIN postings p ON p.ledger_id = ? AND p.entry_seq / 32 = o.seq / 32 AND p.entry_seq = o.seq
                    GROUP BY o.id, p.account_id, p.side
                ), reversed AS (
                    SELECT r.reference_id AS id, p.account_id, CASE p.side WHEN 'DEBIT' THEN 'CREDIT' ELSE 'DEBIT' END AS side,
                           sum(p.posted_amount) AS amount
                    FROM entries r JOIN postings p ON p.ledger_id = r.ledger_id AND p.entry_seq / 32 = r.seq / 32 AND p.entry_seq = r.seq
                    WHERE r.ledger_id = ? AND r.kind = 'REVERSAL' AND r.reference_id IN (SELECT id FROM originals)
                    GROUP BY r.reference_id, p.account_id, 3
                )
                SELECT v.id, v.account_id, v.side, v.amount AS reversed, coalesce(o.amount, 0) AS posted
                FROM reversed v LEFT JOIN posted o ON o.id = v.id AND o.account_id = v.account_id AND o.side = v.side
                WHERE v.amount > coalesce(o.amount, 0)
                """;
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 1; i <= 3; i++) {
                ps.setObject(i, ledgerId);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add(String.format("ledger %s entry %s: its reversals take back %d of the %s posting of account %s, "
                                    + "which posted %d", ledgerId, rs.getObject("id"), rs.getLong("reversed"), rs.getString("side"),
                            rs.getObject("account_id"), rs.getLong("posted")));
                }
            }
        }
    }

    /** What the foreign keys would say if the journal's tables had them. */
    private static void checkReferences(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                SELECT 'a posting of account ' || p.account_id || ' at sequence ' || p.entry_seq
                       || CASE WHEN a.id IS NULL THEN ' names an account the ledger does not have'
                               ELSE ' names an entry the ledger does not have' END
                FROM postings p
                LEFT JOIN accounts a ON a.ledger_id = p.ledger_id AND a.id = p.account_id
                LEFT JOIN entries e ON e.ledger_id = p.ledger_id AND e.seq = p.entry_seq
                WHERE p.ledger_id = ? AND (a.id IS NULL OR e.seq IS NULL)
                UNION ALL
                SELECT 'the entry at sequence ' || e.seq || ' has ' || coalesce(p.postings, 0)
                       || ' postings, numbered ' || coalesce(p.lowest, 0) || ' to ' || coalesce(p.highest, -1)
                       || ' (' || coalesce(p.numbers, 0) || ' distinct)'
                FROM entries e LEFT JOIN (
                    SELECT entry_seq, count(*) AS postings, count(DISTINCT line_no) AS numbers, min(line_no) AS lowest,
                           max(line_no) AS highest
                    FROM postings WHERE ledger_id = ? GROUP BY entry_seq
                ) p ON p.entry_seq = e.seq
                WHERE e.ledger_id = ? AND (p.postings IS NULL OR p.postings < 2 OR p.numbers <> p.postings
                                           OR p.lowest <> 0 OR p.highest <> p.postings - 1)
                """;
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 1; i <= 3; i++) {
                ps.setObject(i, ledgerId);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    differences.add("ledger " + ledgerId + ": " + rs.getString(1));
                }
            }
        }
    }

    private static void checkSequence(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        var sql = """
                WITH used AS (
                    SELECT seq FROM accounts WHERE ledger_id = ?
                    UNION ALL SELECT seq FROM entries WHERE ledger_id = ?
                    UNION ALL SELECT seq FROM account_closures WHERE ledger_id = ?
                )
                SELECT l.last_seq, (SELECT count(*) FROM used) AS used, (SELECT count(DISTINCT seq) FROM used) AS distinct_used,
                       (SELECT coalesce(min(seq), 1) FROM used) AS first_seq, (SELECT coalesce(max(seq), 0) FROM used) AS max_seq
                FROM ledgers l WHERE l.id = ?
                """;
        try (var ps = connection.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setObject(i, ledgerId);
            }
            try (var rs = ps.executeQuery()) {
                if (rs.next()) {
                    long last = rs.getLong("last_seq");
                    if (rs.getLong("used") != last || rs.getLong("distinct_used") != last || rs.getLong("max_seq") != last
                            || rs.getLong("first_seq") != 1) {
                        differences.add(String.format("ledger %s sequence: last_seq %d but %d numbers used (%d distinct, max %d)",
                                ledgerId, last, rs.getLong("used"), rs.getLong("distinct_used"), rs.getLong("max_seq")));
                    }
                }
            }
        }
    }

    private static void checkEventCursor(Connection connection, UUID ledgerId, List<String> differences) throws SQLException {
        try (var ps = connection.prepareStatement("""
                SELECT l.last_seq, c.published_seq FROM ledgers l LEFT JOIN event_cursors c ON c.ledger_id = l.id WHERE l.id = ?""")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                long published = rs.getLong("published_seq");
                if (rs.wasNull()) {
                    differences.add("ledger " + ledgerId + ": has no event cursor, so its events are never published");
                } else if (published > rs.getLong("last_seq")) {
                    differences.add("ledger " + ledgerId + ": published mark " + published + " is beyond the last sequence "
                            + rs.getLong("last_seq"));
                }
            }
        }
    }

}
