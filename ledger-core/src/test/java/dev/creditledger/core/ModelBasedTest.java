package dev.creditledger.core;

import dev.creditledger.core.ReferenceLedger.Acct;
import dev.creditledger.core.ReferenceLedger.IdemKey;
import dev.creditledger.core.ReferenceLedger.Res;
import dev.creditledger.core.ReferenceLedger.Xfer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives {@link PostingStateMachine} and the independent {@link ReferenceLedger} with the same seeded
 * random batches and compares them after every batch: every result, every account, every transfer,
 * the ledgers' sequences, the batch outcome's lists, and the double-entry invariants.
 * Override the seeds with {@code -Dledger.seed=123} (comma-separated for several).
 */
class ModelBasedTest {

    static final int REQUESTS_PER_SEED = 100_000;

    static LongStream seeds() {
        String override = System.getProperty("ledger.seed");
        if (override != null && !override.isBlank()) {
            return java.util.Arrays.stream(override.split(",")).mapToLong(s -> Long.parseLong(s.trim()));
        }
        return LongStream.of(20250101L, 424242L, 987654321L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void stateMachineAgreesWithReferenceModel(long seed) {
        var run = new Run(seed);
        run.go();
        // The run must have exercised the rules, not only rejected everything: a test that cannot fail is a defect.
        assertThat(run.requests).isGreaterThanOrEqualTo(REQUESTS_PER_SEED);
        assertThat(run.acceptedByKind.keySet()).as("accepted command kinds, seed %d", seed)
                .contains("CreateAccount", "CloseAccount", "PostTransfer", "PostEntry", "CaptureHold", "VoidHold",
                        "ExpireHold", "ReverseTransfer", "IssueGrant", "ExpireGrant", "FundEscrow", "ReleaseEscrow", "RefundEscrow", "RecordUsage", "EarnPoints",
                        "ReverseEntry");
        assertThat(run.reversedKinds).as("kinds of entries reversed through ReverseEntry, seed %d", seed).contains(
                EntryKind.TRANSFER, EntryKind.CAPTURE, EntryKind.ENTRY, EntryKind.USAGE, EntryKind.GRANT, EntryKind.ESCROW_FUND,
                EntryKind.ESCROW_RELEASE, EntryKind.ESCROW_REFUND);
        assertThat(run.partialReversals).as("partial reversals naming postings, seed %d", seed).isGreaterThan(20);
        assertThat(run.escrowStatuses).as("escrow statuses seen, seed %d", seed).containsExactlyInAnyOrder(EscrowStatus.values());
        assertThat(run.grantChangeKinds).as("grant change kinds seen, seed %d", seed)
                .containsExactlyInAnyOrder(GrantChangeKind.values());
        assertThat(run.implicitExpiries).as("expiries written inside other commands, seed %d", seed).isGreaterThan(50);
        assertThat(run.grantStatuses).as("grant statuses seen, seed %d", seed).containsExactlyInAnyOrder(GrantStatus.values());
        assertThat(run.rejectedByReason.keySet()).as("rejection reasons seen, seed %d", seed).contains(
                Reason.INSUFFICIENT_FUNDS, Reason.ACCOUNT_NOT_FOUND, Reason.LEDGER_NOT_FOUND, Reason.ASSET_MISMATCH,
                Reason.ENTRY_NOT_BALANCED, Reason.CAPTURE_EXCEEDS_HOLD, Reason.HOLD_NOT_PENDING, Reason.HOLD_EXPIRED,
                Reason.HOLD_NOT_EXPIRED, Reason.REVERSAL_EXCEEDS_ORIGINAL, Reason.TRANSFER_NOT_POSTED,
                Reason.TRANSFER_NOT_FOUND, Reason.TRANSFER_NOT_A_HOLD, Reason.ACCOUNT_BALANCE_NOT_ZERO,
                Reason.ACCOUNT_CODE_TAKEN, Reason.IDEMPOTENCY_KEY_REUSED, Reason.LINKED_COMMAND_FAILED,
                Reason.AMOUNT_NOT_POSITIVE, Reason.ACCOUNT_CLOSED, Reason.ASSET_NOT_FOUND, Reason.BALANCE_OVERFLOW,
                Reason.GRANT_NOT_FOUND, Reason.GRANT_NOT_EXPIRED, Reason.GRANT_EXPIRY_INVALID,
                Reason.GRANT_ACCOUNT_NOT_CREDIT_NORMAL, Reason.GRANT_SOURCE_INVALID,
                Reason.ESCROW_NOT_FOUND, Reason.ESCROW_ALREADY_EXISTS, Reason.ESCROW_ALREADY_RELEASED, Reason.ESCROW_REFUNDED,
                Reason.ESCROW_FEE_TOO_HIGH, Reason.REFUND_EXCEEDS_ESCROW, Reason.ESCROW_FEE_INVALID, Reason.ESCROW_ORDER_ID_INVALID,
                Reason.OVERAGE_LIMIT_EXCEEDED, Reason.LOYALTY_RULE_MISSING, Reason.EARN_BELOW_ONE_POINT,
                Reason.ENTRY_NOT_FOUND, Reason.ENTRY_NOT_REVERSIBLE, Reason.REVERSAL_INVALID, Reason.REVERSAL_NOT_BALANCED,
                Reason.REVERSAL_MUST_BE_WHOLE, Reason.GRANT_ALREADY_USED);
        assertThat(run.usageWithOverage).as("usage partly paid, partly owed, seed %d", seed).isGreaterThan(5);
        assertThat(run.alertDirections).as("alert thresholds crossed each way, seed %d", seed)
                .containsKeys(AlertDirection.DOWN, AlertDirection.UP);
        assertThat(run.replays).as("replayed results, seed %d", seed).isGreaterThan(100);
    }

    /** One seeded run: the generator, both engines and the comparisons. */
    static final class Run {
        final long seed;
        final Random rnd;
        final UUID l1 = new UUID(1, 1);
        final UUID l2 = new UUID(2, 2);
        final UUID unknownLedger = new UUID(9, 9);
        final Map<UUID, List<String>> assetsOf = Map.of(l1, List.of("USD", "EUR", "JPY"), l2, List.of("USD", "GBP"));
        final LedgerState state = new LedgerState();
        final ReferenceLedger model = new ReferenceLedger();
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        long ids = 1_000;
        long keys = 0;
        int batchNo;
        long requests;
        long replays;
        final Map<String, Integer> acceptedByKind = new HashMap<>();
        final Map<Reason, Integer> rejectedByReason = new HashMap<>();
        final Set<GrantChangeKind> grantChangeKinds = new HashSet<>();
        final Set<GrantStatus> grantStatuses = new HashSet<>();
        final Set<EscrowStatus> escrowStatuses = new HashSet<>();
        long implicitExpiries;
        long usageWithOverage;
        final Map<AlertDirection, Integer> alertDirections = new HashMap<>();
        final Set<EntryKind> reversedKinds = new HashSet<>();
        long partialReversals;

        // What the generator knows (ids it has used, whether or not the command was accepted).
        record GenAccount(UUID id, String asset, Side side) {
            GenAccount(UUID id, String asset) {
                this(id, asset, Side.CREDIT);
            }
        }

        record GenTransfer(UUID id, long amount, boolean hold) {}

        final Map<UUID, List<GenAccount>> accountsOf = new HashMap<>();
        final Map<UUID, List<GenTransfer>> transfersOf = new HashMap<>();
        final Map<UUID, List<Request>> keyedOf = new HashMap<>();
        final Map<UUID, List<UUID>> grantsOf = new HashMap<>();
        final Map<UUID, List<GenAccount>> programsOf = new HashMap<>();
        // Entries written so far per ledger (every kind), and those reversed per posting (not transfers or holds).
        final Map<UUID, List<Entry>> entriesOf = new HashMap<>();
        final Map<UUID, List<Entry>> postingEntriesOf = new HashMap<>();

        // Running sums of the postings emitted so far, per account: the four totals and the posting count.
        final Map<UUID, long[]> journal = new HashMap<>();
        // Running parts of every grant from the entries' grant changes: remaining, reserved, consumed, expired.
        final Map<UUID, long[]> grantJournal = new HashMap<>();

        Run(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            for (var l : List.of(l1, l2)) {
                state.loadLedger(l, 0);
                for (var a : assetsOf.get(l)) {
                    state.loadAsset(l, new Asset(a, a.equals("JPY") ? 0 : 2));
                }
                model.addLedger(l, assetsOf.get(l).toArray(String[]::new));
                accountsOf.put(l, new ArrayList<>());
                transfersOf.put(l, new ArrayList<>());
                keyedOf.put(l, new ArrayList<>());
                grantsOf.put(l, new ArrayList<>());
            }
            for (var l : List.of(l1, l2, unknownLedger)) {
                entriesOf.put(l, new ArrayList<>());
                postingEntriesOf.put(l, new ArrayList<>());
            }
            grantsOf.put(unknownLedger, new ArrayList<>());
            accountsOf.put(unknownLedger, new ArrayList<>());
            transfersOf.put(unknownLedger, new ArrayList<>());
            keyedOf.put(unknownLedger, new ArrayList<>());
        }

        /** Per ledger: two unconstrained USD accounts (one of each normal side) that move 10^18 at a time. */
        final Map<UUID, List<GenAccount>> whalesOf = new HashMap<>();

        void go() {
            List<Submission> opening = new ArrayList<>();
            for (var l : List.of(l1, l2)) {
                List<GenAccount> whales = new ArrayList<>();
                for (var side : Side.values()) {
                    var id = id();
                    whales.add(new GenAccount(id, "USD", side));
                    opening.add(Submission.single(new Request(l, null,
                            new Command.CreateAccount(id, null, "USD", side, null, Map.of()))));
                }
                whalesOf.put(l, whales);
            }
            runBatch(opening);
            while (requests < REQUESTS_PER_SEED) {
                batchNo++;
                if (rnd.nextInt(5) > 0) {
                    now = now.plusSeconds(rnd.nextInt(rnd.nextInt(10) == 0 ? 4000 : 300));
                }
                List<Submission> batch = new ArrayList<>();
                int size = 1 + rnd.nextInt(200);
                for (int i = 0; i < size; i++) {
                    batch.add(submission());
                }
                runBatch(batch);
            }
        }

        // ------------------------------------------------------------ comparing

        void runBatch(List<Submission> batch) {
            Map<UUID, Acct> accountsBefore = new HashMap<>(model.accounts());
            Map<UUID, Xfer> transfersBefore = new HashMap<>(model.transfers());
            Map<UUID, ReferenceLedger.Gr> grantsBefore = new HashMap<>(model.grants());
            Map<String, ReferenceLedger.Esc> escrowsBefore = new HashMap<>(model.escrows());
            long seq1 = model.lastSeq(l1);
            long seq2 = model.lastSeq(l2);

            BatchOutcome out;
            try {
                out = PostingStateMachine.apply(batch, state, now);
            } catch (RuntimeException e) {
                throw new AssertionError(ctx() + " the state machine threw on batch " + batch, e);
            }
            List<List<Res>> expected = model.apply(batch, now);

            // Every result.
            check(out.results().size() == batch.size(), "results for " + out.results().size() + " of " + batch.size() + " submissions");
            Set<UUID> freshEntries = new HashSet<>();
            Set<UUID> freshAccounts = new HashSet<>();
            for (int s = 0; s < batch.size(); s++) {
                var sub = batch.get(s);
                var actualList = out.results().get(s);
                check(actualList.size() == sub.requests().size(), "submission " + s + " has " + actualList.size() + " results");
                for (int r = 0; r < sub.requests().size(); r++) {
                    var request = sub.requests().get(r);
                    Res want = expected.get(s).get(r);
                    Res got = Res.of(actualList.get(r));
                    if (!want.equals(got)) {
                        // NUL characters and lone surrogates (invalid metadata) would cut the report short.
                        throw new AssertionError((ctx() + " submission " + s + (sub.atomic() ? " (atomic)" : "") + " request " + r
                                + ": " + request + "\n  expected " + want + "\n  actual   " + actualList.get(r)
                                + (sub.atomic() ? "\n  whole submission " + sub.requests() + "\n  expected " + expected.get(s)
                                        + "\n  actual   " + actualList : "")).replaceAll("[\\x00\\x{D800}-\\x{DFFF}]", "?"));
                    }
                    requests++;
                    if (got.replayed()) {
                        replays++;
                    } else if (got.accepted()) {
                        acceptedByKind.merge(request.command().getClass().getSimpleName(), 1, Integer::sum);
                        if (request.command() instanceof Command.ReverseEntry reversal) {
                            reversedKinds.add(state.entry(request.ledgerId(), reversal.originalId()).kind());
                            if (reversal.postings() != null) {
                                partialReversals++;
                            }
                        }
                        if (request.command() instanceof Command.CreateAccount) {
                            freshAccounts.add(got.subject());
                        } else if (!(request.command() instanceof Command.CloseAccount)) {
                            freshEntries.add(got.subject());
                        }
                    } else {
                        rejectedByReason.merge(got.reason(), 1, Integer::sum);
                    }
                }
            }

            // Ledger sequences, and which ledgers the outcome says advanced.
            check(state.lastSeq(l1) == model.lastSeq(l1), "ledger 1 last seq " + state.lastSeq(l1) + " != model " + model.lastSeq(l1));
            check(state.lastSeq(l2) == model.lastSeq(l2), "ledger 2 last seq " + state.lastSeq(l2) + " != model " + model.lastSeq(l2));
            check(!state.hasLedger(unknownLedger), "the unknown ledger appeared");
            Map<UUID, Long> advanced = new HashMap<>();
            if (model.lastSeq(l1) != seq1) {
                advanced.put(l1, model.lastSeq(l1));
            }
            if (model.lastSeq(l2) != seq2) {
                advanced.put(l2, model.lastSeq(l2));
            }
            check(out.lastSeqByLedger().equals(advanced), "outcome lastSeqByLedger " + out.lastSeqByLedger() + " != advanced " + advanced);

            // Accounts.
            check(state.accounts().keySet().equals(model.accounts().keySet()), "account ids differ: state "
                    + diff(state.accounts().keySet(), model.accounts().keySet()) + " model " + diff(model.accounts().keySet(), state.accounts().keySet()));
            for (var m : model.accounts().values()) {
                var a = state.accounts().get(m.id());
                var b = a.balance();
                var def = a.account();
                boolean same = b.debitsPosted() == m.dp() && b.creditsPosted() == m.cp() && b.debitsPending() == m.dpend()
                        && b.creditsPending() == m.cpend() && a.version() == m.version()
                        && (a.status() == AccountStatus.CLOSED) == m.closed() && def.ledgerId().equals(m.ledger())
                        && def.asset().equals(m.asset()) && def.normalSide() == m.normal()
                        && Objects.equals(def.overdraftLimitMinor(), m.limit()) && Objects.equals(def.code(), m.code());
                check(same, "account differs\n  expected " + m + "\n  actual   " + a);
            }

            // Transfers.
            check(state.transfers().keySet().equals(model.transfers().keySet()), "transfer ids differ: state "
                    + diff(state.transfers().keySet(), model.transfers().keySet()) + " model " + diff(model.transfers().keySet(), state.transfers().keySet()));
            for (var m : model.transfers().values()) {
                var t = state.transfers().get(m.id());
                boolean same = t.status() == m.status() && t.postedMinor() == m.posted() && t.reversedMinor() == m.reversed()
                        && t.amountMinor() == m.amount() && t.hold() == m.hold() && Objects.equals(t.expiresAt(), m.expiresAt())
                        && t.ledgerId().equals(m.ledger()) && t.fromAccountId().equals(m.from()) && t.toAccountId().equals(m.to())
                        && t.asset().equals(m.asset())
                        && t.draws().equals(m.draws().stream().map(d -> new GrantDraw(d.grant(), d.amount())).toList());
                check(same, "transfer differs\n  expected " + m + "\n  actual   " + t);
            }

            // Grants.
            check(state.grants().keySet().equals(model.grants().keySet()), "grant ids differ: state "
                    + diff(state.grants().keySet(), model.grants().keySet()) + " model " + diff(model.grants().keySet(), state.grants().keySet()));
            for (var m : model.grants().values()) {
                var g = state.grants().get(m.id());
                boolean same = g.ledgerId().equals(m.ledger()) && g.accountId().equals(m.account()) && g.asset().equals(m.asset())
                        && g.amountMinor() == m.amount() && g.remainingMinor() == m.remaining() && g.reservedMinor() == m.reserved()
                        && g.consumedMinor() == m.consumed() && g.expiredMinor() == m.expired()
                        && Objects.equals(g.expiresAt(), m.expiresAt()) && g.createdSeq() == m.seq()
                        && g.expiryAccountId().equals(m.expiryAccount());
                check(same, "grant differs\n  expected " + m + "\n  actual   " + g);
                grantStatuses.add(g.status());
            }
            // Escrows.
            Map<String, EscrowState> escrows = new HashMap<>();
            for (var l : List.of(l1, l2)) {
                state.escrows(l).forEach((order, e) -> escrows.put(l + "/" + order, e));
            }
            check(escrows.keySet().equals(model.escrows().keySet()), "escrows differ: state " + diff(escrows.keySet(), model.escrows().keySet())
                    + " model " + diff(model.escrows().keySet(), escrows.keySet()));
            for (var m : model.escrows().entrySet()) {
                var e = escrows.get(m.getKey());
                var x = m.getValue();
                boolean same = e.escrowId().equals(x.id()) && e.buyerAccountId().equals(x.buyer()) && e.sellerAccountId().equals(x.seller())
                        && e.escrowAccountId().equals(x.account()) && e.asset().equals(x.asset()) && e.amountMinor() == x.amount()
                        && e.releasedMinor() == x.released() && e.refundedMinor() == x.refunded() && e.createdSeq() == x.seq();
                check(same, "escrow differs\n  expected " + x + "\n  actual   " + e);
                escrowStatuses.add(e.status());
            }
            Set<String> changedEscrows = new HashSet<>();
            model.escrows().forEach((k, e) -> {
                if (!e.equals(escrowsBefore.get(k))) {
                    changedEscrows.add(k);
                }
            });
            Set<String> reportedEscrows = new HashSet<>();
            for (var e : out.changedEscrows()) {
                check(reportedEscrows.add(e.ledgerId() + "/" + e.orderId()), "escrow reported twice in changedEscrows: " + e);
                check(e.equals(escrows.get(e.ledgerId() + "/" + e.orderId())), "changedEscrows holds a stale state " + e);
            }
            check(reportedEscrows.equals(changedEscrows), "outcome changedEscrows differ: extra " + diff(reportedEscrows, changedEscrows)
                    + " missing " + diff(changedEscrows, reportedEscrows));

            Set<UUID> changedGrants = new HashSet<>();
            model.grants().forEach((id, g) -> {
                if (!g.equals(grantsBefore.get(id))) {
                    changedGrants.add(id);
                }
            });
            Set<UUID> reportedGrants = new HashSet<>();
            for (var g : out.changedGrants()) {
                check(reportedGrants.add(g.grantId()), "grant reported twice in changedGrants: " + g);
                check(g.equals(state.grants().get(g.grantId())), "changedGrants holds a stale state " + g);
            }
            // A grant can come back to where it was within one batch (a hold reserved it, a void released it):
            // reporting it again is a harmless rewrite, missing a changed one is not.
            check(reportedGrants.containsAll(changedGrants), "outcome changedGrants miss " + diff(changedGrants, reportedGrants));

            // The outcome names exactly what changed.
            Set<UUID> changedAccounts = new HashSet<>();
            model.accounts().forEach((id, a) -> {
                if (!a.equals(accountsBefore.get(id))) {
                    changedAccounts.add(id);
                }
            });
            Set<UUID> reportedAccounts = new HashSet<>();
            for (var a : out.changedAccounts()) {
                check(reportedAccounts.add(a.account().id()), "account reported twice in changedAccounts: " + a);
                check(a.equals(state.accounts().get(a.account().id())), "changedAccounts holds a stale state " + a);
            }
            check(reportedAccounts.equals(changedAccounts), "outcome changedAccounts differ: extra "
                    + diff(reportedAccounts, changedAccounts) + " missing " + diff(changedAccounts, reportedAccounts));
            Set<UUID> changedTransfers = new HashSet<>();
            model.transfers().forEach((id, t) -> {
                if (!t.equals(transfersBefore.get(id))) {
                    changedTransfers.add(id);
                }
            });
            Set<UUID> reportedTransfers = new HashSet<>();
            for (var t : out.changedTransfers()) {
                check(reportedTransfers.add(t.transferId()), "transfer reported twice in changedTransfers: " + t);
            }
            check(reportedTransfers.equals(changedTransfers), "outcome changedTransfers differ: extra "
                    + diff(reportedTransfers, changedTransfers) + " missing " + diff(changedTransfers, reportedTransfers));
            Set<UUID> created = new HashSet<>();
            out.createdAccounts().forEach(a -> created.add(a.id()));
            freshAccounts.addAll(model.implicitAccounts());
            check(created.equals(freshAccounts) && created.size() == out.createdAccounts().size(),
                    "createdAccounts " + created + " != accepted creations " + freshAccounts);

            // Idempotency records: exactly the model's new records, each key once, with the result later replayed.
            Map<IdemKey, ReferenceLedger.Stored> records = new HashMap<>();
            for (var rec : out.newIdempotencyRecords()) {
                var k = new IdemKey(rec.ledgerId(), rec.key());
                var previous = records.put(k, new ReferenceLedger.Stored(rec.requestHash(), Res.of(rec.result())));
                check(previous == null, "idempotency key " + k + " written twice by one batch: " + previous + " and " + rec);
            }
            check(records.equals(model.newIdempotencyRecords()), "new idempotency records differ\n  expected "
                    + model.newIdempotencyRecords() + "\n  actual   " + records);

            // Entries: one per fresh accepted posting command, numbered, balanced, with running balances.
            Set<UUID> entryIds = new HashSet<>();
            List<String> alertsSeen = new ArrayList<>();
            long lastSeq1 = seq1;
            long lastSeq2 = seq2;
            for (var e : out.entries()) {
                check(entryIds.add(e.id()), "entry id twice " + e.id());
                entriesOf.get(e.ledgerId()).add(e);
                if (e.kind() != EntryKind.TRANSFER && e.kind() != EntryKind.HOLD && e.kind() != EntryKind.REVERSAL) {
                    postingEntriesOf.get(e.ledgerId()).add(e);
                }
                if (e.ledgerId().equals(l1)) {
                    check(e.seq() > lastSeq1, "entry seq not increasing " + e);
                    lastSeq1 = e.seq();
                } else {
                    check(e.seq() > lastSeq2, "entry seq not increasing " + e);
                    lastSeq2 = e.seq();
                }
                Map<String, long[]> perAsset = new HashMap<>();
                for (var p : e.postings()) {
                    var run = journal.computeIfAbsent(p.accountId(), id -> new long[5]);
                    int sideIdx = p.side() == Side.DEBIT ? 0 : 1;
                    run[sideIdx] += p.postedMinor();
                    run[sideIdx + 2] += p.pendingDeltaMinor();
                    run[4]++;
                    var after = p.balanceAfter();
                    check(after.debitsPosted() == run[0] && after.creditsPosted() == run[1] && after.debitsPending() == run[2]
                            && after.creditsPending() == run[3], "balanceAfter " + after + " is not the running sum of postings "
                            + java.util.Arrays.toString(run) + " in " + e);
                    check(p.accountVersion() == run[4], "posting version " + p.accountVersion() + " != posting count " + run[4] + " in " + e);
                    var t = perAsset.computeIfAbsent(p.asset(), x -> new long[2]);
                    long sign = p.side() == Side.DEBIT ? 1 : -1;
                    t[0] += sign * p.postedMinor();
                    t[1] += sign * p.pendingDeltaMinor();
                }
                perAsset.forEach((asset, t) -> check(t[0] == 0 && t[1] == 0, "entry not balanced in " + asset + ": " + e));
                for (var c : e.grantChanges()) {
                    grantChangeKinds.add(c.kind());
                    var parts = grantJournal.computeIfAbsent(c.grantId(), id -> new long[4]);
                    long a = c.amountMinor();
                    check(a > 0, "grant change without an amount " + c + " in " + e);
                    switch (c.kind()) {
                        case GRANTED -> parts[0] += a;
                        case CONSUMED -> { parts[0] -= a; parts[2] += a; }
                        case RESERVED -> { parts[0] -= a; parts[1] += a; }
                        case RELEASED -> { parts[1] -= a; parts[0] += a; }
                        case CAPTURED -> { parts[1] -= a; parts[2] += a; }
                        case RESTORED -> { parts[2] -= a; parts[0] += a; }
                        case EXPIRED -> { parts[0] -= a; parts[3] += a; }
                    }
                }
                for (var alert : e.balanceAlerts()) {
                    var t = java.math.BigInteger.valueOf(alert.thresholdMinor());
                    check(e.postings().stream().anyMatch(p -> p.accountId().equals(alert.accountId())),
                            "alert " + alert + " names an account the entry does not post to: " + e);
                    check((alert.availableBefore().compareTo(t) < 0) != (alert.availableAfter().compareTo(t) < 0)
                            && (alert.direction() == AlertDirection.DOWN) == (alert.availableAfter().compareTo(t) < 0),
                            "alert " + alert + " does not cross its threshold");
                    alertsSeen.add(alert.accountId() + "/" + alert.thresholdMinor() + "/" + alert.direction());
                    alertDirections.merge(alert.direction(), 1, Integer::sum);
                }
                if (e.kind() == EntryKind.GRANT_EXPIRY) {
                    implicitExpiries++;
                }
                if (e.kind() == EntryKind.USAGE && e.postings().size() == 3) {
                    usageWithOverage++;
                }
            }
            alertsSeen.sort(null);
            var alertsExpected = new ArrayList<>(model.alerts());
            alertsExpected.sort(null);
            check(alertsSeen.equals(alertsExpected), "alerts differ\n  expected " + alertsExpected + "\n  actual   " + alertsSeen);
            freshEntries.addAll(model.implicitEntries());
            check(entryIds.equals(freshEntries), "entries " + entryIds.size() + " != accepted posting commands " + freshEntries.size()
                    + ": extra " + diff(entryIds, freshEntries) + " missing " + diff(freshEntries, entryIds));

            // Invariants over the whole state.
            Map<String, long[]> sums = new HashMap<>();
            for (var a : state.accounts().values()) {
                var b = a.balance();
                var run = journal.getOrDefault(a.account().id(), new long[5]);
                check(b.debitsPosted() == run[0] && b.creditsPosted() == run[1] && b.debitsPending() == run[2]
                        && b.creditsPending() == run[3] && a.version() == run[4],
                        "account " + a + " differs from the sum of its postings " + java.util.Arrays.toString(run));
                var s = sums.computeIfAbsent(a.account().ledgerId() + "/" + a.account().asset(), k -> new long[4]);
                // Wrapping sums are fine for an equality check: both sides wrap the same way.
                s[0] += b.debitsPosted();
                s[1] += b.creditsPosted();
                s[2] += b.debitsPending();
                s[3] += b.creditsPending();
            }
            sums.forEach((k, s) -> check(s[0] == s[1] && s[2] == s[3], "ledger/asset " + k + " does not balance: "
                    + java.util.Arrays.toString(s)));
            for (var g : state.grants().values()) {
                var parts = grantJournal.getOrDefault(g.grantId(), new long[4]);
                check(parts[0] == g.remainingMinor() && parts[1] == g.reservedMinor() && parts[2] == g.consumedMinor()
                        && parts[3] == g.expiredMinor(), "grant " + g + " differs from its journaled changes "
                        + java.util.Arrays.toString(parts));
            }
        }

        String ctx() {
            return "[seed=" + seed + " batch=" + batchNo + " now=" + now + "]";
        }

        void check(boolean ok, String message) {
            if (!ok) {
                throw new AssertionError(ctx() + " " + message);
            }
        }

        static <T> Set<T> diff(Set<T> a, Set<T> b) {
            var d = new HashSet<>(a);
            d.removeAll(b);
            return d;
        }

        // ------------------------------------------------------------ generating

        UUID id() {
            return new UUID(seed, ids++);
        }

        Submission submission() {
            int p = rnd.nextInt(100);
            UUID ledger = p < 2 ? unknownLedger : p < 51 ? l1 : l2;
            if (rnd.nextInt(10) == 0) {
                int n = 2 + rnd.nextInt(4);
                List<Request> rs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    rs.add(request(ledger));
                }
                return new Submission(rs, true);
            }
            return Submission.single(request(ledger));
        }

        Request request(UUID ledger) {
            var keyed = keyedOf.get(ledger);
            int p = rnd.nextInt(100);
            if (p < 6 && !keyed.isEmpty()) {
                // A retry: the same request with the same key and hash (sometimes one from this very batch).
                return keyed.get(keyed.size() - 1 - rnd.nextInt(Math.min(keyed.size(), rnd.nextBoolean() ? 20 : keyed.size())));
            }
            Command command = command(ledger);
            IdempotencyKey key = null;
            if (p < 9 && !keyed.isEmpty()) {
                // The same key with another request.
                var old = keyed.get(rnd.nextInt(keyed.size()));
                key = new IdempotencyKey(old.idempotency().key(), old.idempotency().requestHash() + "-other");
            } else if (rnd.nextInt(10) < 6) {
                keys++;
                key = new IdempotencyKey("k" + keys, "h" + keys);
            }
            var request = new Request(ledger, key, command);
            if (key != null && key.requestHash().startsWith("h")) {
                keyed.add(request);
            }
            return request;
        }

        Command command(UUID ledger) {
            var accounts = accountsOf.get(ledger);
            int p = rnd.nextInt(100);
            if (accounts.size() < 40 ? p < 12 : p < 2) {
                return createAccount(ledger);
            }
            if (rnd.nextInt(100) < 6) {
                return reverseEntry(ledger);
            }
            p = rnd.nextInt(100);
            if (p < 30) {
                return transfer(ledger, false);
            } else if (p < 45) {
                return transfer(ledger, true);
            } else if (p < 55) {
                return entry(ledger);
            } else if (p < 65) {
                var hold = pickTransfer(ledger, true);
                Long amount = switch (rnd.nextInt(10)) {
                    case 0, 1, 2, 3 -> null;
                    case 4 -> hold == null ? 5L : hold.amount() + 1 + rnd.nextInt(100);
                    case 5 -> rnd.nextInt(3) == 0 ? 0L : rnd.nextBoolean() ? -1L : Limits.AMOUNT_MINOR_MAX + 1;
                    default -> hold == null ? 5L : 1 + (long) (rnd.nextDouble() * hold.amount());
                };
                return new Command.CaptureHold(id(), hold == null ? id() : hold.id(), amount, Map.of());
            } else if (p < 72) {
                var hold = pickTransfer(ledger, true);
                return new Command.VoidHold(id(), hold == null ? id() : hold.id(), Map.of());
            } else if (p < 79) {
                var hold = pickTransfer(ledger, true);
                return new Command.ExpireHold(id(), hold == null ? id() : hold.id());
            } else if (p < 84) {
                var t = pickTransfer(ledger, false);
                Long amount = switch (rnd.nextInt(10)) {
                    case 0, 1, 2, 3 -> null;
                    case 4 -> t == null ? 5L : t.amount() + 1 + rnd.nextInt(100);
                    case 5 -> rnd.nextBoolean() ? 0L : Limits.AMOUNT_MINOR_MAX + 1;
                    default -> t == null ? 5L : 1 + (long) (rnd.nextDouble() * t.amount() / 2);
                };
                return new Command.ReverseTransfer(id(), t == null ? id() : t.id(), amount, Map.of());
            } else if (p < 91) {
                return grant(ledger);
            } else if (p < 93) {
                var grants = grantsOf.get(rnd.nextInt(30) == 0 ? (ledger.equals(l1) ? l2 : l1) : ledger);
                return new Command.ExpireGrant(grants.isEmpty() || rnd.nextInt(30) == 0 ? id() : grants.get(rnd.nextInt(grants.size())));
            } else if (p < 95) {
                return escrow(ledger);
            } else if (p < 96) {
                return usage(ledger);
            } else if (p < 97) {
                return earn(ledger);
            } else if (p < 98) {
                return new Command.CloseAccount(pickAccount(ledger, null).id());
            } else {
                return createAccount(ledger);
            }
        }

        /**
         * A reversal of an entry of any kind (mostly one reversed per posting), whole, by an amount, or naming postings:
         * mostly one debit and one credit of an asset by the same amount (balanced), sometimes unbalanced, unknown,
         * duplicated, or both an amount and postings.
         */
        Command reverseEntry(UUID ledger) {
            var pool = rnd.nextInt(10) < 6 ? postingEntriesOf.get(ledger) : entriesOf.get(rnd.nextInt(30) == 0 ? (ledger.equals(l1) ? l2 : l1) : ledger);
            Entry original = pool.isEmpty() || rnd.nextInt(40) == 0 ? null
                    : pool.get(pool.size() - 1 - rnd.nextInt(Math.min(pool.size(), rnd.nextBoolean() ? 40 : pool.size())));
            UUID originalId = original == null ? id() : original.id();
            Map<String, String> metadata = rnd.nextInt(50) == 0 ? bigMetadata() : Map.of();
            int mode = rnd.nextInt(20);
            if (mode < 7 || original == null) {
                return new Command.ReverseEntry(id(), originalId, null, null, metadata);
            }
            List<Posting> posted = original.postings().stream().filter(p -> p.postedMinor() > 0).toList();
            long smallest = posted.stream().mapToLong(Posting::postedMinor).min().orElse(1);
            if (mode < 11) {
                long amount = switch (rnd.nextInt(8)) {
                    case 0 -> smallest + 1 + rnd.nextInt(10);
                    case 1 -> rnd.nextBoolean() ? 0 : -3;
                    default -> 1 + (long) (rnd.nextDouble() * smallest / 2);
                };
                return new Command.ReverseEntry(id(), originalId, amount, null, metadata);
            }
            if (posted.isEmpty()) {
                return new Command.ReverseEntry(id(), originalId, null, List.of(new Command.ReversalLine(id(), Side.DEBIT, 1)), metadata);
            }
            var debit = posted.stream().filter(p -> p.side() == Side.DEBIT).skip(rnd.nextInt(3)).findFirst()
                    .orElse(posted.stream().filter(p -> p.side() == Side.DEBIT).findFirst().orElse(posted.getFirst()));
            var credit = posted.stream().filter(p -> p.side() == Side.CREDIT && p.asset().equals(debit.asset())).skip(rnd.nextInt(3)).findFirst()
                    .orElse(posted.stream().filter(p -> p.side() == Side.CREDIT).findFirst().orElse(posted.getLast()));
            long x = 1 + (long) (rnd.nextDouble() * Math.min(debit.postedMinor(), credit.postedMinor()) / 2);
            List<Command.ReversalLine> lines = new ArrayList<>();
            lines.add(new Command.ReversalLine(debit.accountId(), Side.DEBIT, x));
            lines.add(new Command.ReversalLine(credit.accountId(), Side.CREDIT, x));
            switch (mode) {
                case 16 -> lines.set(1, new Command.ReversalLine(credit.accountId(), Side.CREDIT, x + 1));        // unbalanced
                case 17 -> lines.set(0, new Command.ReversalLine(rnd.nextBoolean() ? id() : credit.accountId(), Side.DEBIT, x)); // no such posting
                case 18 -> lines.add(lines.getFirst());                                                             // named twice
                case 19 -> {
                    if (rnd.nextBoolean()) {
                        return new Command.ReverseEntry(id(), originalId, x, lines, metadata);                    // amount and postings
                    }
                    lines = List.of();
                }
                default -> { }
            }
            return new Command.ReverseEntry(id(), originalId, null, lines, metadata);
        }

        /** Points for spend: the program is sometimes a rule-bearing account, sometimes any account (no rule). */
        Command earn(UUID ledger) {
            var programs = programsOf.computeIfAbsent(ledger, l -> new ArrayList<>());
            GenAccount program;
            if (programs.isEmpty() || rnd.nextInt(10) == 0) {
                program = pickAccount(ledger, null);
            } else {
                program = programs.get(rnd.nextInt(programs.size()));
            }
            var member = pickAccount(ledger, rnd.nextInt(20) == 0 ? null : program.asset());
            long spend = switch (rnd.nextInt(10)) {
                case 0 -> 1 + rnd.nextInt(99);            // below one unit of most rules
                case 1 -> Limits.AMOUNT_MINOR_MAX;       // more points than allowed with a generous rule
                default -> 100 + rnd.nextInt(100_000);
            };
            return new Command.EarnPoints(id(), member.id(), program.id(), spend, rnd.nextInt(30) == 0 ? pickAsset(ledger) : program.asset(),
                    Map.of());
        }

        /** Usage from a (mostly credit-normal) account, owed beyond its balance on another, charged to a third. */
        Command usage(UUID ledger) {
            var account = pickAccount(ledger, null);
            var overage = pickAccount(ledger, rnd.nextInt(25) == 0 ? null : account.asset());
            var revenue = rnd.nextInt(50) == 0 ? account : pickAccount(ledger, rnd.nextInt(25) == 0 ? null : account.asset());
            return new Command.RecordUsage(id(), account.id(), overage.id(), revenue.id(), rnd.nextBoolean() ? amount() : 1 + rnd.nextInt(8_000),
                    rnd.nextInt(30) == 0 ? pickAsset(ledger) : account.asset(), Map.of());
        }

        /** Escrow commands over a small pool of order ids, so that orders are funded twice, released twice, refunded after release. */
        Command escrow(UUID ledger) {
            String order = switch (rnd.nextInt(60)) {
                case 0 -> "";
                case 1 -> "o".repeat(Limits.ESCROW_ORDER_ID_LENGTH_MAX + (rnd.nextBoolean() ? 0 : 1));
                case 2 -> rnd.nextBoolean() ? "bad\u0000id" : "shop/7";
                default -> "ord-" + rnd.nextInt(60);
            };
            int kind = rnd.nextInt(10);
            if (kind < 4) {
                var buyer = pickAccount(ledger, null);
                var seller = rnd.nextInt(40) == 0 ? buyer : pickAccount(ledger, rnd.nextInt(25) == 0 ? null : buyer.asset());
                return new Command.FundEscrow(id(), order, buyer.id(), seller.id(), amount(),
                        rnd.nextInt(30) == 0 ? pickAsset(ledger) : buyer.asset(), Map.of());
            } else if (kind < 7) {
                long fee = switch (rnd.nextInt(12)) {
                    case 0 -> -1;
                    case 1 -> 1_000_000;          // more than most orders hold
                    case 2, 3, 4, 5 -> 0;
                    default -> rnd.nextInt(50);
                };
                UUID feeAccount = fee == 0 && rnd.nextBoolean() ? null : rnd.nextInt(20) == 0 ? null : pickAccount(ledger, null).id();
                return new Command.ReleaseEscrow(id(), order, fee, feeAccount, Map.of());
            } else {
                Long amount = switch (rnd.nextInt(8)) {
                    case 0, 1, 2 -> null;
                    case 3 -> 1_000_000L;
                    case 4 -> rnd.nextBoolean() ? 0L : -5L;
                    default -> (long) (1 + rnd.nextInt(300));
                };
                return new Command.RefundEscrow(id(), order, amount, Map.of());
            }
        }

        /** A grant to a (mostly credit-normal) account, from another; expiries on a coarse grid so that some are equal. */
        Command grant(UUID ledger) {
            var to = pickAccount(ledger, null);
            for (int tries = 0; tries < 4 && to.side() != Side.CREDIT; tries++) {
                to = pickAccount(ledger, null);
            }
            var from = rnd.nextInt(60) == 0 ? to : pickAccount(ledger, rnd.nextInt(25) == 0 ? null : to.asset());
            Instant expiresAt = switch (rnd.nextInt(10)) {
                case 0, 1 -> null;
                case 2 -> rnd.nextBoolean() ? now : now.minusSeconds(1);             // not after now: refused
                default -> now.plusSeconds(300L * (1 + rnd.nextInt(12)));             // 5 minutes to an hour, on a grid
            };
            String source = switch (rnd.nextInt(40)) {
                case 0 -> " ";
                case 1 -> "s".repeat(Limits.GRANT_SOURCE_LENGTH_MAX + (rnd.nextBoolean() ? 0 : 1));
                default -> rnd.nextBoolean() ? null : "plan-" + rnd.nextInt(5);
            };
            UUID grantId = id();
            grantsOf.get(ledger).add(grantId);
            transfersOf.get(ledger).add(new GenTransfer(grantId, 1, false)); // reversing a grant's id must fail
            return new Command.IssueGrant(grantId, to.id(), from.id(), amount(), rnd.nextInt(30) == 0 ? pickAsset(ledger) : to.asset(),
                    expiresAt, source, Map.of());
        }

        Command createAccount(UUID ledger) {
            var assets = assetsOf.getOrDefault(ledger, List.of("USD"));
            String asset = switch (rnd.nextInt(40)) {
                case 0 -> "GBP".equals(assets.getLast()) ? "EUR" : "GBP"; // not defined in this ledger
                case 1 -> "usd";                                           // invalid code
                default -> assets.get(rnd.nextInt(assets.size()));
            };
            Side side = rnd.nextInt(10) < 7 ? Side.CREDIT : Side.DEBIT;
            Long limit = switch (rnd.nextInt(20)) {
                case 0, 1, 2, 3, 4, 5 -> null;
                case 6, 7, 8, 9 -> (long) rnd.nextInt(5_000);
                case 10 -> rnd.nextBoolean() ? -1L : Limits.OVERDRAFT_LIMIT_MINOR_MAX + 1;
                default -> 0L;
            };
            String code = switch (rnd.nextInt(10)) {
                case 0, 1, 2, 3 -> null;
                case 4 -> switch (rnd.nextInt(20)) {
                    case 0, 1 -> " ";                                          // blank
                    case 2 -> "acct-\u0000-" + rnd.nextInt(20);               // a NUL: not storable
                    case 3 -> "acct-\uD800-" + rnd.nextInt(20);               // an unpaired surrogate: not storable
                    default -> "acct-" + rnd.nextInt(20);                     // likely taken
                };
                default -> "acct-" + rnd.nextInt(100_000);
            };
            UUID accountId = id();
            if (rnd.nextInt(50) == 0) {
                var any = pickAccount(rnd.nextBoolean() ? l1 : l2, null);
                accountId = any.id(); // an id that exists (maybe in the other ledger)
            } else {
                accountsOf.get(ledger).add(new GenAccount(accountId, asset, side));
            }
            if (rnd.nextInt(8) == 0) {
                // A loyalty program account: a rule (sometimes invalid) in its metadata.
                programsOf.computeIfAbsent(ledger, l -> new ArrayList<>()).add(new GenAccount(accountId, asset, side));
                var rule = Map.of(LoyaltyRule.POINTS_PER_UNIT, rnd.nextInt(12) == 0 ? "0" : String.valueOf(1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 1_000_000)),
                        LoyaltyRule.UNIT_MINOR, String.valueOf(rnd.nextBoolean() ? 100 : 1 + rnd.nextInt(1000)),
                        LoyaltyRule.EXPIRES_AFTER_DAYS, String.valueOf(rnd.nextInt(3)));
                return new Command.CreateAccount(accountId, code, asset, side, limit, rule);
            }
            return new Command.CreateAccount(accountId, code, asset, side, limit, rnd.nextInt(30) == 0 ? bigMetadata() : Map.of(),
                    alertThresholds());
        }

        /** Mostly none; some around the usual balances (so they are crossed both ways); a few invalid. */
        List<Long> alertThresholds() {
            return switch (rnd.nextInt(12)) {
                case 0, 1, 2 -> {
                    List<Long> thresholds = new ArrayList<>();
                    int n = 1 + rnd.nextInt(3);
                    while (thresholds.size() < n) {
                        long t = rnd.nextInt(5) == 0 ? -rnd.nextInt(2_000) : rnd.nextInt(3_000);
                        if (!thresholds.contains(t)) {
                            thresholds.add(t);
                        }
                    }
                    yield thresholds;
                }
                case 3 -> rnd.nextInt(20) == 0 ? invalidThresholds() : List.of();
                default -> null;
            };
        }

        List<Long> invalidThresholds() {
            return switch (rnd.nextInt(3)) {
                case 0 -> List.of(5L, 5L);
                case 1 -> List.of(Limits.AMOUNT_MINOR_MAX + 1);
                default -> java.util.stream.LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX + 1).boxed().toList();
            };
        }

