package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.SQLException;
import java.util.List;

/**
 * STATEMENTS: one line per posting of the event's account, keyed by (ledger, account, account version)
 * and inserted only if absent, so a line is written once whatever the order or number of deliveries.
 * Account events write nothing here.
 */
final class StatementsWriter implements ModelWriter {

    private static final String INSERT = """
            INSERT INTO statement_lines (ledger_id, account_id, account_version, entry_id, entry_seq, line_no, kind, side,
                asset, posted_amount, pending_delta, debits_posted_after, credits_posted_after, debits_pending_after,
                credits_pending_after, created_at, metadata)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, """ + Jdbc.METADATA_PARAM + """
            )
            ON CONFLICT (ledger_id, account_id, account_version) DO NOTHING""";

    @Override
    public ReadModel model() {
        return ReadModel.STATEMENTS;
    }

    @Override
    public List<String> tables() {
        return List.of("statement_lines");
    }

    @Override
    public void apply(PreparedCache sql, LedgerEvent event) throws SQLException {
        if (!(event instanceof LedgerEvent.EntryPosted posted)) {
            return;
        }
        var entry = posted.entry();
        var ps = sql.get(INSERT);
        for (var line : OwnPostings.of(posted)) {
            var p = line.posting();
            ps.setObject(1, entry.ledgerId());
            ps.setObject(2, p.accountId());
            ps.setLong(3, p.accountVersion());
            ps.setObject(4, entry.id());
            ps.setLong(5, entry.seq());
            ps.setInt(6, line.lineNo());
            ps.setString(7, entry.kind().name());
            ps.setString(8, p.side().name());
            ps.setString(9, p.asset());
            ps.setLong(10, p.postedMinor());
            ps.setLong(11, p.pendingDeltaMinor());
            ps.setLong(12, p.balanceAfter().debitsPosted());
            ps.setLong(13, p.balanceAfter().creditsPosted());
            ps.setLong(14, p.balanceAfter().debitsPending());
            ps.setLong(15, p.balanceAfter().creditsPending());
            Jdbc.setInstant(ps, 16, entry.createdAt());
            Jdbc.setMetadata(ps, 17, entry.metadata());
            ps.executeUpdate();
        }
    }
}
