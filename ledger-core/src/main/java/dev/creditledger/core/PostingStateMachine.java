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
 *
 * This class is the dispatcher and the shared core: submissions, idempotency, savepoints, the rows the
 * batch touched, opening and closing accounts, and writing an entry ({@link #writeEntry}, the one place
 * where balances change and their constraints are checked). The rules of each command live in their own
 * class: {@link AccountRules}, {@link TransferRules}, {@link HoldRules}, {@link GrantRules},
 * {@link LoyaltyEarningRules}, {@link EscrowRules} and {@link UsageRules}. A rule refuses a command by
 * throwing a {@link Rejection}; this class undoes what the command did so far and answers the reason.
 */
public final class PostingStateMachine {

    private final LedgerState state;
    private final Instant now;
    private final List<Account> createdAccounts = new ArrayList<>();
    private final List<AccountClosure> closedAccounts = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<IdempotencyRecord> newIdempotencyRecords = new ArrayList<>();
    private final Set<UUID> touchedAccounts = new LinkedHashSet<>();
    private final Set<UUID> touchedTransfers = new LinkedHashSet<>();
    private final Set<UUID> touchedGrants = new LinkedHashSet<>();
    private final Map<UUID, EscrowState> touchedEscrows = new LinkedHashMap<>();
    private final Set<UUID> advancedLedgers = new LinkedHashSet<>();
    private final AccountRules accounts;
    private final GrantRules grants;
    private final TransferRules transfers;
    private final HoldRules holds;
    private final LoyaltyEarningRules loyalty;
    private final EscrowRules escrows;
    private final UsageRules usage;
    private final EntryReversals reversals;

    private PostingStateMachine(LedgerState state, Instant now) {
        this.state = state;
        this.now = now;
        this.grants = new GrantRules(this);
        this.accounts = new AccountRules(this, grants);
        this.transfers = new TransferRules(this, grants);
        this.holds = new HoldRules(this, grants);
        this.loyalty = new LoyaltyEarningRules(this, grants);
        this.escrows = new EscrowRules(this, grants);
        this.usage = new UsageRules(this, grants);
        this.reversals = new EntryReversals(this, grants, transfers);
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
        return new BatchOutcome(results, List.copyOf(createdAccounts), List.copyOf(closedAccounts), List.copyOf(entries),
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
        append(newIdempotencyRecords, record);
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
            case Command.CreateAccount c -> accounts.create(ledgerId, c);
            case Command.CloseAccount c -> accounts.close(ledgerId, c);
            case Command.PostTransfer t -> transfers.post(ledgerId, t);
            case Command.PostEntry e -> transfers.postEntry(ledgerId, e);
            case Command.ReverseTransfer r -> transfers.reverse(ledgerId, r);
            case Command.ReverseEntry r -> reversals.reverse(ledgerId, r);
            case Command.CaptureHold c -> holds.capture(ledgerId, c);
            case Command.VoidHold v -> holds.voidHold(ledgerId, v);
            case Command.ExpireHold x -> holds.expire(ledgerId, x);
            case Command.IssueGrant g -> grants.issue(ledgerId, g);
            case Command.ExpireGrant x -> grants.expire(ledgerId, x);
            case Command.EarnPoints e -> loyalty.earn(ledgerId, e);
            case Command.FundEscrow f -> escrows.fund(ledgerId, f);
            case Command.ReleaseEscrow r -> escrows.release(ledgerId, r);
            case Command.RefundEscrow r -> escrows.refund(ledgerId, r);
            case Command.RecordUsage u -> usage.record(ledgerId, u);
        };
    }

    // ---- opening and closing accounts ----

    /** Opens an account: a new sequence number, a zero balance, and a row for the batch to insert. */
    Account openAccount(UUID ledgerId, UUID accountId, String code, String asset, Side normalSide, Long overdraftLimitMinor,
                        Map<String, String> metadata, List<Long> alertThresholds) {
        long seq = state.nextSeq(ledgerId);
        touch(advancedLedgers, ledgerId);
        var account = new Account(accountId, ledgerId, code, asset, normalSide, overdraftLimitMinor, metadata, now, seq);
        state.putAccount(AccountState.opened(account, alertThresholds));
        touchAccount(account.id());
        append(createdAccounts, account);
        return account;
    }

    /**
     * A system account ({@link SystemAccounts}): credit-normal, unconstrained, with its code unless a
     * client's account holds it, opened by the command that first needs it.
     */
    UUID openSystemAccountIfMissing(UUID ledgerId, UUID id, String code, String asset, String purpose) {
        if (state.account(ledgerId, id) == null) {
            openAccount(ledgerId, id, state.accountIdByCode(ledgerId, code) == null ? code : null, asset, Side.CREDIT, null,
                    Map.of("purpose", purpose), List.of());
        }
        return id;
    }

    /** Closes an account (whose rules allowed it): a new sequence number, and the closure for the batch to write. */
    AccountClosure closeAccount(AccountState account) {
        var ledgerId = account.account().ledgerId();
        long seq = state.nextSeq(ledgerId);
        touch(advancedLedgers, ledgerId);
        state.putAccount(account.closed());
        touchAccount(account.account().id());
        var closure = new AccountClosure(ledgerId, account.account().id(), seq, now);
        append(closedAccounts, closure);
        return closure;
    }

    // ---- journal writing ----

    /**
     * Applies the draft's lines to the accounts, checks every balance constraint that the entry tightens
     * (unless the draft says it is never refused), and records the entry with the balances after each posting.
     */
    Entry writeEntry(EntryDraft draft) {
        var ledgerId = draft.ledgerId();
        var lines = draft.lines();
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
        if (draft.constraintChecked()) {
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
        var entry = new Entry(draft.entryId(), ledgerId, seq, draft.kind(), draft.fromAccountId(), draft.toAccountId(),
                draft.amountMinor(), draft.asset(), draft.referenceId(), draft.expiresAt(), draft.metadata(), now, postings,
                draft.grantChanges(), alerts);
        append(entries, entry);
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
    static BigInteger available(AccountState account) {
        var b = account.balance();
        var side = account.account().normalSide();
        long outflow = side == Side.CREDIT ? b.debitsPending() : b.creditsPending();
        return BigInteger.valueOf(b.posted(side)).subtract(BigInteger.valueOf(outflow));
    }

    /** The check on the way out: whatever the command, what it writes balances per asset. */
    private void requireBalanced(List<EntryDraft.Line> lines) {
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

    // ---- the rows this batch touched ----

    void putTransfer(TransferState transfer) {
        state.putTransfer(transfer);
        touch(touchedTransfers, transfer.transferId());
    }

    void putGrant(GrantState grant) {
        state.putGrant(grant);
        touch(touchedGrants, grant.grantId());
    }

    void putEscrow(EscrowState escrow) {
        state.putEscrow(escrow);
        var key = escrow.escrowId();
        if (!touchedEscrows.containsKey(key)) {
            touchedEscrows.put(key, escrow);
            onRollback(() -> touchedEscrows.remove(key));
        }
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

    /** Adds to a list of this batch's output, and takes it off again if the command is undone. */
    private <T> void append(List<T> list, T item) {
        int mark = list.size();
        list.add(item);
        onRollback(() -> truncate(list, mark));
    }

    // ---- what the rules share ----

    LedgerState state() {
        return state;
    }

    /** The time of the batch: every command of it happens at this instant. */
    Instant now() {
        return now;
    }

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

    static void requireAsset(AccountState account, String asset) {
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
