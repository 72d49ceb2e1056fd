package dev.creditledger.projections;

import dev.creditledger.core.Posting;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * DAILY_BALANCES: the closing balance of an account on each UTC day of its postings. The day is that
 * of the entry's creation time. A poll is collapsed to each (account, day)'s highest version and written
 * with ONE upsert that replaces a row only by a higher version of the same day, so the row ends at the
 * last posting of the day whatever the delivery order. Account events write nothing here.
 *
 * What can go wrong: the day is the entry's creation time in UTC, not the time it was projected, so a
 * late event still lands on its own day; an upsert may not touch one row twice, hence the collapse.
 */
final class DailyBalancesWriter implements ModelWriter {

    private static final String UPSERT = """
            WITH upserted AS (
                INSERT INTO daily_balances AS d (ledger_id, account_id, day, debits_posted, credits_posted, debits_pending,
                    credits_pending, version, last_seq)
                SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::date[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::bigint[], ?::bigint[])
                    AS n(ledger_id, account_id, day, debits_posted, credits_posted, debits_pending, credits_pending, version,
                         last_seq)
                ORDER BY n.ledger_id, n.account_id, n.day
                ON CONFLICT (ledger_id, account_id, day) DO UPDATE SET debits_posted = EXCLUDED.debits_posted,
                    credits_posted = EXCLUDED.credits_posted, debits_pending = EXCLUDED.debits_pending,
                    credits_pending = EXCLUDED.credits_pending, version = EXCLUDED.version, last_seq = EXCLUDED.last_seq
                WHERE d.version < EXCLUDED.version
                RETURNING 1)
            SELECT count(*) FROM upserted""";

    private record DayKey(UUID ledgerId, UUID accountId, LocalDate day) {}

    private record Closing(Posting posting, long seq) {}

    @Override
    public ReadModel model() {
        return ReadModel.DAILY_BALANCES;
    }

    @Override
    public List<String> tables() {
        return List.of("daily_balances");
    }

    @Override
    public void write(List<LedgerEvent> events, Pipeline pipeline) {
        Map<DayKey, Closing> days = new LinkedHashMap<>();
        for (var event : events) {
            if (event instanceof LedgerEvent.EntryPosted posted) {
                var last = OwnPostings.last(posted);
                var entry = posted.entry();
                var key = new DayKey(entry.ledgerId(), last.accountId(), LocalDate.ofInstant(entry.createdAt(), ZoneOffset.UTC));
                days.merge(key, new Closing(last, entry.seq()),
                        (a, b) -> a.posting().accountVersion() >= b.posting().accountVersion() ? a : b);
            }
        }
        if (days.isEmpty()) {
            return;
        }
        int n = days.size();
        var ledgerId = new UUID[n];
        var accountId = new UUID[n];
        var day = new String[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var version = new long[n];
        var lastSeq = new long[n];
        int i = 0;
        for (var e : days.entrySet()) {
            var p = e.getValue().posting();
            ledgerId[i] = e.getKey().ledgerId();
            accountId[i] = e.getKey().accountId();
            day[i] = e.getKey().day().toString();
            debitsPosted[i] = p.balanceAfter().debitsPosted();
            creditsPosted[i] = p.balanceAfter().creditsPosted();
            debitsPending[i] = p.balanceAfter().debitsPending();
            creditsPending[i] = p.balanceAfter().creditsPending();
            version[i] = p.accountVersion();
            lastSeq[i] = e.getValue().seq();
            i++;
        }
        pipeline.add(UPSERT, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).texts(day).longs(debitsPosted)
                .longs(creditsPosted).longs(debitsPending).longs(creditsPending).longs(version).longs(lastSeq).next(),
                Pipeline.NOTHING_TO_READ);
    }
}
