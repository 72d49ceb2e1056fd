package dev.creditledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scenarios of {@link Command.ReverseEntry} (ADR 0018), one per kind of entry: what each reversal posts, what
 * it does to grants, escrows and transfer states, what is left to reverse afterwards, and every refusal.
 *
 * The world: ledger L with asset USD; an issuer (credit-normal, unconstrained), a wallet and a merchant and a
 * fee account (credit-normal, no overdraft), a revenue and an overage account (unconstrained).
 */
class EntryReversalScenarioTest {

    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final UUID L = new UUID(0x18, 1);

    LedgerState state;
    Instant now;
    long next;
    UUID issuer;
    UUID wallet;
    UUID merchant;
    UUID fees;

    @BeforeEach
    void world() {
        state = new LedgerState();
        state.loadLedger(L, 0);
        state.loadAsset(L, new Asset("USD", 2));
        now = T0;
        next = 1;
        issuer = open(null);
        wallet = open(0L);
        merchant = open(0L);
        fees = open(0L);
        accepted(transfer(issuer, wallet, 1_000));
    }

    // ---- transfer-shaped entries: the transfer's own reversal ----

    @Test
    void aTransferReversedThroughItsEntryIsTheTransferReversalAndBothCountTowardsItsAmount() {
        var t = accepted(transfer(wallet, merchant, 300));

        var first = accepted(reverse(t, 100L, null));
        var second = accepted(new Command.ReverseTransfer(id(), t, 150L, Map.of()));

        assertThat(entryOf(first).kind()).isEqualTo(EntryKind.REVERSAL);
        assertThat(entryOf(first).referenceId()).isEqualTo(t);
        assertThat(entryOf(first).fromAccountId()).isEqualTo(merchant);
        assertThat(entryOf(first).toAccountId()).isEqualTo(wallet);
        assertThat(entryOf(second).referenceId()).isEqualTo(t);
        assertThat(state.transfer(L, t).reversedMinor()).isEqualTo(250);
        assertThat(rejection(reverse(t, 51L, null))).isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);
        assertThat(rejection(reverse(t, null, List.of(line(wallet, Side.DEBIT, 10), line(merchant, Side.CREDIT, 11)))))
                .isEqualTo(Reason.REVERSAL_NOT_BALANCED);
        assertThat(rejection(reverse(t, null, List.of(line(issuer, Side.DEBIT, 10), line(merchant, Side.CREDIT, 10)))))
                .isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);
        accepted(reverse(t, null, List.of(line(wallet, Side.DEBIT, 50), line(merchant, Side.CREDIT, 50))));
        assertThat(state.transfer(L, t).reversedMinor()).isEqualTo(300);
        assertThat(rejection(reverse(t, null, null))).isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);
        assertThat(posted(wallet)).isEqualTo(1_000);
    }

    @Test
    void aCaptureIsReversedAsItsHoldsTransferAndHoldsThatPostedNothingAreRefusedWithWhatToDoInstead() {
        var hold = accepted(pending(wallet, merchant, 400));
        assertThat(rejection(reverse(hold, null, null))).isEqualTo(Reason.TRANSFER_NOT_POSTED);
        var capture = accepted(new Command.CaptureHold(id(), hold, 250L, Map.of()));

        var reversal = accepted(reverse(capture, null, null));

        assertThat(entryOf(reversal).referenceId()).as("the transfer, as /v1/transfers/{id}/reverse writes it").isEqualTo(hold);
        assertThat(entryOf(reversal).amountMinor()).isEqualTo(250);
        assertThat(state.transfer(L, hold).reversedMinor()).isEqualTo(250);
        assertThat(rejection(reverse(hold, null, null))).as("the hold's id names the same transfer").isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);

        var voided = accepted(pending(wallet, merchant, 10));
        var voidEntry = accepted(new Command.VoidHold(id(), voided, Map.of()));
        assertThat(rejection(reverse(voided, null, null))).isEqualTo(Reason.TRANSFER_NOT_POSTED);
        assertThat(rejectionDetail(reverse(voidEntry, null, null))).startsWith("ENTRY_NOT_REVERSIBLE").contains("posted nothing");
        assertThat(rejectionDetail(reverse(reversal, null, null))).startsWith("ENTRY_NOT_REVERSIBLE").contains("itself a reversal");
        assertThat(rejection(reverse(id(), null, null))).isEqualTo(Reason.ENTRY_NOT_FOUND);
    }

    // ---- multi-leg entries: per posting ----

    @Test
    void aMultiLegEntryIsReversedWholeOrPerPostingWhereThatBalancesAndNeverBeyondAPosting() {
        var split = accepted(new Command.PostEntry(id(), List.of(
                new Command.PostingLine(wallet, Side.DEBIT, 500, "USD"),
                new Command.PostingLine(merchant, Side.CREDIT, 450, "USD"),
                new Command.PostingLine(fees, Side.CREDIT, 50, "USD")), Map.of()));

        assertThat(rejection(reverse(split, 10L, null))).as("10 of each posting: 10 debited back, 20 credited")
                .isEqualTo(Reason.REVERSAL_NOT_BALANCED);
        assertThat(rejection(reverse(split, null, List.of(line(fees, Side.CREDIT, 50)))))
                .isEqualTo(Reason.REVERSAL_NOT_BALANCED);
        // The fee alone: taken back from the fee account, given back to the wallet.
        var feeBack = accepted(reverse(split, null, List.of(line(wallet, Side.DEBIT, 50), line(fees, Side.CREDIT, 50))));
        assertThat(entryOf(feeBack).postings()).extracting(Posting::accountId, Posting::side, Posting::postedMinor).containsExactly(
                org.assertj.core.groups.Tuple.tuple(fees, Side.DEBIT, 50L), org.assertj.core.groups.Tuple.tuple(wallet, Side.CREDIT, 50L));
        assertThat(entryOf(feeBack).referenceId()).isEqualTo(split);
        assertThat(rejection(reverse(split, null, List.of(line(wallet, Side.DEBIT, 1), line(fees, Side.CREDIT, 1)))))
                .as("the fee posting is reversed in full").isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);

        // The rest, whole: what is left of each posting.
        var rest = accepted(reverse(split, null, null));
        assertThat(entryOf(rest).postings()).extracting(Posting::accountId, Posting::side, Posting::postedMinor).containsExactly(
                org.assertj.core.groups.Tuple.tuple(merchant, Side.DEBIT, 450L), org.assertj.core.groups.Tuple.tuple(wallet, Side.CREDIT, 450L));
        assertThat(entryOf(rest).amountMinor()).isEqualTo(450);
        assertThat(List.of(posted(wallet), posted(merchant), posted(fees))).containsExactly(1_000L, 0L, 0L);
        assertThat(rejection(reverse(split, null, null))).isEqualTo(Reason.REVERSAL_EXCEEDS_ORIGINAL);
        assertThat(state.reversalsOf(L, split)).extracting(Entry::id).containsExactly(feeBack, rest);
    }

    @Test
    void aReversalWaitsForTheMoneyItTakesBackAndReversesAnEntryOfItsOwnBatch() {
        var entryId = id();
        var post = new Command.PostEntry(entryId, List.of(
                new Command.PostingLine(wallet, Side.DEBIT, 200, "USD"),
                new Command.PostingLine(merchant, Side.CREDIT, 200, "USD")), Map.of());
        var spend = transfer(merchant, issuer, 150);
        var reversal = reverse(entryId, null, null);
        var partial = reverse(entryId, 50L, null);

        var out = PostingStateMachine.apply(List.of(single(post), single(spend), single(reversal), single(partial)), state, now);

        assertThat(out.results()).extracting(r -> r.getFirst().getClass().getSimpleName())
                .containsExactly("Accepted", "Accepted", "Rejected", "Accepted");
        assertThat(((CommandResult.Rejected) out.results().get(2).getFirst()).reason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
        assertThat(state.reversalsOf(L, entryId)).hasSize(1);
    }

    // ---- usage, grants ----

    @Test
    void aUsageReversalGivesTheConsumedCreditBackToItsGrantsAndTheOveragePartAloneCanBeReversed() {
        var revenue = open(null);
        var overage = open(null);
        accepted(transfer(wallet, merchant, 1_000)); // the plain balance goes: only the grant will be left
        var g = accepted(new Command.IssueGrant(id(), wallet, issuer, 100, "USD", T0.plus(Duration.ofDays(30)), "plan", Map.of()));
        var usage = accepted(new Command.RecordUsage(id(), wallet, overage, revenue, 130, "USD", Map.of()));
        assertThat(state.grant(L, g).consumedMinor()).isEqualTo(100);

        var overageBack = accepted(reverse(usage, null, List.of(line(overage, Side.DEBIT, 30), line(revenue, Side.CREDIT, 30))));
        assertThat(entryOf(overageBack).grantChanges()).isEmpty();
        var rest = accepted(reverse(usage, null, null));

        assertThat(entryOf(rest).grantChanges()).containsExactly(new GrantChange(g, wallet, GrantChangeKind.RESTORED, 100));
        assertThat(state.grant(L, g).remainingMinor()).isEqualTo(100);
        assertThat(posted(wallet)).isEqualTo(100);
    }

    @Test
    void aGrantIsReversedWhileItsCreditRemainsAndRefusedForWhatWasSpentReservedOrExpired() {
        var g = accepted(new Command.IssueGrant(id(), wallet, issuer, 300, "USD", T0.plus(Duration.ofHours(1)), "promo", Map.of()));
        accepted(transfer(wallet, merchant, 1_000));   // grants are spent first: all of it
        assertThat(state.grant(L, g).remainingMinor()).isZero();
        assertThat(rejection(reverse(g, null, null))).isEqualTo(Reason.GRANT_ALREADY_USED);

        var second = accepted(new Command.IssueGrant(id(), wallet, issuer, 300, "USD", T0.plus(Duration.ofHours(1)), "promo", Map.of()));
        accepted(transfer(wallet, merchant, 100));
        assertThat(rejection(reverse(second, null, null))).as("100 of it was spent").isEqualTo(Reason.GRANT_ALREADY_USED);
        var partly = accepted(reverse(second, 150L, null));
        assertThat(entryOf(partly).grantChanges()).containsExactly(new GrantChange(second, wallet, GrantChangeKind.CONSUMED, 150));
        assertThat(state.grant(L, second).remainingMinor()).isEqualTo(50);

        now = T0.plus(Duration.ofHours(1));
        assertThat(rejection(reverse(second, 10L, null))).as("expired at this instant").isEqualTo(Reason.GRANT_ALREADY_USED);
        var expiry = accepted(new Command.ExpireGrant(second));
        assertThat(rejectionDetail(reverse(expiry, null, null))).startsWith("ENTRY_NOT_REVERSIBLE").contains("not revived");
    }

    // ---- escrow ----

    @Test
    void escrowEntriesAreReversedAsTheEscrowsStateAllows() {
        var fund = accepted(new Command.FundEscrow(id(), "ord-1", wallet, merchant, 400, "USD", Map.of()));
        accepted(new Command.RefundEscrow(id(), "ord-1", 100L, Map.of()));
        assertThat(rejection(reverse(fund, null, null))).as("400 back, 300 held").isEqualTo(Reason.REFUND_EXCEEDS_ESCROW);
        accepted(reverse(fund, 50L, null));
        assertThat(escrow("ord-1").refundedMinor()).isEqualTo(150);

        var release = accepted(new Command.ReleaseEscrow(id(), "ord-1", 20, fees, Map.of()));
        assertThat(rejection(reverse(fund, 10L, null))).isEqualTo(Reason.ESCROW_ALREADY_RELEASED);
        assertThat(rejection(reverse(release, 10L, null))).as("10 of each of three postings").isEqualTo(Reason.REVERSAL_NOT_BALANCED);
        assertThat(rejection(reverse(release, null, List.of(line(merchant, Side.CREDIT, 10), line(escrowAccount(), Side.DEBIT, 10)))))
                .isEqualTo(Reason.REVERSAL_MUST_BE_WHOLE);
        var undone = accepted(reverse(release, null, null));
        assertThat(entryOf(undone).postings()).hasSize(3);
        assertThat(escrow("ord-1").status()).isEqualTo(EscrowStatus.HELD);
        assertThat(escrow("ord-1").heldMinor()).isEqualTo(250);
        assertThat(List.of(posted(merchant), posted(fees))).containsExactly(0L, 0L);

        var refund = accepted(new Command.RefundEscrow(id(), "ord-1", null, Map.of()));
        assertThat(escrow("ord-1").status()).isEqualTo(EscrowStatus.REFUNDED);
        accepted(reverse(refund, 200L, null));
        assertThat(escrow("ord-1").status()).isEqualTo(EscrowStatus.HELD);
        assertThat(escrow("ord-1").heldMinor()).isEqualTo(200);
        accepted(new Command.ReleaseEscrow(id(), "ord-1", 0, null, Map.of()));
        assertThat(rejection(reverse(refund, 10L, null))).isEqualTo(Reason.ESCROW_ALREADY_RELEASED);
    }

    @Test
    void aRefusedReversalLeavesNoTrace() {
        var split = accepted(new Command.PostEntry(id(), List.of(
                new Command.PostingLine(wallet, Side.DEBIT, 500, "USD"),
                new Command.PostingLine(merchant, Side.CREDIT, 500, "USD")), Map.of()));
        accepted(transfer(merchant, issuer, 400));
        long seq = state.lastSeq(L);
        var accounts = Map.copyOf(state.accounts());

        assertThat(rejection(reverse(split, null, null))).isEqualTo(Reason.INSUFFICIENT_FUNDS);

        assertThat(state.lastSeq(L)).isEqualTo(seq);
        assertThat(state.accounts()).isEqualTo(accounts);
        assertThat(state.reversalsOf(L, split)).isEmpty();
    }

    // ---- helpers ----

    UUID id() {
        return new UUID(0x18, 1_000 + next++);
    }

    UUID open(Long limit) {
        return accepted(new Command.CreateAccount(id(), null, "USD", Side.CREDIT, limit, Map.of()));
    }

    UUID escrowAccount() {
        return SystemAccounts.escrowAccountId(L, "USD");
    }

    EscrowState escrow(String orderId) {
        return state.escrow(L, orderId);
    }

    static Command.ReversalLine line(UUID account, Side side, long amount) {
        return new Command.ReversalLine(account, side, amount);
    }

    Command.ReverseEntry reverse(UUID original, Long amount, List<Command.ReversalLine> postings) {
        return new Command.ReverseEntry(id(), original, amount, postings, Map.of());
    }

    Command.PostTransfer transfer(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(id(), from, to, amount, "USD", false, null, Map.of());
    }

    Command.PostTransfer pending(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(id(), from, to, amount, "USD", true, null, Map.of());
    }

    static Submission single(Command command) {
        return Submission.single(new Request(L, null, command));
    }

    final Map<UUID, Entry> written = new HashMap<>();

    CommandResult run(Command command) {
        var out = PostingStateMachine.apply(List.of(single(command)), state, now);
        out.entries().forEach(e -> written.put(e.id(), e));
        return out.results().getFirst().getFirst();
    }

    UUID accepted(Command command) {
        var result = run(command);
        assertThat(result).as("%s", command).isInstanceOf(CommandResult.Accepted.class);
        return ((CommandResult.Accepted) result).subjectId();
    }

    Reason rejection(Command command) {
        var result = run(command);
        assertThat(result).as("%s", command).isInstanceOf(CommandResult.Rejected.class);
        return ((CommandResult.Rejected) result).reason();
    }

    String rejectionDetail(Command command) {
        var result = run(command);
        assertThat(result).as("%s", command).isInstanceOf(CommandResult.Rejected.class);
        var rejected = (CommandResult.Rejected) result;
        return rejected.reason() + ": " + rejected.detail();
    }

    Entry entryOf(UUID id) {
        return written.get(id);
    }

    long posted(UUID account) {
        var a = state.accounts().get(account);
        return a.balance().posted(a.account().normalSide());
    }
}
