package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * DAILY_BALANCES: the closing balance of an account on each UTC day of its postings. The day is that
 * of the entry's creation time; a row is replaced only by a higher account version of the same day,
 * so the row ends at the last posting of the day whatever the delivery order. Account events write
 * nothing here.
 */
final class DailyBalancesWriter implements ModelWriter {

    private static final String UPSERT = """
            INSERT INTO daily_balances AS d (ledger_id, account_id, day, debits_posted, credits_posted, debits_pending,
                credits_pending, version, last_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (ledger_id, account_id, day) DO UPDATE SET debits_posted = EXCLUDED.debits_posted,
                credits_posted = EXCLUDED.credits_posted, debits_pending = EXCLUDED.debits_pending,
                credits_pending = EXCLUDED.credits_pending, version = EXCLUDED.version, last_seq = EXCLUDED.last_seq
            WHERE d.version < EXCLUDED.version""";

    @Override
    public ReadModel model() {
        return ReadModel.DAILY_BALANCES;
    }

    @Override
    public List<String> tables() {
        return List.of("daily_balances");
    }

    @Override
    public void apply(PreparedCache sql, LedgerEvent event) throws SQLException {
        if (!(event instanceof LedgerEvent.EntryPosted posted)) {
            return;
        }
        var p = OwnPostings.last(posted);
        var ps = sql.get(UPSERT);
        ps.setObject(1, posted.entry().ledgerId());
        ps.setObject(2, p.accountId());
        ps.setObject(3, LocalDate.ofInstant(posted.entry().createdAt(), ZoneOffset.UTC));
        ps.setLong(4, p.balanceAfter().debitsPosted());
        ps.setLong(5, p.balanceAfter().creditsPosted());
        ps.setLong(6, p.balanceAfter().debitsPending());
        ps.setLong(7, p.balanceAfter().creditsPending());
        ps.setLong(8, p.accountVersion());
        ps.setLong(9, posted.entry().seq());
        ps.executeUpdate();
    }
}