        Map<String, String> bigMetadata() {
            Map<String, String> m = new HashMap<>();
            int n = Limits.METADATA_ENTRIES_MAX + (rnd.nextBoolean() ? 0 : 1);
            for (int i = 0; i < n; i++) {
                m.put("k" + i, "v");
            }
            if (rnd.nextInt(4) == 0) {
                m.put("k0", rnd.nextBoolean() ? "a\u0000b" : "\uDC00"); // not storable, even within the key limit
            }
            return m;
        }

        long amount() {
            return switch (rnd.nextInt(300)) {
                case 0 -> 0;
                case 1 -> -rnd.nextInt(1000);
                case 2 -> Limits.AMOUNT_MINOR_MAX + 1;
                case 3, 4 -> Limits.AMOUNT_MINOR_MAX;
                case 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 -> 1 + rnd.nextInt(100_000);
                default -> 1 + rnd.nextInt(1_000);
            };
        }

        Command transfer(UUID ledger, boolean pending) {
            var whales = whalesOf.get(ledger);
            if (whales != null && rnd.nextInt(100) == 0) {
                // Near the 64-bit limit: ten such transfers overflow a total.
                boolean forward = rnd.nextBoolean();
                UUID transferId = id();
                transfersOf.get(ledger).add(new GenTransfer(transferId, Limits.AMOUNT_MINOR_MAX, pending));
                return new Command.PostTransfer(transferId, whales.get(forward ? 0 : 1).id(), whales.get(forward ? 1 : 0).id(),
                        Limits.AMOUNT_MINOR_MAX, "USD", pending, pending && rnd.nextBoolean() ? Duration.ofSeconds(300) : null, Map.of());
            }
            var from = pickAccount(ledger, null);
            var to = rnd.nextInt(60) == 0 ? from : pickAccount(ledger, rnd.nextInt(25) == 0 ? null : from.asset());
            String asset = rnd.nextInt(30) == 0 ? pickAsset(ledger) : from.asset();
            long amount = amount();
            Duration timeout = null;
            if (pending && rnd.nextInt(10) < 6) {
                timeout = switch (rnd.nextInt(40)) {
                    case 0 -> Duration.ZERO;
                    case 1 -> Duration.ofMillis(1500);
                    case 2 -> Duration.ofSeconds(Limits.HOLD_TIMEOUT_SECONDS_MAX + 1);
                    default -> Duration.ofSeconds(1 + rnd.nextInt(rnd.nextBoolean() ? 600 : 7200));
                };
            } else if (!pending && rnd.nextInt(100) == 0) {
                timeout = Duration.ofSeconds(60); // a timeout on a posted transfer is invalid
            }
            UUID transferId = id();
            transfersOf.get(ledger).add(new GenTransfer(transferId, Math.max(amount, 1), pending));
            return new Command.PostTransfer(transferId, from.id(), to.id(), amount, asset, pending, timeout, Map.of());
        }

