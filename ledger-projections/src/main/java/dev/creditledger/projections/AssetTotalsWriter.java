package dev.creditledger.projections;

import dev.creditledger.core.Side;
import dev.creditledger.core.events.LedgerEvent;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ASSET_TOTALS: per ledger and asset, the four totals over all accounts and the number of accounts
 * opened. Each account's copy of an entry adds only that account's postings, so every posting is
 * added exactly once over all copies. This model is additive: it is correct only because the caller
 * lets each event in once ({@code applied_events}); a close changes nothing here.
 */
final class AssetTotalsWriter implements ModelWriter {

    private static final String ADD = """
            INSERT INTO asset_totals AS t (ledger_id, asset, debits_posted, credits_posted, debits_pending, credits_pending,
                accounts, last_seq)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (ledger_id, asset) DO UPDATE SET debits_posted = t.debits_posted + EXCLUDED.debits_posted,
                credits_posted = t.credits_posted + EXCLUDED.credits_posted,
                debits_pending = t.debits_pending + EXCLUDED.debits_pending,
                credits_pending = t.credits_pending + EXCLUDED.credits_pending,
                accounts = t.accounts + EXCLUDED.accounts, last_seq = GREATEST(t.last_seq, EXCLUDED.last_seq)""";

    /** Sums of one asset's postings in one event: debits posted, credits posted, debits pending, credits pending. */
    private static final class Sums {
        long debitsPosted;
        long creditsPosted;
        long debitsPending;
        long creditsPending;
    }

    @Override
    public ReadModel model() {
        return ReadModel.ASSET_TOTALS;
    }

    @Override
    public List<String> tables() {
        return List.of("asset_totals");
    }

    @Override
    public void apply(PreparedCache sql, LedgerEvent event) throws SQLException {
        var h = event.header();
        switch (event) {
            case LedgerEvent.AccountOpened opened -> add(sql, h.ledgerId(), opened.account().asset(), new Sums(), 1, h.ledgerSeq());
            case LedgerEvent.AccountClosed closed -> { }
            case LedgerEvent.EntryPosted posted -> {
                Map<String, Sums> byAsset = new TreeMap<>();
                for (var line : OwnPostings.of(posted)) {
                    var p = line.posting();
                    var sums = byAsset.computeIfAbsent(p.asset(), a -> new Sums());
                    // Overflow here would be a corrupt event (the journal checks every total); fail it rather than wrap.
                    if (p.side() == Side.DEBIT) {
                        sums.debitsPosted = Math.addExact(sums.debitsPosted, p.postedMinor());
                        sums.debitsPending = Math.addExact(sums.debitsPending, p.pendingDeltaMinor());
                    } else {
                        sums.creditsPosted = Math.addExact(sums.creditsPosted, p.postedMinor());
                        sums.creditsPending = Math.addExact(sums.creditsPending, p.pendingDeltaMinor());
                    }
                }
                for (var e : byAsset.entrySet()) {
                    add(sql, h.ledgerId(), e.getKey(), e.getValue(), 0, h.ledgerSeq());
                }
            }
        }
    }

    private static void add(PreparedCache sql, java.util.UUID ledgerId, String asset, Sums sums, long accounts, long seq)
            throws SQLException {
        var ps = sql.get(ADD);
        ps.setObject(1, ledgerId);
        ps.setString(2, asset);
        ps.setLong(3, sums.debitsPosted);
        ps.setLong(4, sums.creditsPosted);
        ps.setLong(5, sums.debitsPending);
        ps.setLong(6, sums.creditsPending);
        ps.setLong(7, accounts);
        ps.setLong(8, seq);
        ps.executeUpdate();
    }
}
