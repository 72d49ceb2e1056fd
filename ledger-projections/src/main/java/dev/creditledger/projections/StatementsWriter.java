package dev.creditledger.projections;

import dev.creditledger.core.JsonText;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * STATEMENTS: one line per posting of the event's account, keyed by (ledger, account, account version)
 * and inserted only if absent, so a line is written once whatever the order or number of deliveries.
 * A poll's lines are inserted with ONE statement; a line the poll holds twice is sent once. An entry that
 * posts to the account twice gives two lines (two versions). Account events write nothing here.
 *
 * What can go wrong: two different postings under one (account, version) would be taken as one, the
 * first to arrive kept; the engine assigns versions densely under the ledger lock and the checker
 * compares every line.
 */
final class StatementsWriter implements ModelWriter {

    private static final String INSERT = """
            WITH inserted AS (
                INSERT INTO statement_lines (ledger_id, account_id, account_version, entry_id, entry_seq, line_no, kind, side,
                    asset, posted_amount, pending_delta, debits_posted_after, credits_posted_after, debits_pending_after,
                    credits_pending_after, created_at, metadata, kafka_partition, kafka_offset, published_at, applied_at)
                SELECT l.*, clock_timestamp()
                FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::uuid[], ?::bigint[], ?::int[], ?::text[], ?::text[],
                        ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                        ?::timestamptz[], ?::jsonb[], ?::int[], ?::bigint[], ?::timestamptz[])
                    AS l(ledger_id, account_id, account_version, entry_id, entry_seq, line_no, kind, side, asset, posted_amount,
                         pending_delta, debits_posted_after, credits_posted_after, debits_pending_after, credits_pending_after,
                         created_at, metadata, kafka_partition, kafka_offset, published_at)
                ORDER BY l.ledger_id, l.account_id, l.account_version
                ON CONFLICT (ledger_id, account_id, account_version) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM inserted""";

    private record LineKey(UUID ledgerId, UUID accountId, long accountVersion) {}

    private record Line(LedgerEvent.EntryPosted event, OwnPostings.Line line, RecordPosition position) {}

    @Override
    public ReadModel model() {
        return ReadModel.STATEMENTS;
    }

    @Override
    public List<String> tables() {
        return List.of("statement_lines");
    }

    @Override
    public void write(List<LedgerEvent> events, Pipeline pipeline) {
        write(events, null, pipeline);
    }

    /** Each line also keeps where its event was read from and when it was applied, for the transfer's journey. */
    @Override
    public void write(List<LedgerEvent> events, List<RecordPosition> positions, Pipeline pipeline) {
        Map<LineKey, Line> lines = new LinkedHashMap<>();
        for (int e = 0; e < events.size(); e++) {
            if (events.get(e) instanceof LedgerEvent.EntryPosted posted) {
                var position = positions == null ? null : positions.get(e);
                for (var line : OwnPostings.of(posted)) {
                    var p = line.posting();
                    lines.putIfAbsent(new LineKey(posted.entry().ledgerId(), p.accountId(), p.accountVersion()),
                            new Line(posted, line, position));
                }
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        int n = lines.size();
        var ledgerId = new UUID[n];
        var accountId = new UUID[n];
        var version = new long[n];
        var entryId = new UUID[n];
        var entrySeq = new long[n];
        var lineNo = new int[n];
        var kind = new String[n];
        var side = new String[n];
        var asset = new String[n];
        var posted = new long[n];
        var pendingDelta = new long[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var createdAt = new String[n];
        var metadata = new String[n];
        var partition = new Integer[n];
        var offset = new Long[n];
        var publishedAt = new String[n];
        int i = 0;
        for (var l : lines.values()) {
            var entry = l.event().entry();
            var p = l.line().posting();
            ledgerId[i] = entry.ledgerId();
            accountId[i] = p.accountId();
            version[i] = p.accountVersion();
            entryId[i] = entry.id();
            entrySeq[i] = entry.seq();
            lineNo[i] = l.line().lineNo();
            kind[i] = entry.kind().name();
            side[i] = p.side().name();
            asset[i] = p.asset();
            posted[i] = p.postedMinor();
            pendingDelta[i] = p.pendingDeltaMinor();
            debitsPosted[i] = p.balanceAfter().debitsPosted();
            creditsPosted[i] = p.balanceAfter().creditsPosted();
            debitsPending[i] = p.balanceAfter().debitsPending();
            creditsPending[i] = p.balanceAfter().creditsPending();
            createdAt[i] = entry.createdAt().toString();
            metadata[i] = JsonText.object(entry.metadata());
            if (l.position() != null) {
                partition[i] = l.position().partition();
                offset[i] = l.position().offset();
                publishedAt[i] = l.position().publishedAt() == null ? null : l.position().publishedAt().toString();
            }
            i++;
        }
        pipeline.add(INSERT, (ps, index) -> Columns.at(ps, index).uuids(ledgerId).uuids(accountId).longs(version).uuids(entryId)
                .longs(entrySeq).ints(lineNo).texts(kind).texts(side).texts(asset).longs(posted).longs(pendingDelta)
                .longs(debitsPosted).longs(creditsPosted).longs(debitsPending).longs(creditsPending).texts(createdAt)
                .texts(metadata).ints(partition).longs(offset).texts(publishedAt).next(), Pipeline.NOTHING_TO_READ);
    }
}
