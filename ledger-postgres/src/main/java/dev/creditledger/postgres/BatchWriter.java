package dev.creditledger.postgres;

import dev.creditledger.core.AccountClosure;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.BatchOutcome;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.JsonText;
import dev.creditledger.core.Submission;
import dev.creditledger.core.TransferState;
import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes what one ledger's batch produced in ONE statement: every table's rows travel as column arrays
 * and are inserted with {@code unnest}, each table in its own data-modifying CTE, and only the tables the
 * batch has rows for are in the statement ({@link Part}). Journal
 * rows are inserted, never updated; materialised state (balances, transfer states, the ledger's last
 * sequence, grants) is written with its final value only: balance rows of accounts opened in the batch are
 * inserted, the others updated in place. Nothing else is written for the events: the relay
 * reads them from these rows (ADR 0006).
 *
 * What each row carries that the state machine does not produce: the trace context of the request
 * behind each new sequence number, and the idempotency key, arrival time and batch size of the request
 * behind each new entry (the last two for the transfer's journey); and each entry's link of the journal's hash
 * chain ({@link CanonicalJournal}), computed from the head the batch loaded under the ledger lock, the last of
 * which becomes the ledger's new head.
 */
final class BatchWriter {
    private BatchWriter() {}

    /** The statement's head: the values every part shares. */
    private static final String PARAMS = "WITH params AS (SELECT ?::uuid AS ledger_id, ?::timestamptz AS at, ?::int AS batch_size)";

    private static final String OPENED = """
            opened AS (
                INSERT INTO accounts (ledger_id, id, code, asset, normal_side, overdraft_limit, metadata, created_at, seq, traceparent)
                SELECT p.ledger_id, a.id, a.code, a.asset, a.normal_side, a.overdraft_limit, a.metadata, p.at, a.seq, a.traceparent
                FROM params p, unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::jsonb[], ?::bigint[], ?::bytea[])
                    AS a(id, code, asset, normal_side, overdraft_limit, metadata, seq, traceparent))""";

    private static final String CLOSED = """
            closed AS (
                INSERT INTO account_closures (ledger_id, account_id, seq, closed_at, traceparent)
                SELECT p.ledger_id, c.account_id, c.seq, p.at, c.traceparent
                FROM params p, unnest(?::uuid[], ?::bigint[], ?::bytea[]) AS c(account_id, seq, traceparent))""";

    private static final String BALANCES_OPENED = """
            balances_opened AS (
                INSERT INTO balances (ledger_id, account_id, debits_posted, credits_posted, debits_pending, credits_pending,
                                      version, status, alert_thresholds, updated_at)
                SELECT p.ledger_id, n.account_id, n.debits_posted, n.credits_posted, n.debits_pending, n.credits_pending,
                       n.version, n.status, n.alert_thresholds::bigint[], p.at
                FROM params p, unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[])
                    AS n(account_id, debits_posted, credits_posted, debits_pending, credits_pending, version, status,
                         alert_thresholds))""";

    private static final String BALANCES_CHANGED = """
            balances_changed AS (
                UPDATE balances b SET debits_posted = n.debits_posted, credits_posted = n.credits_posted,
                    debits_pending = n.debits_pending, credits_pending = n.credits_pending, version = n.version,
                    status = n.status, updated_at = p.at
                FROM params p, unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])
                    AS n(account_id, debits_posted, credits_posted, debits_pending, credits_pending, version, status)
                WHERE b.ledger_id = p.ledger_id AND b.account_id = n.account_id)""";

    private static final String JOURNALED = """
            journaled AS (
                INSERT INTO entries (ledger_id, seq, id, amount, created_at, reference_id, expires_at, kind, metadata,
                                     idempotency_key, traceparent, received_at, batch_size, chain_hash)
                SELECT p.ledger_id, e.seq, e.id, e.amount, p.at, e.reference_id, e.expires_at, e.kind, e.metadata,
                       e.idempotency_key, e.traceparent, e.received_at, p.batch_size, e.chain_hash
                FROM params p, unnest(?::bigint[], ?::uuid[], ?::bigint[], ?::uuid[], ?::timestamptz[], ?::text[], ?::jsonb[],
                                      ?::text[], ?::bytea[], ?::timestamptz[], ?::bytea[])
                    AS e(seq, id, amount, reference_id, expires_at, kind, metadata, idempotency_key, traceparent, received_at,
                         chain_hash))""";

    private static final String POSTED = """
            posted AS (
                INSERT INTO postings (ledger_id, account_id, account_version, entry_seq, posted_amount, pending_delta,
                                      debits_posted_after, credits_posted_after, debits_pending_after, credits_pending_after,
                                      created_at, line_no, side, asset)
                SELECT p.ledger_id, x.account_id, x.account_version, x.entry_seq, x.posted_amount, x.pending_delta,
                       x.debits_posted_after, x.credits_posted_after, x.debits_pending_after, x.credits_pending_after,
                       p.at, x.line_no, x.side, x.asset
                FROM params p, unnest(?::uuid[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                      ?::bigint[], ?::bigint[], ?::smallint[], ?::text[], ?::text[])
                    AS x(account_id, account_version, entry_seq, posted_amount, pending_delta, debits_posted_after,
                         credits_posted_after, debits_pending_after, credits_pending_after, line_no, side, asset))""";

    private static final String TRACKED = """
            tracked AS (
                INSERT INTO transfer_states AS t (ledger_id, transfer_id, from_account_id, to_account_id, asset, amount, is_hold,
                                                  status, posted_amount, reversed_amount, expires_at, updated_at,
                                                  draw_grant_ids, draw_amounts)
                SELECT p.ledger_id, s.transfer_id, s.from_account_id, s.to_account_id, s.asset, s.amount, s.is_hold, s.status,
                       s.posted_amount, s.reversed_amount, s.expires_at, p.at,
                       string_to_array(nullif(s.draw_grant_ids, ''), ',')::uuid[],
                       string_to_array(nullif(s.draw_amounts, ''), ',')::bigint[]
                FROM params p, unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::boolean[], ?::text[], ?::bigint[],
                                      ?::bigint[], ?::timestamptz[], ?::text[], ?::text[])
                    AS s(transfer_id, from_account_id, to_account_id, asset, amount, is_hold, status, posted_amount,
                         reversed_amount, expires_at, draw_grant_ids, draw_amounts)
                ON CONFLICT (ledger_id, transfer_id) DO UPDATE SET status = EXCLUDED.status,
                    posted_amount = EXCLUDED.posted_amount, reversed_amount = EXCLUDED.reversed_amount,
                    updated_at = EXCLUDED.updated_at, draw_grant_ids = EXCLUDED.draw_grant_ids,
                    draw_amounts = EXCLUDED.draw_amounts)""";

    private static final String GRANTED = """
            granted AS (
                INSERT INTO grants (ledger_id, id, account_id, asset, amount, remaining, reserved, consumed, expired, expires_at,
                                    source, metadata, expiry_account_id, created_seq, created_at, status, updated_at)
                SELECT p.ledger_id, g.id, g.account_id, g.asset, g.amount, g.remaining, g.reserved, g.consumed, g.expired,
                       g.expires_at, g.source, g.metadata, g.expiry_account_id, g.created_seq, g.created_at, g.status, p.at
                FROM params p, unnest(?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                      ?::bigint[], ?::timestamptz[], ?::text[], ?::jsonb[], ?::uuid[], ?::bigint[],
                                      ?::timestamptz[], ?::text[])
                    AS g(id, account_id, asset, amount, remaining, reserved, consumed, expired, expires_at, source, metadata,
                         expiry_account_id, created_seq, created_at, status)
                ON CONFLICT (ledger_id, id) DO UPDATE SET remaining = EXCLUDED.remaining, reserved = EXCLUDED.reserved,
                    consumed = EXCLUDED.consumed, expired = EXCLUDED.expired, status = EXCLUDED.status,
                    updated_at = EXCLUDED.updated_at)""";

    private static final String ESCROWED = """
            escrowed AS (
                INSERT INTO escrows (ledger_id, order_id, id, buyer_account_id, seller_account_id, escrow_account_id, asset, amount,
                                     released, refunded, status, created_seq, created_at, updated_at)
                SELECT p.ledger_id, x.order_id, x.id, x.buyer_account_id, x.seller_account_id, x.escrow_account_id, x.asset, x.amount,
                       x.released, x.refunded, x.status, x.created_seq, x.created_at, p.at
                FROM params p, unnest(?::text[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::bigint[],
                                      ?::bigint[], ?::text[], ?::bigint[], ?::timestamptz[])
                    AS x(order_id, id, buyer_account_id, seller_account_id, escrow_account_id, asset, amount, released, refunded,
                         status, created_seq, created_at)
                ON CONFLICT (ledger_id, order_id) DO UPDATE SET released = EXCLUDED.released, refunded = EXCLUDED.refunded,
                    status = EXCLUDED.status, updated_at = EXCLUDED.updated_at)""";

    private static final String GRANT_CHANGED = """
            grant_changed AS (
                INSERT INTO grant_changes (ledger_id, entry_seq, grant_id, account_id, change_no, kind, amount)
                SELECT p.ledger_id, c.entry_seq, c.grant_id, c.account_id, c.change_no, c.kind, c.amount
                FROM params p, unnest(?::bigint[], ?::uuid[], ?::uuid[], ?::int[], ?::text[], ?::bigint[])
                    AS c(entry_seq, grant_id, account_id, change_no, kind, amount))""";

    private static final String ALERTED = """
            alerted AS (
                INSERT INTO balance_alerts (ledger_id, entry_seq, alert_no, account_id, threshold, direction, available_before,
                                            available_after)
                SELECT p.ledger_id, a.entry_seq, a.alert_no, a.account_id, a.threshold, a.direction, a.available_before,
                       a.available_after
                FROM params p, unnest(?::bigint[], ?::int[], ?::uuid[], ?::bigint[], ?::text[], ?::numeric[], ?::numeric[])
                    AS a(entry_seq, alert_no, account_id, threshold, direction, available_before, available_after))""";

    private static final String REMEMBERED = """
            remembered AS (
                INSERT INTO idempotency (ledger_id, key_digest, request_digest, seq, created_at, rejection, detail)
                SELECT p.ledger_id, i.key_digest, i.request_digest, i.seq, p.at, i.rejection, i.detail
                FROM params p, unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::text[], ?::text[])
                    AS i(key_digest, request_digest, seq, rejection, detail))""";

    private static final String ADVANCED = """
            advanced AS (
                UPDATE ledgers l SET last_seq = n.last_seq, last_at = p.at, chain_head = coalesce(n.chain_head, l.chain_head)
                FROM params p, (SELECT ?::bigint AS last_seq, ?::bytea AS chain_head) n
                WHERE l.id = p.ledger_id AND n.last_seq IS NOT NULL)""";

    /**
     * One data-modifying CTE of the statement, present only when it has rows: PostgreSQL initialises every
     * part of a plan on each execution, rows or not, and a statement of all thirteen parts cost a batch of
     * one transfer about 1 ms of PostgreSQL's CPU in executor start-up alone. The statement is put together
     * from the parts present; the handful of shapes that occur are each prepared once per connection.
     */
    private record Part(String sql, Binder binder) {}

    @FunctionalInterface
    private interface Binder {
        void bind(Columns columns) throws SQLException;
    }

    /** The statement text for each set of parts present (a bit per part, in the order of {@link #parts}). */
    private static final Map<Long, String> STATEMENTS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param batchCommands the commands of the batch transaction, kept with each entry
     * @param chainHead     the ledger's chain head before the batch
     */
    static void write(Connection connection, UUID ledgerId, List<Submission> submissions, BatchOutcome outcome, Instant now,
                      int batchCommands, byte[] chainHead) throws SQLException {
        Long lastSeq = outcome.lastSeqByLedger().get(ledgerId);
        if (outcome.writesNothing() && lastSeq == null) {
            return;
        }
        var origins = Origins.of(submissions, outcome);
        var links = links(outcome, origins, chainHead);
        var parts = parts(outcome, origins, lastSeq, links);
        long shape = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) != null) {
                shape |= 1L << i;
            }
        }
        var sql = STATEMENTS.computeIfAbsent(shape, k -> statement(parts));
        try (var ps = connection.prepareStatement(sql)) {
            var columns = Columns.at(ps, 1).scalar(ledgerId).scalar(Sql.offsetDateTime(now)).scalar(batchCommands);
            for (var part : parts) {
                if (part != null) {
                    part.binder().bind(columns);
                }
            }
            ps.execute();
        }
    }

    private static String statement(List<Part> parts) {
        var sql = new StringBuilder(PARAMS);
        for (var part : parts) {
            if (part != null) {
                sql.append(",\n").append(part.sql());
            }
        }
        return sql.append("\nSELECT 1").toString();
    }

    /** Every part in statement order, null where it has no rows. */
    /** Each new entry's link of the hash chain (aligned with {@code outcome.entries()}), chained in sequence order. */
    private static byte[][] links(BatchOutcome outcome, Origins origins, byte[] chainHead) {
        var entries = outcome.entries();
        var links = new byte[entries.size()][];
        var previous = chainHead;
        var bySeq = java.util.stream.IntStream.range(0, entries.size()).boxed()
                .sorted(java.util.Comparator.comparingLong(i -> entries.get(i).seq())).toList();
        for (int i : bySeq) {
            var e = entries.get(i);
            var lines = new ArrayList<String>(1 + e.postings().size());
            lines.add(CanonicalJournal.entryLine(e.seq(), e.id(), e.kind().name(), e.amountMinor(), e.referenceId(),
                    origins.idempotencyKey(e.seq())));
            for (int line = 0; line < e.postings().size(); line++) {
                var p = e.postings().get(line);
                lines.add(CanonicalJournal.postingLine(e.seq(), line, p.accountId(), p.side().name(), p.asset(), p.postedMinor(),
                        p.pendingDeltaMinor()));
            }
            previous = CanonicalJournal.link(previous, lines);
            links[i] = previous;
        }
        return links;
    }

    /** The link of the batch's last entry, null when it wrote none (the head stays). */
    private static byte[] head(BatchOutcome outcome, byte[][] links) {
        byte[] head = null;
        long highest = 0;
        for (int i = 0; i < links.length; i++) {
            if (outcome.entries().get(i).seq() > highest) {
                highest = outcome.entries().get(i).seq();
                head = links[i];
            }
        }
        return head;
    }

    private static List<Part> parts(BatchOutcome outcome, Origins origins, Long lastSeq, byte[][] links) {
        var opened = new java.util.HashSet<UUID>();
        outcome.createdAccounts().forEach(a -> opened.add(a.id()));
        var openedRows = outcome.changedAccounts().stream().filter(a -> opened.contains(a.account().id())).toList();
        var changedRows = outcome.changedAccounts().stream().filter(a -> !opened.contains(a.account().id())).toList();
        int postings = outcome.entries().stream().mapToInt(e -> e.postings().size()).sum();
        var storedTransfers = outcome.changedTransfers().stream().filter(Rows::stored).toList();
        int grantChanges = outcome.entries().stream().mapToInt(e -> e.grantChanges().size()).sum();
        int alerts = outcome.entries().stream().mapToInt(e -> e.balanceAlerts().size()).sum();
        var parts = new ArrayList<Part>(13);
        parts.add(present(!outcome.createdAccounts().isEmpty(), OPENED, c -> bindAccounts(c, outcome, origins)));
        parts.add(present(!outcome.closedAccounts().isEmpty(), CLOSED, c -> bindClosures(c, outcome.closedAccounts(), origins)));
        parts.add(present(!openedRows.isEmpty(), BALANCES_OPENED, c -> bindOpenedBalances(c, openedRows)));
        parts.add(present(!changedRows.isEmpty(), BALANCES_CHANGED, c -> bindBalances(c, changedRows)));
        parts.add(present(!outcome.entries().isEmpty(), JOURNALED, c -> bindEntries(c, outcome, origins, links)));
        parts.add(present(postings > 0, POSTED, c -> bindPostings(c, outcome, postings)));
        parts.add(present(!storedTransfers.isEmpty(), TRACKED, c -> bindTransferStates(c, storedTransfers)));
        parts.add(present(!outcome.changedGrants().isEmpty(), GRANTED, c -> bindGrants(c, outcome)));
        parts.add(present(!outcome.changedEscrows().isEmpty(), ESCROWED, c -> bindEscrows(c, outcome)));
        parts.add(present(grantChanges > 0, GRANT_CHANGED, c -> bindGrantChanges(c, outcome, grantChanges)));
        parts.add(present(alerts > 0, ALERTED, c -> bindBalanceAlerts(c, outcome, alerts)));
        parts.add(present(!outcome.newIdempotencyRecords().isEmpty(), REMEMBERED, c -> bindIdempotency(c, outcome)));
        parts.add(present(lastSeq != null, ADVANCED, c -> c.scalar(lastSeq.longValue()).scalar(head(outcome, links))));
        return parts;
    }

    private static Part present(boolean hasRows, String sql, Binder binder) {
        return hasRows ? new Part(sql, binder) : null;
    }

    private static void bindAccounts(Columns columns, BatchOutcome outcome, Origins origins) throws SQLException {
        var accounts = outcome.createdAccounts();
        int n = accounts.size();
        var id = new UUID[n];
        var code = new String[n];
        var asset = new String[n];
        var normalSide = new String[n];
        var overdraftLimit = new Long[n];
        var metadata = new String[n];
        var seq = new Long[n];
        var traceparent = new byte[n][];
        for (int i = 0; i < n; i++) {
            var a = accounts.get(i);
            id[i] = a.id();
            code[i] = a.code();
            asset[i] = a.asset();
            normalSide[i] = a.normalSide().name();
            overdraftLimit[i] = a.overdraftLimitMinor();
            metadata[i] = JsonText.object(a.metadata());
            seq[i] = a.seq();
            traceparent[i] = origins.traceparent(a.seq());
        }
        columns.uuids(id).texts(code).texts(asset).texts(normalSide).longs(overdraftLimit).texts(metadata).longs(seq).bytes(traceparent);
    }

    private static void bindClosures(Columns columns, List<AccountClosure> closures, Origins origins) throws SQLException {
        int n = closures.size();
        var accountId = new UUID[n];
        var seq = new long[n];
        var traceparent = new byte[n][];
        for (int i = 0; i < n; i++) {
            var closure = closures.get(i);
            accountId[i] = closure.accountId();
            seq[i] = closure.seq();
            traceparent[i] = origins.traceparent(closure.seq());
        }
        columns.uuids(accountId).longs(seq).bytes(traceparent);
    }

    /**
     * The balance rows of accounts opened in this batch are inserted (with their alert thresholds), the
     * others updated in place (no upsert). An account's alert thresholds are written when it opens; later
     * changes go through AlertSettings.
     */
    private static void bindOpenedBalances(Columns columns, List<AccountState> openedRows) throws SQLException {
        bindBalances(columns, openedRows);
        columns.texts(openedRows.stream().map(BatchWriter::thresholdsLiteral).toArray(String[]::new));
    }

    /** A bigint[] literal such as {@code {100,10}}, or null when the account has no thresholds. */
    private static String thresholdsLiteral(AccountState account) {
        var thresholds = account.alertThresholds();
        return thresholds.isEmpty() ? null
                : thresholds.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",", "{", "}"));
    }

    private static void bindBalances(Columns columns, List<AccountState> accounts) throws SQLException {
        int n = accounts.size();
        var id = new UUID[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var version = new long[n];
        var status = new String[n];
        for (int i = 0; i < n; i++) {
            var a = accounts.get(i);
            id[i] = a.account().id();
            debitsPosted[i] = a.balance().debitsPosted();
            creditsPosted[i] = a.balance().creditsPosted();
            debitsPending[i] = a.balance().debitsPending();
            creditsPending[i] = a.balance().creditsPending();
            version[i] = a.version();
            status[i] = a.status().name();
        }
        columns.uuids(id).longs(debitsPosted).longs(creditsPosted).longs(debitsPending).longs(creditsPending).longs(version)
                .texts(status);
    }

    private static void bindEntries(Columns columns, BatchOutcome outcome, Origins origins, byte[][] links) throws SQLException {
        var entries = outcome.entries();
        int n = entries.size();
        var seq = new long[n];
        var id = new UUID[n];
        var amount = new long[n];
        var referenceId = new UUID[n];
        var expiresAt = new String[n];
        var kind = new String[n];
        var metadata = new String[n];
        var idempotencyKey = new String[n];
        var traceparent = new byte[n][];
        var receivedAt = new String[n];
        for (int i = 0; i < n; i++) {
            var e = entries.get(i);
            seq[i] = e.seq();
            id[i] = e.id();
            amount[i] = e.amountMinor();
            referenceId[i] = e.referenceId();
            expiresAt[i] = e.expiresAt() == null ? null : e.expiresAt().toString();
            kind[i] = e.kind().name();
            metadata[i] = e.metadata().isEmpty() ? null : JsonText.object(e.metadata());
            idempotencyKey[i] = origins.idempotencyKey(e.seq());
            traceparent[i] = origins.traceparent(e.seq());
            receivedAt[i] = origins.receivedAt(e.seq());
        }
        columns.longs(seq).uuids(id).longs(amount).uuids(referenceId).texts(expiresAt).texts(kind).texts(metadata)
                .texts(idempotencyKey).bytes(traceparent).texts(receivedAt).bytes(links);
    }

    private static void bindPostings(Columns columns, BatchOutcome outcome, int n) throws SQLException {
        var accountId = new UUID[n];
        var version = new long[n];
        var entrySeq = new long[n];
        var posted = new long[n];
        var pendingDelta = new long[n];
        var debitsPosted = new long[n];
        var creditsPosted = new long[n];
        var debitsPending = new long[n];
        var creditsPending = new long[n];
        var lineNo = new Short[n];
        var side = new String[n];
        var asset = new String[n];
        int i = 0;
        for (var e : outcome.entries()) {
            for (int line = 0; line < e.postings().size(); line++, i++) {
                var p = e.postings().get(line);
                accountId[i] = p.accountId();
                version[i] = p.accountVersion();
                entrySeq[i] = e.seq();
                posted[i] = p.postedMinor();
                pendingDelta[i] = p.pendingDeltaMinor();
                debitsPosted[i] = p.balanceAfter().debitsPosted();
                creditsPosted[i] = p.balanceAfter().creditsPosted();
                debitsPending[i] = p.balanceAfter().debitsPending();
                creditsPending[i] = p.balanceAfter().creditsPending();
                lineNo[i] = (short) line;
                side[i] = p.side().name();
                asset[i] = p.asset();
            }
        }
        columns.uuids(accountId).longs(version).longs(entrySeq).longs(posted).longs(pendingDelta).longs(debitsPosted)
                .longs(creditsPosted).longs(debitsPending).longs(creditsPending).shorts(lineNo).texts(side).texts(asset);
    }

    private static void bindTransferStates(Columns columns, List<TransferState> stored) throws SQLException {
        int n = stored.size();
        var id = new UUID[n];
        var from = new UUID[n];
        var to = new UUID[n];
        var asset = new String[n];
        var amount = new long[n];
        var hold = new Boolean[n];
        var status = new String[n];
        var posted = new long[n];
        var reversed = new long[n];
        var expiresAt = new String[n];
        var drawGrantIds = new String[n];
        var drawAmounts = new String[n];
        for (int i = 0; i < n; i++) {
            var t = stored.get(i);
            drawGrantIds[i] = joined(t.draws().stream().map(d -> d.grantId().toString()).toList());
            drawAmounts[i] = joined(t.draws().stream().map(d -> Long.toString(d.amountMinor())).toList());
            id[i] = t.transferId();
            from[i] = t.fromAccountId();
            to[i] = t.toAccountId();
            asset[i] = t.asset();
            amount[i] = t.amountMinor();
            hold[i] = t.hold();
            status[i] = t.status().name();
            posted[i] = t.postedMinor();
            reversed[i] = t.reversedMinor();
            expiresAt[i] = t.expiresAt() == null ? null : t.expiresAt().toString();
        }
        columns.uuids(id).uuids(from).uuids(to).texts(asset).longs(amount).booleans(hold).texts(status).longs(posted)
                .longs(reversed).texts(expiresAt).texts(drawGrantIds).texts(drawAmounts);
    }

    /** A transfer's draws travel as comma-separated text: unnest cannot take an array of arrays of different lengths. */
    private static String joined(List<String> values) {
        return values.isEmpty() ? null : String.join(",", values);
    }

    private static void bindGrants(Columns columns, BatchOutcome outcome) throws SQLException {
        var grants = outcome.changedGrants();
        int n = grants.size();
        var id = new UUID[n];
        var accountId = new UUID[n];
        var asset = new String[n];
        var amount = new long[n];
        var remaining = new long[n];
        var reserved = new long[n];
        var consumed = new long[n];
        var expired = new long[n];
        var expiresAt = new String[n];
        var source = new String[n];
        var metadata = new String[n];
        var expiryAccountId = new UUID[n];
        var createdSeq = new long[n];
        var createdAt = new String[n];
        var status = new String[n];
        for (int i = 0; i < n; i++) {
            var g = grants.get(i);
            id[i] = g.grantId();
            accountId[i] = g.accountId();
            asset[i] = g.asset();
            amount[i] = g.amountMinor();
            remaining[i] = g.remainingMinor();
            reserved[i] = g.reservedMinor();
            consumed[i] = g.consumedMinor();
            expired[i] = g.expiredMinor();
            expiresAt[i] = g.expiresAt() == null ? null : g.expiresAt().toString();
            source[i] = g.source();
            metadata[i] = g.metadata().isEmpty() ? null : JsonText.object(g.metadata());
            expiryAccountId[i] = g.expiryAccountId();
            createdSeq[i] = g.createdSeq();
            createdAt[i] = g.createdAt().toString();
            status[i] = g.status().name();
        }
        columns.uuids(id).uuids(accountId).texts(asset).longs(amount).longs(remaining).longs(reserved).longs(consumed)
                .longs(expired).texts(expiresAt).texts(source).texts(metadata).uuids(expiryAccountId).longs(createdSeq)
                .texts(createdAt).texts(status);
    }

    private static void bindEscrows(Columns columns, BatchOutcome outcome) throws SQLException {
        var escrows = outcome.changedEscrows();
        int n = escrows.size();
        var orderId = new String[n];
        var id = new UUID[n];
        var buyer = new UUID[n];
        var seller = new UUID[n];
        var account = new UUID[n];
        var asset = new String[n];
        var amount = new long[n];
        var released = new long[n];
        var refunded = new long[n];
        var status = new String[n];
        var createdSeq = new long[n];
        var createdAt = new String[n];
        for (int i = 0; i < n; i++) {
            var e = escrows.get(i);
            orderId[i] = e.orderId();
            id[i] = e.escrowId();
            buyer[i] = e.buyerAccountId();
            seller[i] = e.sellerAccountId();
            account[i] = e.escrowAccountId();
            asset[i] = e.asset();
            amount[i] = e.amountMinor();
            released[i] = e.releasedMinor();
            refunded[i] = e.refundedMinor();
            status[i] = e.status().name();
            createdSeq[i] = e.createdSeq();
            createdAt[i] = e.createdAt().toString();
        }
        columns.texts(orderId).uuids(id).uuids(buyer).uuids(seller).uuids(account).texts(asset).longs(amount).longs(released)
                .longs(refunded).texts(status).longs(createdSeq).texts(createdAt);
    }

    private static void bindGrantChanges(Columns columns, BatchOutcome outcome, int n) throws SQLException {
        var entrySeq = new long[n];
        var grantId = new UUID[n];
        var accountId = new UUID[n];
        var changeNo = new int[n];
        var kind = new String[n];
        var amount = new long[n];
        int i = 0;
        for (var e : outcome.entries()) {
            for (int c = 0; c < e.grantChanges().size(); c++, i++) {
                var change = e.grantChanges().get(c);
                entrySeq[i] = e.seq();
                grantId[i] = change.grantId();
                accountId[i] = change.accountId();
                changeNo[i] = c;
                kind[i] = change.kind().name();
                amount[i] = change.amountMinor();
            }
        }
        columns.longs(entrySeq).uuids(grantId).uuids(accountId).ints(changeNo).texts(kind).longs(amount);
    }

    private static void bindBalanceAlerts(Columns columns, BatchOutcome outcome, int n) throws SQLException {
        var entrySeq = new long[n];
        var alertNo = new int[n];
        var accountId = new UUID[n];
        var threshold = new long[n];
        var direction = new String[n];
        var before = new java.math.BigDecimal[n];
        var after = new java.math.BigDecimal[n];
        int i = 0;
        for (var e : outcome.entries()) {
            for (int a = 0; a < e.balanceAlerts().size(); a++, i++) {
                var alert = e.balanceAlerts().get(a);
                entrySeq[i] = e.seq();
                alertNo[i] = a;
                accountId[i] = alert.accountId();
                threshold[i] = alert.thresholdMinor();
                direction[i] = alert.direction().name();
                before[i] = new java.math.BigDecimal(alert.availableBefore());
                after[i] = new java.math.BigDecimal(alert.availableAfter());
            }
        }
        columns.longs(entrySeq).ints(alertNo).uuids(accountId).longs(threshold).texts(direction).numerics(before).numerics(after);
    }

    private static void bindIdempotency(Columns columns, BatchOutcome outcome) throws SQLException {
        var records = outcome.newIdempotencyRecords();
        int n = records.size();
        var keyDigest = new UUID[n];
        var requestDigest = new UUID[n];
        var seq = new Long[n];
        var rejection = new String[n];
        var detail = new String[n];
        for (int i = 0; i < n; i++) {
            var r = records.get(i);
            keyDigest[i] = Digests.digest128(r.key());
            requestDigest[i] = Digests.digest128(r.requestHash());
            switch (r.result()) {
                case CommandResult.Accepted a -> seq[i] = a.seq();
                case CommandResult.Rejected rejected -> {
                    rejection[i] = rejected.reason().name();
                    detail[i] = rejected.detail();
                }
            }
        }
        columns.uuids(keyDigest).uuids(requestDigest).longs(seq).texts(rejection).texts(detail);
    }

    /** The trace context, idempotency key and arrival time of the request behind each new sequence number. */
    private record Origins(Map<Long, byte[]> traceparents, Map<Long, String> idempotencyKeys, Map<Long, String> arrivals) {

        static Origins of(List<Submission> submissions, BatchOutcome outcome) {
            Map<Long, byte[]> traceparents = new HashMap<>();
            Map<Long, String> keys = new HashMap<>();
            Map<Long, String> arrivals = new HashMap<>();
            for (int s = 0; s < submissions.size(); s++) {
                var submission = submissions.get(s);
                var packed = Traceparents.pack(submission.traceparent());
                var receivedAt = submission.receivedAt() == null ? null : submission.receivedAt().toString();
                for (int r = 0; r < submission.requests().size(); r++) {
                    if (outcome.results().get(s).get(r) instanceof CommandResult.Accepted a && !a.replayed()) {
                        if (packed != null) {
                            traceparents.put(a.seq(), packed);
                        }
                        if (receivedAt != null) {
                            arrivals.put(a.seq(), receivedAt);
                        }
                        var key = submission.requests().get(r).idempotency();
                        if (key != null) {
                            keys.put(a.seq(), key.key());
                        }
                    }
                }
            }
            return new Origins(traceparents, keys, arrivals);
        }

        String receivedAt(long seq) {
            return arrivals.get(seq);
        }

        byte[] traceparent(long seq) {
            return traceparents.get(seq);
        }

        String idempotencyKey(long seq) {
            return idempotencyKeys.get(seq);
        }
    }
}
