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
 * BALANCES: one row per account, written with ONE upsert per poll. The poll's events are first merged
 * into one row per account: the asset and normal side of its opening, whether it was closed, and the
 * balances after its highest version (the last posting of its newest entry, which carries the balances
 * after all of them).
 *
 * The upsert keeps, column by column, what every event order would give: the balances and version are
 * replaced only by a higher version, so a redelivered or late event never moves a balance backwards; an
 * opening fills in asset and normal side; a close sets CLOSED, which nothing undoes; {@code last_seq}
 * only grows. Whichever of these arrives first creates the row. Rows that would not change are not
 * updated (no dead row, no WAL for a redelivery).
 *
 * What can go wrong: until its opening arrives, a row has no normal side (and, with only a close, no
 * asset); queries show them as unknown. An upsert may not touch one row twice, hence the merge per
 * account before it.
 */
final class BalancesWriter implements ModelWriter {

    private static final String UPSERT = """
            WITH upserted AS (
                INSERT INTO account_balances AS b (ledger_id, account_id, asset, normal_side, status, debits_posted,
                    credits_posted, debits_pending, credits_pending, version, last_seq)
                SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[],
                        ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
                    AS n(ledger_id, account_id, asset, normal_side, status, debits_posted, credits_posted, debits_pending,
                         credits_pending, version, last_seq)
                ORDER BY n.ledger_id, n.account_id
                ON CONFLICT (ledger_id, account_id) DO UPDATE SET
                    asset = COALESCE(b.asset, EXCLUDED.asset),
                    normal_side = COALESCE(b.normal_side, EXCLUDED.normal_side),
                    status = CASE WHEN EXCLUDED.status = 'CLOSED' THEN 'CLOSED' ELSE b.status END,
                    debits_posted = CASE WHEN EXCLUDED.version > b.version THEN EXCLUDED.debits_posted ELSE b.debits_posted END,
                    credits_posted = CASE WHEN EXCLUDED.version > b.version THEN EXCLUDED.credits_posted ELSE b.credits_posted END,
                    debits_pending = CASE WHEN EXCLUDED.version > b.version THEN EXCLUDED.debits_pending ELSE b.debits_pending END,
                    credits_pending = CASE WHEN EXCLUDED.version > b.version THEN EXCLUDED.credits_pending ELSE b.credits_pending END,
                    version = GREATEST(b.version, EXCLUDED.version),
                    last_seq = GREATEST(b.last_seq, EXCLUDED.last_seq)
                WHERE EXCLUDED.version > b.version OR EXCLUDED.last_seq > b.last_seq
                   OR (b.asset IS NULL AND EXCLUDED.asset IS NOT NULL)
                   OR (b.normal_side IS NULL AND EXCLUDED.normal_side IS NOT NULL)
                   OR (b.status = 'OPEN' AND EXCLUDED.status = 'CLOSED')
                RETURNING 1)
            SELECT count(*) FROM upserted""";

    /** What a poll says about one account. */
    private static final class Row {
        String asset;
        String normalSide;
        boolean closed;
        Balance balance = Balance.ZERO;
        long version;
        long lastSeq;
    }

    @Override
    public ReadModel model() {
        return ReadModel.BALANCES;
    }

    @Override
    public List<String> tables() {
        return List.of("account_balances");
    }

    @Override
    public void write(List<LedgerEvent> events, Pipeline pipeline) {
        Map<AccountKey, Row> rows = new LinkedHashMap<>();
        for (var event : events) {
            var h = event.header();
            var row = rows.computeIfAbsent(new AccountKey(h.ledgerId(), h.accountId()), k -> new Row());
            row.lastSeq = Math.max(row.lastSeq, h.ledgerSeq());
            switch (event) {
                case LedgerEvent.AccountOpened opened -> {
                    row.asset = opened.account().asset();
                    row.normalSide = opened.account().normalSide().name();
                }
                case LedgerEvent.AccountClosed closed -> row.closed = true;
                // Never on the journal topics: RecordDecoder refuses it.
                case LedgerEvent.BalanceThresholdCrossed crossed -> { }
                case LedgerEvent.EntryPosted posted -> {
                    var last = OwnPostings.last(posted);
                    if (last.accountVersion() > row.version) {
                        row.version = last.accountVersion();
                        row.balance = last.balanceAfter();
                    }
                    if (row.asset == null) {
                        row.asset = last.asset();
                    }
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
        var normalSide = new String[n];
        var status = new String[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var version = new long[n];
        var lastSeq = new long[n];
        int i = 0;
        for (var e : rows.entrySet()) {
            var row = e.getValue();
            ledgerId[i] = e.getKey().ledgerId();
            accountId[i] = e.getKey().accountId();
            asset[i] = row.asset;
            normalSide[i] = row.normalSide;
            status[i] = row.closed ? "CLOSED" : "OPEN";
            debitsPosted[i] = row.balance.debitsPosted();
            creditsPosted[i] = row.balance.creditsPosted();
            debitsPending[i] = row.balance.debitsPending();
            creditsPending[i] = row.balance.creditsPending();
            version[i] = row.version;
            lastSeq[i] = row.lastSeq;
            i++;
        }
        pipeline.add(UPSERT, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).texts(asset).texts(normalSide)
                .texts(status).longs(debitsPosted).longs(creditsPosted).longs(debitsPending).longs(creditsPending).longs(version)
                .longs(lastSeq).next(), Pipeline.NOTHING_TO_READ);
    }
}
