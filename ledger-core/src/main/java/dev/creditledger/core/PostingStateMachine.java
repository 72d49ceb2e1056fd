package dev.creditledger.core;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of the ledger, as a pure function over a batch: given the state a batch can see and the
 * time of the batch, it applies the submissions in order and returns their results and the rows to
 * write. It performs no I/O and reads no clock, so the same inputs always give the same outputs, and
 * the same code runs inside the PostgreSQL engine and inside the model-based tests.
 *
 * A command either applies whole or is rejected alone with a named {@link Reason}; its partial changes
 * are undone through the state's savepoints. An all-or-nothing submission is undone whole when any of
 * its commands fails. Idempotency keys are resolved here too, so retries inside one batch and across
 * batches behave the same.
 */
public final class PostingStateMachine {

    /** A command's rejection, thrown inside this class only and caught per command; it never escapes. */
    static final class Rejection extends RuntimeException {
        final Violation violation;

        Rejection(Reason reason, String detail) {
            super(reason.name(), null, false, false);
            this.violation = new Violation(reason, detail);
        }
    }

    final LedgerState state;
    final Instant now;
    private final List<Account> createdAccounts = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<IdempotencyRecord> newIdempotencyRecords = new ArrayList<>();
    private final Set<UUID> touchedAccounts = new LinkedHashSet<>();
    private final Set<UUID> touchedTransfers = new LinkedHashSet<>();
    private final Set<UUID> touchedGrants = new LinkedHashSet<>();
    private final Map<UUID, EscrowState> touchedEscrows = new LinkedHashMap<>();
    private final Set<UUID> advancedLedgers = new LinkedHashSet<>();

    private PostingStateMachine(LedgerState state, Instant now) {
        this.state = state;
        this.now = now;
    }

    /** Applies the batch to {@code state} (which it changes) at time {@code now}. */
    public static BatchOutcome apply(List<Submission> batch, LedgerState state, Instant now) {
        return new PostingStateMachine(state, now).run(batch);
    }

    private BatchOutcome run(List<Submission> batch) {
        List<List<CommandResult>> results = new ArrayList<>(batch.size());
        for (var submission : batch) {
            results.add(submission.atomic() ? applyAtomic(submission) : applyEach(submission));
        }
        state.commit();
        return new BatchOutcome(results, List.copyOf(createdAccounts), List.copyOf(entries),
                touchedAccounts.stream().map(id -> state.accounts().get(id)).filter(a -> a != null).toList(),
                touchedTransfers.stream().map(id -> state.transfers().get(id)).filter(t -> t != null).toList(),
                touchedGrants.stream().map(id -> state.grants().get(id)).filter(g -> g != null).toList(),
                touchedEscrows.values().stream().map(e -> state.escrow(e.ledgerId(), e.orderId())).filter(e -> e != null).toList(),
                List.copyOf(newIdempotencyRecords), lastSeqs());
    }

    private Map<UUID, Long> lastSeqs() {
        Map<UUID, Long> lastSeqs = new LinkedHashMap<>();
        for (var ledgerId : advancedLedgers) {
            lastSeqs.put(ledgerId, state.lastSeq(ledgerId));
        }
        return lastSeqs;
    }

    private List<CommandResult> applyEach(Submission submission) {
        List<CommandResult> results = new ArrayList<>(submission.requests().size());
        for (var request : submission.requests()) {
            var replay = replayOrConflict(request);
            if (replay != null) {
                results.add(replay);
                continue;
            }
            var result = applyOne(request);
            remember(request, result);
            results.add(result);
        }
        return results;
    }

