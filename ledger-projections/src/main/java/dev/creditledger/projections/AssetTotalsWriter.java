package dev.creditledger.projections;

import dev.creditledger.core.Balance;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * ASSET_TOTALS: per ledger and asset, the four totals over all accounts and the number of accounts.
 *
 * The totals are additive, so the model keeps its own record of what it counted: a snapshot per account
 * in {@code asset_total_accounts} (its totals after the highest version counted). A poll is collapsed to
 * each account's highest version (an opening alone is version 0 with zero totals); each account whose
 * incoming version is above its snapshot's adds (new totals - snapshot totals) to its asset's row, and
 * its snapshot moves there. An account's first appearance creates its snapshot and adds one to the
 * asset's account count. So the totals always equal the sum of the latest snapshots, whatever the order
 * or repetition of events: an old event after a newer one, or the same one twice, changes nothing. A
 * close changes nothing here.
 *
 * Three statements, one round trip (the caller's pipeline), so that two transactions applying the same
 * accounts at once (the live projector and a rebuild) neither lose an update nor deadlock:
 * <ol>
 *   <li>ensure every snapshot row exists ({@code INSERT ... ON CONFLICT DO NOTHING}, ascending keys); a
 *       new row has version {@value #NOT_COUNTED_VERSION}, "not counted yet";</li>
 *   <li>lock the snapshot rows ({@code FOR UPDATE}, ascending (ledger, account));</li>
 *   <li>in one statement, with a snapshot taken after the locks are held (READ COMMITTED takes one per
 *       statement, so it sees what the previous holder committed): compute the deltas from the locked
 *       rows, move them, and add the deltas to the totals rows in ascending (ledger, asset) order.</li>
 * </ol>
 * The locks of statement 2 are taken after statement 1's inserts, not in one ascending sweep, but a
 * transaction can only reach statement 2 once every row it needs exists committed or was inserted by
 * itself (statement 1 waits for a concurrent insert of the same key to commit), so no one waits in
 * statement 2 for a row another holds from statement 1; and totals rows are locked last, in order.
 *
 * What can go wrong: an overflow of a total (a corrupt event; the journal checks every balance) fails the
 * statement, and the event is dead-lettered by the isolated retry.
 */
final class AssetTotalsWriter implements ModelWriter {

    /** The version of a snapshot row created by this transaction and not yet added to the totals. */
    static final long NOT_COUNTED_VERSION = -1;

    private static final String ENSURE = """
            WITH ensured AS (
                INSERT INTO asset_total_accounts (ledger_id, account_id, asset, version, debits_posted, credits_posted,
                    debits_pending, credits_pending)
                SELECT i.ledger_id, i.account_id, i.asset, %d, 0, 0, 0, 0
                FROM unnest(?::uuid[], ?::uuid[], ?::text[]) AS i(ledger_id, account_id, asset)
                ORDER BY i.ledger_id, i.account_id
                ON CONFLICT (ledger_id, account_id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM ensured""".formatted(NOT_COUNTED_VERSION);

    private static final String LOCK = """
            SELECT s.account_id FROM asset_total_accounts s
            JOIN unnest(?::uuid[], ?::uuid[]) AS i(ledger_id, account_id)
                ON s.ledger_id = i.ledger_id AND s.account_id = i.account_id
            ORDER BY s.ledger_id, s.account_id
            FOR UPDATE OF s""";

    private static final String MOVE = """
            WITH incoming AS (
                SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::bigint[])
                    AS i(ledger_id, account_id, version, debits_posted, credits_posted, debits_pending, credits_pending, seq)),
            changed AS (
                SELECT s.ledger_id, s.asset, i.seq,
                       i.debits_posted - s.debits_posted AS debits_posted, i.credits_posted - s.credits_posted AS credits_posted,
                       i.debits_pending - s.debits_pending AS debits_pending,
                       i.credits_pending - s.credits_pending AS credits_pending,
                       CASE WHEN s.version = %d THEN 1 ELSE 0 END AS accounts
                FROM asset_total_accounts s
                JOIN incoming i ON s.ledger_id = i.ledger_id AND s.account_id = i.account_id
                WHERE i.version > s.version),
            moved AS (
                UPDATE asset_total_accounts s SET version = i.version, debits_posted = i.debits_posted,
                    credits_posted = i.credits_posted, debits_pending = i.debits_pending, credits_pending = i.credits_pending
                FROM incoming i
                WHERE s.ledger_id = i.ledger_id AND s.account_id = i.account_id AND i.version > s.version
                RETURNING 1),
            added AS (
                INSERT INTO asset_totals AS t (ledger_id, asset, debits_posted, credits_posted, debits_pending, credits_pending,
                    accounts, last_seq)
                SELECT ledger_id, asset, sum(debits_posted)::bigint, sum(credits_posted)::bigint, sum(debits_pending)::bigint,
                       sum(credits_pending)::bigint, sum(accounts)::bigint, max(seq)
                FROM changed GROUP BY ledger_id, asset
                ORDER BY ledger_id, asset
                ON CONFLICT (ledger_id, asset) DO UPDATE SET debits_posted = t.debits_posted + EXCLUDED.debits_posted,
                    credits_posted = t.credits_posted + EXCLUDED.credits_posted,
                    debits_pending = t.debits_pending + EXCLUDED.debits_pending,
                    credits_pending = t.credits_pending + EXCLUDED.credits_pending,
                    accounts = t.accounts + EXCLUDED.accounts, last_seq = GREATEST(t.last_seq, EXCLUDED.last_seq)
                RETURNING 1)
            SELECT (SELECT count(*) FROM moved) AS moved, (SELECT count(*) FROM added) AS added""".formatted(NOT_COUNTED_VERSION);

    /** What a poll says about one account: its asset, and its totals after its highest version. */
    private static final class Row {
        String asset;
        long version;
        Balance balance = Balance.ZERO;
        long seq;
    }

    @Override
    public ReadModel model() {
        return ReadModel.ASSET_TOTALS;
    }

    @Override
    public List<String> tables() {
        return List.of("asset_total_accounts", "asset_totals");
    }

    @Override
    public void write(List<LedgerEvent> events, Pipeline pipeline) {
        Map<AccountKey, Row> rows = new LinkedHashMap<>();
        for (var event : events) {
            var h = event.header();
            switch (event) {
                case LedgerEvent.AccountOpened opened -> {
                    var row = rows.computeIfAbsent(new AccountKey(h.ledgerId(), h.accountId()), k -> new Row());
                    row.asset = opened.account().asset();
                    row.seq = Math.max(row.seq, h.ledgerSeq());
                }
                case LedgerEvent.AccountClosed closed -> { }
                // Never on the journal topics: RecordDecoder refuses it.
                case LedgerEvent.BalanceThresholdCrossed crossed -> { }
                case LedgerEvent.EntryPosted posted -> {
                    var last = OwnPostings.last(posted);
                    var row = rows.computeIfAbsent(new AccountKey(h.ledgerId(), h.accountId()), k -> new Row());
                    row.asset = last.asset();
                    if (last.accountVersion() > row.version) {
                        row.version = last.accountVersion();
                        row.balance = last.balanceAfter();
                    }
                    row.seq = Math.max(row.seq, h.ledgerSeq());
                }
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        int n = rows.size();
        var ledgerId = new UUID[n];
        var accountId = new UUID[n];
        var asset = new String[n];
        var version = new long[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var seq = new long[n];
        int i = 0;
        for (var e : rows.entrySet()) {
            var row = e.getValue();
            ledgerId[i] = e.getKey().ledgerId();
            accountId[i] = e.getKey().accountId();
            asset[i] = row.asset;
            version[i] = row.version;
            debitsPosted[i] = row.balance.debitsPosted();
            creditsPosted[i] = row.balance.creditsPosted();
            debitsPending[i] = row.balance.debitsPending();
            creditsPending[i] = row.balance.creditsPending();
            seq[i] = row.seq;
            i++;
        }
        pipeline.add(ENSURE, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).texts(asset).next(),
                Pipeline.NOTHING_TO_READ);
        pipeline.add(LOCK, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).next(), Pipeline.NOTHING_TO_READ);
        pipeline.add(MOVE, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).longs(version).longs(debitsPosted)
                .longs(creditsPosted).longs(debitsPending).longs(creditsPending).longs(seq).next(), Pipeline.NOTHING_TO_READ);
    }
}