        Command entry(UUID ledger) {
            int shape = rnd.nextInt(100);
            List<Command.PostingLine> lines = new ArrayList<>();
            if (shape < 3) {
                var a = pickAccount(ledger, null);
                lines.add(new Command.PostingLine(a.id(), Side.DEBIT, 10, a.asset()));
            } else if (shape < 5) {
                // Many postings: exactly the maximum, or one more.
                int n = Limits.ENTRY_POSTINGS_MAX + (rnd.nextBoolean() ? 0 : 1);
                var sink = pickAccount(ledger, null);
                for (int i = 0; i < n - 1; i++) {
                    var a = pickAccount(ledger, sink.asset());
                    lines.add(new Command.PostingLine(a.id(), Side.DEBIT, 1, sink.asset()));
                }
                lines.add(new Command.PostingLine(sink.id(), Side.CREDIT, n - 1, sink.asset()));
            } else {
                int groups = shape < 20 ? 2 : 1;
                for (int g = 0; g < groups; g++) {
                    var first = pickAccount(ledger, null);
                    String asset = first.asset();
                    int n = 2 + rnd.nextInt(4);
                    List<GenAccount> legs = new ArrayList<>();
                    legs.add(first);
                    for (int i = 1; i < n; i++) {
                        legs.add(pickAccount(ledger, asset));
                    }
                    long total = 0;
                    for (int i = 0; i < n - 1; i++) {
                        long amt = amount();
                        Side side = rnd.nextBoolean() ? Side.DEBIT : Side.CREDIT;
                        lines.add(new Command.PostingLine(legs.get(i).id(), side, amt, asset));
                        total += side == Side.DEBIT ? amt : -amt;
                    }
                    long last = total == 0 ? 1 : Math.abs(total);
                    Side lastSide = total > 0 ? Side.CREDIT : Side.DEBIT;
                    if (rnd.nextInt(12) == 0) {
                        last += 1; // unbalanced
                    }
                    String lastAsset = rnd.nextInt(30) == 0 ? pickAsset(ledger) : asset; // sometimes a mismatching asset
                    lines.add(new Command.PostingLine(legs.get(n - 1).id(), lastSide, last, lastAsset));
                    if (total == 0) {
                        lines.add(new Command.PostingLine(legs.get(0).id(), Side.CREDIT, 1, asset));
                    }
                }
            }
            return new Command.PostEntry(id(), lines, Map.of());
        }