    /**
     * Applies every request of the submission; on the first failure undoes them all and answers the
     * failing one with its reason and every other fresh one with LINKED_COMMAND_FAILED.
     */
    private List<CommandResult> applyAtomic(Submission submission) {
        var savepoint = savepoint();
        var requests = submission.requests();
        List<CommandResult> results = new ArrayList<>(requests.size());
        int failedIndex = -1;
        for (int i = 0; i < requests.size() && failedIndex < 0; i++) {
            var request = requests.get(i);
            var replay = replayOrConflict(request);
            var result = replay != null ? replay : applyOne(request);
            if (replay == null) {
                remember(request, result);
            }
            // A replayed rejection fails the submission too: applying the others would not be all-or-nothing.
            if (result instanceof CommandResult.Rejected) {
                failedIndex = i;
            }
            results.add(result);
        }
        if (failedIndex < 0) {
            return results;
        }
        rollbackTo(savepoint);
        var failure = (CommandResult.Rejected) results.get(failedIndex);
        List<CommandResult> rejected = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            var request = requests.get(i);
            var existing = request.idempotency() == null ? null : state.idempotency(request.ledgerId(), request.idempotency().key());
            CommandResult result;
            if (existing != null) {
                // The key was answered before this submission: that answer stands, or the key was reused.
                result = replayOrConflict(request);
            } else if (i == failedIndex) {
                result = failure;
            } else {
                result = new CommandResult.Rejected(Reason.LINKED_COMMAND_FAILED,
                        "request " + failedIndex + " of the all-or-nothing batch failed with " + failure.reason());
            }
            if (existing == null) {
                remember(request, result);
            }
            rejected.add(result);
        }
        return rejected;
    }

    /** The stored result for a retried key, a conflict for a reused key, or null for a fresh request. */
    private CommandResult replayOrConflict(Request request) {
        if (request.idempotency() == null) {
            return null;
        }
        var record = state.idempotency(request.ledgerId(), request.idempotency().key());
        if (record == null) {
            return null;
        }
        if (!record.requestHash().equals(request.idempotency().requestHash())) {
            return new CommandResult.Rejected(Reason.IDEMPOTENCY_KEY_REUSED,
                    "idempotency key '" + request.idempotency().key() + "' was first used with a different request");
        }
        return record.result().asReplay();
    }

    private void remember(Request request, CommandResult result) {
        // Keys belong to a ledger; a request for an unknown ledger has nowhere to store its key.
        if (request.idempotency() == null || !state.hasLedger(request.ledgerId())) {
            return;
        }
        var record = new IdempotencyRecord(request.ledgerId(), request.idempotency().key(),
                request.idempotency().requestHash(), result, now);
        state.putIdempotency(record);
        int mark = newIdempotencyRecords.size();
        newIdempotencyRecords.add(record);
        onRollback(() -> truncate(newIdempotencyRecords, mark));
    }

    private CommandResult applyOne(Request request) {
        var savepoint = savepoint();
        try {
            if (!state.hasLedger(request.ledgerId())) {
                throw new Rejection(Reason.LEDGER_NOT_FOUND, "ledger " + request.ledgerId() + " does not exist");
            }
            var violation = CommandValidator.validate(request.command());
            if (violation.isPresent()) {
                throw new Rejection(violation.get().reason(), violation.get().detail());
            }
            return execute(request.ledgerId(), request.command());
        } catch (Rejection rejection) {
            rollbackTo(savepoint);
            return new CommandResult.Rejected(rejection.violation.reason(), rejection.violation.detail());
        } catch (ArithmeticException overflow) {
            rollbackTo(savepoint);
            return new CommandResult.Rejected(Reason.BALANCE_OVERFLOW, "a balance would overflow a 64-bit integer");
        }
    }

    private CommandResult execute(UUID ledgerId, Command command) {
        return switch (command) {
            case Command.CreateAccount c -> createAccount(ledgerId, c);
            case Command.CloseAccount c -> closeAccount(ledgerId, c);
            case Command.PostTransfer t -> postTransfer(ledgerId, t);
            case Command.PostEntry e -> postEntry(ledgerId, e);
            case Command.CaptureHold c -> resolveHold(ledgerId, c.entryId(), c.holdId(), EntryKind.CAPTURE, c.amountMinor(), c.metadata());
            case Command.VoidHold v -> resolveHold(ledgerId, v.entryId(), v.holdId(), EntryKind.VOID, null, v.metadata());
            case Command.ExpireHold x -> resolveHold(ledgerId, x.entryId(), x.holdId(), EntryKind.EXPIRY, null, Map.of());
            case Command.ReverseTransfer r -> reverse(ledgerId, r);
            case Command.ReverseEntry r -> new EntryReversals(this).reverse(ledgerId, r);
            case Command.IssueGrant g -> issueGrant(ledgerId, g);
            case Command.EarnPoints e -> earnPoints(ledgerId, e);
            case Command.ExpireGrant x -> expireGrantNow(ledgerId, x);
            case Command.FundEscrow f -> fundEscrow(ledgerId, f);
            case Command.ReleaseEscrow r -> releaseEscrow(ledgerId, r);
            case Command.RefundEscrow r -> refundEscrow(ledgerId, r);
            case Command.RecordUsage u -> recordUsage(ledgerId, u);
        };
    }

    // ---- commands ----

    private CommandResult createAccount(UUID ledgerId, Command.CreateAccount c) {
        if (state.asset(ledgerId, c.asset()) == null) {
            throw new Rejection(Reason.ASSET_NOT_FOUND, "asset " + c.asset() + " is not defined in this ledger");
        }
        if (state.accountIdExists(c.accountId())) {
            throw new Rejection(Reason.ACCOUNT_ALREADY_EXISTS, "account " + c.accountId() + " already exists");
        }
        if (c.code() != null && state.accountIdByCode(ledgerId, c.code()) != null) {
            throw new Rejection(Reason.ACCOUNT_CODE_TAKEN, "account code '" + c.code() + "' is taken in this ledger");
        }
        var account = openAccount(ledgerId, c.accountId(), c.code(), c.asset(), c.normalSide(), c.overdraftLimitMinor(),
                c.metadata(), c.alertThresholds());
        return new CommandResult.Accepted(account.id(), account.seq(), false);
    }

    private Account openAccount(UUID ledgerId, UUID accountId, String code, String asset, Side normalSide,
                                Long overdraftLimitMinor, Map<String, String> metadata, List<Long> alertThresholds) {
        long seq = state.nextSeq(ledgerId);
        touch(advancedLedgers, ledgerId);
        var account = new Account(accountId, ledgerId, code, asset, normalSide, overdraftLimitMinor, metadata, now, seq);
        state.putAccount(AccountState.opened(account, alertThresholds));
        touchAccount(account.id());
        int mark = createdAccounts.size();
        createdAccounts.add(account);
        onRollback(() -> truncate(createdAccounts, mark));
        return account;
    }

    private CommandResult closeAccount(UUID ledgerId, Command.CloseAccount c) {
        requireOpen(requireAccount(ledgerId, c.accountId()));
        sweepExpiredGrants(ledgerId, c.accountId());
        var account = requireAccount(ledgerId, c.accountId());
        var liveGrants = state.grantsOf(c.accountId()).stream().filter(g -> g.status() == GrantStatus.ACTIVE).count();
        if (liveGrants > 0) {
            throw new Rejection(Reason.ACCOUNT_BALANCE_NOT_ZERO, "account " + c.accountId() + " has " + liveGrants
                    + " active grant(s) with credit left or reserved");
        }
        if (!account.balance().isZero()) {
            throw new Rejection(Reason.ACCOUNT_BALANCE_NOT_ZERO, "account " + c.accountId()
                    + " has a posted balance of " + account.balance().posted(account.account().normalSide())
                    + " and pending totals " + account.balance().debitsPending() + "/" + account.balance().creditsPending());
        }
        long seq = state.nextSeq(ledgerId);
        touch(advancedLedgers, ledgerId);
        state.putAccount(account.closed());
        touchAccount(c.accountId());
        return new CommandResult.Accepted(c.accountId(), seq, false);
    }

    private CommandResult postTransfer(UUID ledgerId, Command.PostTransfer t) {
        var from = requireAccount(ledgerId, t.from());
        var to = requireAccount(ledgerId, t.to());
        requireOpen(from);
        requireOpen(to);
        requireAsset(from, t.asset());
        requireAsset(to, t.asset());
        sweepExpiredGrants(ledgerId, t.from());
        List<GrantChange> grantChanges = new ArrayList<>();
        var draws = drawGrants(t.from(), t.amountMinor(), t.pending() ? GrantChangeKind.RESERVED : GrantChangeKind.CONSUMED,
                grantChanges);
        long posted = t.pending() ? 0 : t.amountMinor();
        long pending = t.pending() ? t.amountMinor() : 0;
        var lines = List.of(
                new Line(from.account().id(), Side.DEBIT, posted, pending),
                new Line(to.account().id(), Side.CREDIT, posted, pending));
        var expiresAt = t.pending() && t.holdTimeout() != null ? now.plus(t.holdTimeout()) : null;
        var entry = writeEntry(ledgerId, t.transferId(), t.pending() ? EntryKind.HOLD : EntryKind.TRANSFER,
                t.from(), t.to(), t.amountMinor(), t.asset(), null, expiresAt, t.metadata(), lines, grantChanges, true);
        putTransfer(new TransferState(t.transferId(), ledgerId, t.from(), t.to(), t.asset(), t.amountMinor(), t.pending(),
                t.pending() ? TransferStatus.PENDING : TransferStatus.POSTED, posted, 0, expiresAt, draws));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    private CommandResult postEntry(UUID ledgerId, Command.PostEntry e) {
        List<Line> lines = new ArrayList<>(e.postings().size());
        for (var requested : e.postings()) {
            var account = requireAccount(ledgerId, requested.accountId());
            requireOpen(account);
            requireAsset(account, requested.asset());
            lines.add(new Line(requested.accountId(), requested.side(), requested.amountMinor(), 0));
        }
        List<GrantChange> grantChanges = new ArrayList<>();
        for (var line : lines) {
            if (line.side() == Side.DEBIT) {
                sweepExpiredGrants(ledgerId, line.accountId());
            }
        }
        for (var line : lines) {
            if (line.side() == Side.DEBIT) {
                drawGrants(line.accountId(), line.postedMinor(), GrantChangeKind.CONSUMED, grantChanges);
            }
        }
        var entry = writeEntry(ledgerId, e.entryId(), EntryKind.ENTRY, null, null, 0, null, null, null, e.metadata(), lines,
                grantChanges, true);
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** Captures (all or part), voids or expires a hold: releases the reserved amount and posts the captured part. */
    private CommandResult resolveHold(UUID ledgerId, UUID entryId, UUID holdId, EntryKind kind, Long requestedMinor,
                                      Map<String, String> metadata) {
        var hold = state.transfer(ledgerId, holdId);
        if (hold == null) {
            throw new Rejection(Reason.TRANSFER_NOT_FOUND, "transfer " + holdId + " does not exist in this ledger");
        }
        if (!hold.hold()) {
            throw new Rejection(Reason.TRANSFER_NOT_A_HOLD, "transfer " + holdId + " was posted at once, it is not a hold");
        }
        if (hold.status() != TransferStatus.PENDING) {
            throw new Rejection(Reason.HOLD_NOT_PENDING, "hold " + holdId + " is already " + hold.status());
        }
        boolean pastExpiry = hold.expiresAt() != null && !now.isBefore(hold.expiresAt());
        if (kind == EntryKind.EXPIRY && !pastExpiry) {
            throw new Rejection(Reason.HOLD_NOT_EXPIRED, "hold " + holdId + (hold.expiresAt() == null
                    ? " has no timeout" : " expires at " + hold.expiresAt()));
        }
        if (kind != EntryKind.EXPIRY && pastExpiry) {
            throw new Rejection(Reason.HOLD_EXPIRED, "hold " + holdId + " expired at " + hold.expiresAt());
        }
        long captured = 0;
        if (kind == EntryKind.CAPTURE) {
            captured = requestedMinor == null ? hold.amountMinor() : requestedMinor;
            if (captured > hold.amountMinor()) {
                throw new Rejection(Reason.CAPTURE_EXCEEDS_HOLD,
                        "capture of " + captured + " exceeds the held " + hold.amountMinor());
            }
        }
        var from = requireAccount(ledgerId, hold.fromAccountId());
        var to = requireAccount(ledgerId, hold.toAccountId());
        if (kind == EntryKind.CAPTURE) {
            requireOpen(from);
            requireOpen(to);
        }
        long released = -hold.amountMinor();
        List<GrantChange> grantChanges = new ArrayList<>();
        var consumedDraws = settleReservations(hold, captured, grantChanges);
        var lines = List.of(
                new Line(from.account().id(), Side.DEBIT, captured, released),
                new Line(to.account().id(), Side.CREDIT, captured, released));
        long entryAmount = kind == EntryKind.CAPTURE ? captured : hold.amountMinor();
        var entry = writeEntry(ledgerId, entryId, kind, hold.fromAccountId(), hold.toAccountId(), entryAmount,
                hold.asset(), holdId, null, metadata, lines, grantChanges, true);
        var newStatus = switch (kind) {
            case CAPTURE -> TransferStatus.POSTED;
            case VOID -> TransferStatus.VOIDED;
            default -> TransferStatus.EXPIRED;
        };
        putTransfer(hold.withStatus(newStatus, captured).withDraws(consumedDraws));
        // What the hold released to grants that expired meanwhile expires now.
        sweepExpiredGrants(ledgerId, hold.fromAccountId());
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    CommandResult reverse(UUID ledgerId, Command.ReverseTransfer r) {
        var original = state.transfer(ledgerId, r.transferId());
        if (original == null) {
            throw new Rejection(Reason.TRANSFER_NOT_FOUND, "transfer " + r.transferId() + " does not exist in this ledger");
        }
        if (original.status() != TransferStatus.POSTED) {
            throw new Rejection(Reason.TRANSFER_NOT_POSTED, "transfer " + r.transferId() + " is " + original.status());
        }
        long amount = r.amountMinor() == null ? original.reversibleMinor() : r.amountMinor();
        if (amount <= 0 || amount > original.reversibleMinor()) {
            throw new Rejection(Reason.REVERSAL_EXCEEDS_ORIGINAL, "transfer " + r.transferId() + " posted "
                    + original.postedMinor() + " and " + original.reversedMinor() + " is reversed already; cannot reverse "
                    + (r.amountMinor() == null ? "the rest" : amount) );
        }
        var originalFrom = requireAccount(ledgerId, original.fromAccountId());
        var originalTo = requireAccount(ledgerId, original.toAccountId());
        requireOpen(originalFrom);
        requireOpen(originalTo);
        sweepExpiredGrants(ledgerId, original.toAccountId());
        List<GrantChange> grantChanges = new ArrayList<>();
        drawGrants(original.toAccountId(), amount, GrantChangeKind.CONSUMED, grantChanges);
        var stillRestorable = restoreGrants(original, amount, grantChanges);
        var lines = List.of(
                new Line(original.toAccountId(), Side.DEBIT, amount, 0),
                new Line(original.fromAccountId(), Side.CREDIT, amount, 0));
        var entry = writeEntry(ledgerId, r.entryId(), EntryKind.REVERSAL, original.toAccountId(), original.fromAccountId(),
                amount, original.asset(), original.transferId(), null, r.metadata(), lines, grantChanges, true);
        putTransfer(original.withReversed(original.reversedMinor() + amount).withDraws(stillRestorable));
        // What the refund restored to grants that expired since the spend expires now (docs: the refund rule).
        sweepExpiredGrants(ledgerId, original.fromAccountId());
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    private CommandResult issueGrant(UUID ledgerId, Command.IssueGrant g) {
        var account = requireAccount(ledgerId, g.accountId());
        var from = requireAccount(ledgerId, g.fromAccountId());
        requireOpen(account);
        requireOpen(from);
        requireAsset(account, g.asset());
        requireAsset(from, g.asset());
        if (account.account().normalSide() != Side.CREDIT) {
            throw new Rejection(Reason.GRANT_ACCOUNT_NOT_CREDIT_NORMAL, "account " + g.accountId()
                    + " is debit-normal; grants are given to credit-normal accounts");
        }
        if (g.expiresAt() != null && !now.isBefore(g.expiresAt())) {
            throw new Rejection(Reason.GRANT_EXPIRY_INVALID, "grant expiry " + g.expiresAt()
                    + " is not after the time it is made, " + now);
        }
        long active = state.grantsOf(g.accountId()).stream().filter(x -> x.status() == GrantStatus.ACTIVE).count();
        if (active >= Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX) {
            throw new Rejection(Reason.GRANT_LIMIT_REACHED, "account " + g.accountId() + " has " + active
                    + " active grants, the most GRANTS_ACTIVE_PER_ACCOUNT_MAX " + Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX + " allows");
        }
        var breakageId = openBreakageAccountIfMissing(ledgerId, g.asset());
        sweepExpiredGrants(ledgerId, g.fromAccountId());
        List<GrantChange> grantChanges = new ArrayList<>();
        drawGrants(g.fromAccountId(), g.amountMinor(), GrantChangeKind.CONSUMED, grantChanges);
        grantChanges.add(new GrantChange(g.grantId(), g.accountId(), GrantChangeKind.GRANTED, g.amountMinor()));
        var lines = List.of(
                new Line(g.fromAccountId(), Side.DEBIT, g.amountMinor(), 0),
                new Line(g.accountId(), Side.CREDIT, g.amountMinor(), 0));
        var entry = writeEntry(ledgerId, g.grantId(), EntryKind.GRANT, g.fromAccountId(), g.accountId(), g.amountMinor(),
                g.asset(), null, g.expiresAt(), g.metadata(), lines, grantChanges, true);
        putGrant(GrantState.made(g.grantId(), ledgerId, g.accountId(), g.asset(), g.amountMinor(), g.expiresAt(), g.source(),
                g.metadata(), breakageId, entry.seq(), now));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** Earning is a grant of the points the program's rule gives for the spend, from the program to the member. */
    private CommandResult earnPoints(UUID ledgerId, Command.EarnPoints e) {
        var program = requireAccount(ledgerId, e.programAccountId());
        requireAccount(ledgerId, e.memberAccountId());
        requireAsset(program, e.asset());
        var rule = LoyaltyRule.of(program.account().metadata()).orElseThrow(() -> new Rejection(Reason.LOYALTY_RULE_MISSING,
                "account " + e.programAccountId() + " defines no loyalty rule (" + LoyaltyRule.POINTS_PER_UNIT + ", "
                        + LoyaltyRule.UNIT_MINOR + ")"));
        long units = e.spendMinor() / rule.unitMinor();
        if (units > Limits.AMOUNT_MINOR_MAX / rule.pointsPerUnit()) {
            throw new Rejection(Reason.AMOUNT_EXCEEDS_LIMIT, "a spend of " + e.spendMinor() + " earns more than AMOUNT_MINOR_MAX points");
        }
        long points = units * rule.pointsPerUnit();
        if (points == 0) {
            throw new Rejection(Reason.EARN_BELOW_ONE_POINT, "a spend of " + e.spendMinor() + " is less than the rule's unit of "
                    + rule.unitMinor());
        }
        return issueGrant(ledgerId, new Command.IssueGrant(e.grantId(), e.memberAccountId(), e.programAccountId(), points,
                e.asset(), rule.expiryFrom(now), "loyalty:earn", e.metadata()));
    }

    private CommandResult expireGrantNow(UUID ledgerId, Command.ExpireGrant x) {
        var grant = state.grant(ledgerId, x.grantId());
        if (grant == null) {
            throw new Rejection(Reason.GRANT_NOT_FOUND, "grant " + x.grantId() + " does not exist in this ledger");
        }
        if (!grant.expiredAt(now) || grant.remainingMinor() == 0) {
            throw new Rejection(Reason.GRANT_NOT_EXPIRED, "grant " + x.grantId() + (grant.expiresAt() == null ? " has no expiry"
                    : grant.expiredAt(now) ? " has nothing left to expire" : " expires at " + grant.expiresAt()));
        }
        var entry = expireGrant(ledgerId, grant);
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    // ---- usage ----

    private CommandResult recordUsage(UUID ledgerId, Command.RecordUsage u) {
        var account = requireAccount(ledgerId, u.accountId());
        var overage = requireAccount(ledgerId, u.overageAccountId());
        var revenue = requireAccount(ledgerId, u.revenueAccountId());
        for (var a : List.of(account, overage, revenue)) {
            requireOpen(a);
            requireAsset(a, u.asset());
        }
        sweepExpiredGrants(ledgerId, u.accountId());
        var walletAvailable = available(state.account(ledgerId, u.accountId())).max(BigInteger.ZERO);
        long fromAccount = walletAvailable.min(BigInteger.valueOf(u.amountMinor())).longValueExact();
        long owed = u.amountMinor() - fromAccount;
        Long limit = overage.account().overdraftLimitMinor();
        if (owed > 0 && limit != null) {
            var after = available(state.account(ledgerId, u.overageAccountId())).subtract(BigInteger.valueOf(owed));
            if (after.compareTo(BigInteger.valueOf(-limit)) < 0) {
                throw new Rejection(Reason.OVERAGE_LIMIT_EXCEEDED, "usage of " + u.amountMinor() + ": " + fromAccount
                        + " from account " + u.accountId() + ", " + owed + " as overage would leave overage account "
                        + u.overageAccountId() + " at " + after + ", beyond its limit of " + limit);
            }
        }
        List<GrantChange> grantChanges = new ArrayList<>();
        drawGrants(u.accountId(), fromAccount, GrantChangeKind.CONSUMED, grantChanges);
        // Line 0 is the payer and line 1 the revenue, as in every transfer-shaped entry; the overage, when the
        // account paid part, is line 2.
        List<Line> lines = new ArrayList<>();
        lines.add(fromAccount > 0 ? new Line(u.accountId(), Side.DEBIT, fromAccount, 0) : new Line(u.overageAccountId(), Side.DEBIT, owed, 0));
        lines.add(new Line(u.revenueAccountId(), Side.CREDIT, u.amountMinor(), 0));
        if (fromAccount > 0 && owed > 0) {
            lines.add(new Line(u.overageAccountId(), Side.DEBIT, owed, 0));
        }
        var entry = writeEntry(ledgerId, u.entryId(), EntryKind.USAGE, lines.getFirst().accountId(), u.revenueAccountId(),
                u.amountMinor(), u.asset(), null, null, u.metadata(), lines, grantChanges, true);
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    // ---- escrow ----

    private CommandResult fundEscrow(UUID ledgerId, Command.FundEscrow f) {
        var buyer = requireAccount(ledgerId, f.buyer());
        var seller = requireAccount(ledgerId, f.seller());
        requireOpen(buyer);
        requireOpen(seller);
        requireAsset(buyer, f.asset());
        requireAsset(seller, f.asset());
        if (state.escrow(ledgerId, f.orderId()) != null) {
            throw new Rejection(Reason.ESCROW_ALREADY_EXISTS, "order '" + f.orderId() + "' already has an escrow");
        }
        var escrowAccount = openSystemAccountIfMissing(ledgerId, SystemAccounts.escrowAccountId(ledgerId, f.asset()),
                SystemAccounts.escrowAccountCode(f.asset()), f.asset(), "escrow");
        sweepExpiredGrants(ledgerId, f.buyer());
        List<GrantChange> grantChanges = new ArrayList<>();
        drawGrants(f.buyer(), f.amountMinor(), GrantChangeKind.CONSUMED, grantChanges);
        var lines = List.of(
                new Line(f.buyer(), Side.DEBIT, f.amountMinor(), 0),
                new Line(escrowAccount, Side.CREDIT, f.amountMinor(), 0));
        var entry = writeEntry(ledgerId, f.entryId(), EntryKind.ESCROW_FUND, f.buyer(), escrowAccount, f.amountMinor(), f.asset(),
                null, null, f.metadata(), lines, grantChanges, true);
        putEscrow(new EscrowState(f.entryId(), ledgerId, f.orderId(), f.buyer(), f.seller(), escrowAccount, f.asset(),
                f.amountMinor(), 0, 0, entry.seq(), now));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    private CommandResult releaseEscrow(UUID ledgerId, Command.ReleaseEscrow r) {
        var escrow = requireHeldEscrow(ledgerId, r.orderId());
        long held = escrow.heldMinor();
        if (r.feeMinor() >= held) {
            throw new Rejection(Reason.ESCROW_FEE_TOO_HIGH, "fee " + r.feeMinor() + " is not less than the " + held + " held");
        }
        var seller = requireAccount(ledgerId, escrow.sellerAccountId());
        requireOpen(seller);
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(escrow.escrowAccountId(), Side.DEBIT, held, 0));
        lines.add(new Line(escrow.sellerAccountId(), Side.CREDIT, held - r.feeMinor(), 0));
        if (r.feeMinor() > 0) {
            var fees = requireAccount(ledgerId, r.feeAccountId());
            requireOpen(fees);
            requireAsset(fees, escrow.asset());
            lines.add(new Line(r.feeAccountId(), Side.CREDIT, r.feeMinor(), 0));
        }
        var entry = writeEntry(ledgerId, r.entryId(), EntryKind.ESCROW_RELEASE, escrow.escrowAccountId(), escrow.sellerAccountId(),
                held, escrow.asset(), escrow.escrowId(), null, r.metadata(), lines, List.of(), true);
        putEscrow(escrow.withReleased(held));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    private CommandResult refundEscrow(UUID ledgerId, Command.RefundEscrow r) {
        var escrow = requireHeldEscrow(ledgerId, r.orderId());
        long amount = r.amountMinor() == null ? escrow.heldMinor() : r.amountMinor();
        if (amount > escrow.heldMinor()) {
            throw new Rejection(Reason.REFUND_EXCEEDS_ESCROW, "refund of " + amount + " exceeds the " + escrow.heldMinor()
                    + " order '" + r.orderId() + "' holds");
        }
        requireOpen(requireAccount(ledgerId, escrow.buyerAccountId()));
        var lines = List.of(
                new Line(escrow.escrowAccountId(), Side.DEBIT, amount, 0),
                new Line(escrow.buyerAccountId(), Side.CREDIT, amount, 0));
        var entry = writeEntry(ledgerId, r.entryId(), EntryKind.ESCROW_REFUND, escrow.escrowAccountId(), escrow.buyerAccountId(),
                amount, escrow.asset(), escrow.escrowId(), null, r.metadata(), lines, List.of(), true);
        putEscrow(escrow.withRefunded(escrow.refundedMinor() + amount));
        return new CommandResult.Accepted(entry.id(), entry.seq(), false);
    }

    /** The order's escrow when it still holds something: refused when it is unknown, released or refunded in full. */
    private EscrowState requireHeldEscrow(UUID ledgerId, String orderId) {
        var escrow = state.escrow(ledgerId, orderId);
        if (escrow == null) {
            throw new Rejection(Reason.ESCROW_NOT_FOUND, "order '" + orderId + "' has no escrow in this ledger");
        }
        return switch (escrow.status()) {
            case HELD -> escrow;
            case RELEASED -> throw new Rejection(Reason.ESCROW_ALREADY_RELEASED, "order '" + orderId + "' was released to the seller");
            case REFUNDED -> throw new Rejection(Reason.ESCROW_REFUNDED, "order '" + orderId + "' was refunded in full");
        };
    }

    void putEscrow(EscrowState escrow) {
        state.putEscrow(escrow);
        var key = escrow.escrowId();
        if (!touchedEscrows.containsKey(key)) {
            touchedEscrows.put(key, escrow);
            onRollback(() -> touchedEscrows.remove(key));
        }
    }

    // ---- grants ----

    /**
     * Draws up to {@code amountMinor} from the account's spendable grants in {@link GrantState#SPEND_ORDER},
     * as {@code kind} (CONSUMED or RESERVED), and answers what it drew from each. What the grants do not
     * cover comes from the rest of the balance; whether the balance allows it is checked by writeEntry.
     */
    List<GrantDraw> drawGrants(UUID accountId, long amountMinor, GrantChangeKind kind, List<GrantChange> changes) {
        var grants = state.grantsOf(accountId);
        if (grants.isEmpty()) {
            return List.of();
        }
        var spendable = grants.stream().filter(g -> g.remainingMinor() > 0 && !g.expiredAt(now))
                .sorted(GrantState.SPEND_ORDER).toList();
        List<GrantDraw> draws = new ArrayList<>();
        long left = amountMinor;
        for (var grant : spendable) {
            if (left == 0) {
                break;
            }
            long take = Math.min(left, grant.remainingMinor());
            changeGrant(grant, kind, take, changes);
            draws.add(new GrantDraw(grant.grantId(), take));
            left -= take;
        }
        return draws;
    }

    /**
     * Settles a hold's reservations: the first {@code capturedMinor} of them, in the order they were made,
     * are consumed; the rest is released. Answers what was consumed (what a reversal can give back).
     */
    private List<GrantDraw> settleReservations(TransferState hold, long capturedMinor, List<GrantChange> changes) {
        List<GrantDraw> consumed = new ArrayList<>();
        long toCapture = capturedMinor;
        for (var draw : hold.draws()) {
            var grant = requireGrant(hold.ledgerId(), draw.grantId());
            long capture = Math.min(toCapture, draw.amountMinor());
            if (capture > 0) {
                changeGrant(grant, GrantChangeKind.CAPTURED, capture, changes);
                consumed.add(new GrantDraw(draw.grantId(), capture));
                grant = state.grant(hold.ledgerId(), draw.grantId());
            }
            if (draw.amountMinor() > capture) {
                changeGrant(grant, GrantChangeKind.RELEASED, draw.amountMinor() - capture, changes);
            }
            toCapture -= capture;
        }
        return consumed;
    }

    /**
     * Gives back to the grants a transfer consumed up to {@code amountMinor}, the last drawn first (so a
     * partial refund returns the credit that would have lasted longest). Answers what stays restorable.
     */
    private List<GrantDraw> restoreGrants(TransferState original, long amountMinor, List<GrantChange> changes) {
        List<GrantDraw> remaining = new ArrayList<>(original.draws());
        long left = amountMinor;
        for (int i = remaining.size() - 1; i >= 0 && left > 0; i--) {
            var draw = remaining.get(i);
            long restore = Math.min(left, draw.amountMinor());
            changeGrant(requireGrant(original.ledgerId(), draw.grantId()), GrantChangeKind.RESTORED, restore, changes);
            left -= restore;
            if (restore == draw.amountMinor()) {
                remaining.remove(i);
            } else {
                remaining.set(i, new GrantDraw(draw.grantId(), draw.amountMinor() - restore));
            }
        }
        return remaining;
    }

    /** Expires, each as its own GRANT_EXPIRY entry, the grants of the account that reached their expiry with credit left. */
    void sweepExpiredGrants(UUID ledgerId, UUID accountId) {
        var due = state.grantsOf(accountId).stream().filter(g -> g.remainingMinor() > 0 && g.expiredAt(now))
                .sorted(GrantState.SPEND_ORDER).toList();
        for (var grant : due) {
            expireGrant(ledgerId, grant);
        }
    }

    /**
     * Moves what is left of a grant to its breakage account. Balance constraints are not checked: the
     * entry only takes back credit the grant gave, and an expiry is never refused.
     */
    private Entry expireGrant(UUID ledgerId, GrantState grant) {
        long amount = grant.remainingMinor();
        requireAccount(ledgerId, grant.accountId());
        requireAccount(ledgerId, grant.expiryAccountId());
        List<GrantChange> changes = new ArrayList<>();
        changeGrant(grant, GrantChangeKind.EXPIRED, amount, changes);
        var lines = List.of(
                new Line(grant.accountId(), Side.DEBIT, amount, 0),
                new Line(grant.expiryAccountId(), Side.CREDIT, amount, 0));
        var entryId = SystemAccounts.grantExpiryEntryId(grant.grantId(), state.lastSeq(ledgerId) + 1);
        return writeEntry(ledgerId, entryId, EntryKind.GRANT_EXPIRY, grant.accountId(), grant.expiryAccountId(), amount,
                grant.asset(), grant.grantId(), null, Map.of(), lines, changes, false);
    }

    /** The breakage account of the asset, opened by this command when the ledger does not have it yet. */
    private UUID openBreakageAccountIfMissing(UUID ledgerId, String asset) {
        return openSystemAccountIfMissing(ledgerId, SystemAccounts.breakageAccountId(ledgerId, asset),
                SystemAccounts.breakageAccountCode(asset), asset, "breakage");
    }

    /**
     * A system account ({@link SystemAccounts}): credit-normal, unconstrained, with its code unless a
     * client's account holds it, opened by the command that first needs it.
     */
    private UUID openSystemAccountIfMissing(UUID ledgerId, UUID id, String code, String asset, String purpose) {
        if (state.account(ledgerId, id) == null) {
            openAccount(ledgerId, id, state.accountIdByCode(ledgerId, code) == null ? code : null, asset, Side.CREDIT, null,
                    Map.of("purpose", purpose), List.of());
        }
        return id;
    }

    GrantState requireGrant(UUID ledgerId, UUID grantId) {
        var grant = state.grant(ledgerId, grantId);
        if (grant == null) {
            throw new IllegalStateException("grant " + grantId + " of ledger " + ledgerId + " was not loaded");
        }
        return grant;
    }

    void changeGrant(GrantState grant, GrantChangeKind kind, long amountMinor, List<GrantChange> changes) {
        putGrant(grant.apply(kind, amountMinor));
        changes.add(new GrantChange(grant.grantId(), grant.accountId(), kind, amountMinor));
    }

    private void putGrant(GrantState grant) {
        state.putGrant(grant);
        touch(touchedGrants, grant.grantId());
    }

    // ---- journal writing ----

    /** A line to post before balances are known. */
    record Line(UUID accountId, Side side, long postedMinor, long pendingDeltaMinor) {}

    /**
     * Applies the lines to the accounts, checks every balance constraint that the entry tightens, and
     * records the entry with the balances after each posting.
     */
    Entry writeEntry(UUID ledgerId, UUID entryId, EntryKind kind, UUID from, UUID to, long amountMinor,
                             String asset, UUID referenceId, Instant expiresAt, Map<String, String> metadata,
                             List<Line> lines, List<GrantChange> grantChanges, boolean enforceConstraints) {
        requireBalanced(lines);
        Map<UUID, BigInteger> availableBefore = new LinkedHashMap<>();
        List<Posting> postings = new ArrayList<>(lines.size());
        for (var line : lines) {
            var account = state.account(ledgerId, line.accountId());
            availableBefore.putIfAbsent(line.accountId(), available(account));
            var after = account.balance().apply(line.side(), line.postedMinor(), line.pendingDeltaMinor());
            var changed = account.withBalance(after, account.version() + 1);
            state.putAccount(changed);
            touchAccount(line.accountId());
            postings.add(new Posting(line.accountId(), account.account().asset(), line.side(), line.postedMinor(),
                    line.pendingDeltaMinor(), after, changed.version()));
        }
        if (enforceConstraints) {
            for (var before : availableBefore.entrySet()) {
                requireWithinConstraint(state.account(ledgerId, before.getKey()), before.getValue());
            }
        }
        List<BalanceAlert> alerts = new ArrayList<>(0);
        for (var before : availableBefore.entrySet()) {
            var account = state.account(ledgerId, before.getKey());
            alerts.addAll(AlertThresholds.crossings(before.getKey(), account.alertThresholds(), before.getValue(), available(account)));
        }
        long seq = state.nextSeq(ledgerId);
        touch(advancedLedgers, ledgerId);
        var entry = new Entry(entryId, ledgerId, seq, kind, from, to, amountMinor, asset, referenceId, expiresAt,
                metadata, now, postings, grantChanges, alerts);
        int mark = entries.size();
        entries.add(entry);
        onRollback(() -> truncate(entries, mark));
        state.putEntry(entry);
        return entry;
    }

    /**
     * Rejects a change that leaves an account's available balance lower than before AND below what its
     * constraint allows. An account already below its limit may still receive money.
     */
    private void requireWithinConstraint(AccountState account, BigInteger availableBefore) {
        Long limit = account.account().overdraftLimitMinor();
        if (limit == null) {
            return;
        }
        BigInteger available = available(account);
        if (available.compareTo(availableBefore) < 0 && available.compareTo(BigInteger.valueOf(-limit)) < 0) {
            throw new Rejection(Reason.INSUFFICIENT_FUNDS, "account " + account.account().id() + " has "
                    + availableBefore + " available" + (limit == 0 ? "" : " and an overdraft limit of " + limit)
                    + "; this would leave " + available);
        }
    }

    /**
     * The available balance, exactly: with totals near the 64-bit limit, posted minus pending outflows can
     * leave the long range although every total is valid, and that must not reject the command.
     */
    private static BigInteger available(AccountState account) {
        var b = account.balance();
        var side = account.account().normalSide();
        long outflow = side == Side.CREDIT ? b.debitsPending() : b.creditsPending();
        return BigInteger.valueOf(b.posted(side)).subtract(BigInteger.valueOf(outflow));
    }

    /** The check on the way out: whatever the command, what it writes balances per asset. */
    private void requireBalanced(List<Line> lines) {
        long posted = 0;
        long pending = 0;
        for (var line : lines) {
            long sign = line.side() == Side.DEBIT ? 1 : -1;
            posted = Math.addExact(posted, sign * line.postedMinor());
            pending = Math.addExact(pending, sign * line.pendingDeltaMinor());
        }
        // Per-asset balance of multi-leg entries was checked by the validator; every account here matches
        // its line's asset, so one total per entry suffices for transfer-shaped entries.
        if (lines.stream().map(l -> state.accounts().get(l.accountId()).account().asset()).distinct().count() == 1
                && (posted != 0 || pending != 0)) {
            throw new IllegalStateException("entry does not balance: " + lines);
        }
    }

    private void putTransfer(TransferState transfer) {
        state.putTransfer(transfer);
        touch(touchedTransfers, transfer.transferId());
    }

    private void touchAccount(UUID accountId) {
        touch(touchedAccounts, accountId);
    }

    /** Adds to a set of this batch's output and, when new, forgets it again if the command is undone. */
    private void touch(Set<UUID> set, UUID id) {
        if (set.add(id)) {
            onRollback(() -> set.remove(id));
        }
    }

    // ---- checks ----

    AccountState requireAccount(UUID ledgerId, UUID accountId) {
        var account = state.account(ledgerId, accountId);
        if (account == null) {
            throw new Rejection(Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger");
        }
        return account;
    }

    static void requireOpen(AccountState account) {
        if (account.status() != AccountStatus.OPEN) {
            throw new Rejection(Reason.ACCOUNT_CLOSED, "account " + account.account().id() + " is closed");
        }
    }

    private static void requireAsset(AccountState account, String asset) {
        if (!account.account().asset().equals(asset)) {
            throw new Rejection(Reason.ASSET_MISMATCH, "account " + account.account().id() + " holds "
                    + account.account().asset() + ", not " + asset);
        }
    }

    // ---- savepoints over the state and this batch's output lists ----

    private int savepoint() {
        return state.savepoint();
    }

    private void rollbackTo(int savepoint) {
        state.rollbackTo(savepoint);
    }

    private void onRollback(Runnable undo) {
        state.onRollback(undo);
    }

    private static <T> void truncate(List<T> list, int size) {
        while (list.size() > size) {
            list.removeLast();
        }
    }
}
