package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.SQLException;
import java.util.List;

/**
 * BALANCES: one row per account. A posting replaces the totals only when its account version is
 * higher than the row's, so a redelivered or late event never moves a balance backwards; an entry
 * that touches the account several times is applied through its highest version, which carries the
 * balances after all of them. An account opened fills in asset and normal side; a close sets CLOSED,
 * which nothing undoes. Whichever of these arrives first creates the row, so their order does not matter.
 */
final class BalancesWriter implements ModelWriter {

    private static final String OPEN = """
            INSERT INTO account_balances AS b (ledger_id, account_id, asset, normal_side, status, debits_posted,
                credits_posted, debits_pending, credits_pending, version, last_seq)
            VALUES (?, ?, ?, ?, 'OPEN', 0, 0, 0, 0, 0, ?)
            ON CONFLICT (ledger_id, account_id) DO UPDATE SET asset = EXCLUDED.asset, normal_side = EXCLUDED.normal_side,
                last_seq = GREATEST(b.last_seq, EXCLUDED.last_seq)""";

    private static final String CLOSE = """
            INSERT INTO account_balances AS b (ledger_id, account_id, asset, normal_side, status, debits_posted,
                credits_posted, debits_pending, credits_pending, version, last_seq)
            VALUES (?, ?, NULL, NULL, 'CLOSED', 0, 0, 0, 0, 0, ?)
            ON CONFLICT (ledger_id, account_id) DO UPDATE SET status = 'CLOSED',
                last_seq = GREATEST(b.last_seq, EXCLUDED.last_seq)""";

    private static final String POSTING = """
            INSERT INTO account_balances AS b (ledger_id, account_id, asset, normal_side, status, debits_posted,
                credits_posted, debits_pending, credits_pending, version, last_seq)
            VALUES (?, ?, ?, NULL, 'OPEN', ?, ?, ?, ?, ?, ?)
            ON CONFLICT (ledger_id, account_id) DO UPDATE SET debits_posted = EXCLUDED.debits_posted,
                credits_posted = EXCLUDED.credits_posted, debits_pending = EXCLUDED.debits_pending,
                credits_pending = EXCLUDED.credits_pending, version = EXCLUDED.version,
                asset = COALESCE(b.asset, EXCLUDED.asset), last_seq = GREATEST(b.last_seq, EXCLUDED.last_seq)
            WHERE b.version < EXCLUDED.version""";

    @Override
    public ReadModel model() {
        return ReadModel.BALANCES;
    }

    @Override
    public List<String> tables() {
        return List.of("account_balances");
    }

    @Override
    public void apply(PreparedCache sql, LedgerEvent event) throws SQLException {
        var h = event.header();
        switch (event) {
            case LedgerEvent.AccountOpened opened -> {
                var ps = sql.get(OPEN);
                ps.setObject(1, h.ledgerId());
                ps.setObject(2, h.accountId());
                ps.setString(3, opened.account().asset());
                ps.setString(4, opened.account().normalSide().name());
                ps.setLong(5, h.ledgerSeq());
                ps.executeUpdate();
            }
            case LedgerEvent.AccountClosed closed -> {
                var ps = sql.get(CLOSE);
                ps.setObject(1, h.ledgerId());
                ps.setObject(2, h.accountId());
                ps.setLong(3, h.ledgerSeq());
                ps.executeUpdate();
            }
            case LedgerEvent.EntryPosted posted -> {
                var p = OwnPostings.last(posted);
                var ps = sql.get(POSTING);
                ps.setObject(1, h.ledgerId());
                ps.setObject(2, h.accountId());
                ps.setString(3, p.asset());
                ps.setLong(4, p.balanceAfter().debitsPosted());
                ps.setLong(5, p.balanceAfter().creditsPosted());
                ps.setLong(6, p.balanceAfter().debitsPending());
                ps.setLong(7, p.balanceAfter().creditsPending());
                ps.setLong(8, p.accountVersion());
                ps.setLong(9, h.ledgerSeq());
                ps.executeUpdate();
            }
        }
    }
}