        String pickAsset(UUID ledger) {
            var assets = assetsOf.getOrDefault(ledger, List.of("USD", "EUR"));
            return assets.get(rnd.nextInt(assets.size()));
        }

        /** Mostly an account of this ledger with the asset (when given); sometimes another ledger's, or an unknown id. */
        GenAccount pickAccount(UUID ledger, String asset) {
            int p = rnd.nextInt(100);
            if (p < 2) {
                return new GenAccount(id(), asset == null ? "USD" : asset);
            }
            var pool = accountsOf.get(p < 5 ? (ledger.equals(l1) ? l2 : l1) : ledger);
            if (pool.isEmpty()) {
                return new GenAccount(id(), asset == null ? "USD" : asset);
            }
            for (int tries = 0; tries < 8; tries++) {
                var a = pool.get(rnd.nextInt(pool.size()));
                if (asset == null || a.asset().equals(asset)) {
                    return a;
                }
            }
            return pool.get(rnd.nextInt(pool.size()));
        }

        /** A transfer of this ledger, preferring holds when asked (sometimes another ledger's); null for an unknown id. */
        GenTransfer pickTransfer(UUID ledger, boolean preferHold) {
            int p = rnd.nextInt(100);
            if (p < 2) {
                return null;
            }
            var pool = transfersOf.get(p < 5 ? (ledger.equals(l1) ? l2 : l1) : ledger);
            if (pool.isEmpty()) {
                return null;
            }
            int window = Math.min(pool.size(), rnd.nextBoolean() ? 50 : pool.size());
            for (int tries = 0; tries < 6; tries++) {
                var t = pool.get(pool.size() - 1 - rnd.nextInt(window));
                if (!preferHold || t.hold() || rnd.nextInt(10) == 0) {
                    return t;
                }
            }
            return pool.get(pool.size() - 1 - rnd.nextInt(window));
        }
    }
}
