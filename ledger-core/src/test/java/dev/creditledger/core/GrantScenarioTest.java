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
 * Scenarios of grants in {@link PostingStateMachine}: the order in which debits spend them, expiry at the
 * exact instant (by the worker's command and inside any debit), holds that reserve grants, refunds that
 * restore them, the breakage account, and every grant rejection leaving no trace.
 *
 * The world: at T0 the issuer (credit-normal, unconstrained) and the wallet (credit-normal, no overdraft)
 * in ledger L with asset CREDITS; the merchant receives what the wallet spends.
 */
class GrantScenarioTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final UUID L = new UUID(0x61, 1);

    LedgerState state;
    Instant now;
    long next;
    UUID issuer;
    UUID wallet;
    UUID merchant;

    @BeforeEach
    void world() {
        state = new LedgerState();
        state.loadLedger(L, 0);
        state.loadAsset(L, new Asset("CREDITS", 0));
        now = T0;
        next = 1;
        issuer = open("issuer", Side.CREDIT, null);
        wallet = open("wallet", Side.CREDIT, 0L);
        merchant = open("merchant", Side.CREDIT, 0L);
    }

    @Test
    void debitsSpendTheSoonestExpiryFirstThenGrantsWithoutExpiryThenTheRestOfTheBalance() {
        var laterExpiry = grant(100, T0.plus(Duration.ofHours(2)));
        var noExpiry = grant(100, null);
        var soonFirst = grant(100, T0.plus(Duration.ofHours(1)));
        var soonSecond = grant(100, T0.plus(Duration.ofHours(1))); // equal expiry: made later, spent later
        accepted(transfer(issuer, wallet, 30));                  // plain credit, covered by no grant

        var spend = entryOf(accepted(transfer(wallet, merchant, 390)));

        assertThat(spend.grantChanges()).containsExactly(
                new GrantChange(soonFirst, wallet, GrantChangeKind.CONSUMED, 100),
                new GrantChange(soonSecond, wallet, GrantChangeKind.CONSUMED, 100),
                new GrantChange(laterExpiry, wallet, GrantChangeKind.CONSUMED, 100),
                new GrantChange(noExpiry, wallet, GrantChangeKind.CONSUMED, 90));
        assertThat(grant(noExpiry).remainingMinor()).isEqualTo(10);
        assertThat(posted(wallet)).as("430 granted and credited - 390 spent").isEqualTo(40);
        assertThat(grant(soonFirst).status()).isEqualTo(GrantStatus.CONSUMED);
        assertThat(state.transfers().get(spend.id()).draws()).containsExactly(
                new GrantDraw(soonFirst, 100), new GrantDraw(soonSecond, 100), new GrantDraw(laterExpiry, 100),
                new GrantDraw(noExpiry, 90));
    }

    @Test
    void aGrantIsSpendableUntilJustBeforeItsExpiryAndNotAtTheExactInstant() {
        var expiresAt = T0.plus(Duration.ofHours(1));
        var g = grant(100, expiresAt);

        now = expiresAt.minusNanos(1_000);
        accepted(transfer(wallet, merchant, 10));
        assertThat(grant(g).remainingMinor()).isEqualTo(90);

        now = expiresAt;
        var before = snapshot();
        var refused = run(transfer(wallet, merchant, 10));
        assertThat(refused).isInstanceOf(CommandResult.Rejected.class);
        assertThat(((CommandResult.Rejected) refused).reason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
        assertThat(snapshot()).as("the expiry written inside the refused spend is undone with it").isEqualTo(before);
    }

    @Test
    void anyDebitFirstExpiresTheAccountsDueGrantsAsTheirOwnEntries() {
        var g = grant(100, T0.plus(Duration.ofHours(1)));
        accepted(transfer(issuer, wallet, 50)); // plain credit
        now = T0.plus(Duration.ofHours(1));

        var out = batch(transfer(wallet, merchant, 20));

        assertThat(out.entries()).extracting(Entry::kind).containsExactly(EntryKind.GRANT_EXPIRY, EntryKind.TRANSFER);
        var expiry = out.entries().getFirst();
        assertThat(expiry.id()).isEqualTo(SystemAccounts.grantExpiryEntryId(g, expiry.seq()));
        assertThat(expiry.referenceId()).isEqualTo(g);
        assertThat(expiry.toAccountId()).isEqualTo(SystemAccounts.breakageAccountId(L, "CREDITS"));
        assertThat(expiry.grantChanges()).containsExactly(new GrantChange(g, wallet, GrantChangeKind.EXPIRED, 100));
        assertThat(grant(g).status()).isEqualTo(GrantStatus.EXPIRED);
        assertThat(posted(wallet)).as("100 + 50 - 100 expired - 20 spent").isEqualTo(30);
        assertThat(posted(SystemAccounts.breakageAccountId(L, "CREDITS"))).isEqualTo(100);
    }

    @Test
    void theWorkersExpiryIsAcceptedOnceAtTheExactInstantAndRefusedBeforeAndAfter() {
        var g = grant(100, T0.plus(Duration.ofHours(1)));
        accepted(transfer(wallet, merchant, 40));

        now = T0.plus(Duration.ofHours(1)).minusNanos(1_000);
        assertThat(rejection(new Command.ExpireGrant(g))).isEqualTo(Reason.GRANT_NOT_EXPIRED);
        now = T0.plus(Duration.ofHours(1));
        var expiry = entryOf(accepted(new Command.ExpireGrant(g)));
        assertThat(expiry.kind()).isEqualTo(EntryKind.GRANT_EXPIRY);
        assertThat(expiry.amountMinor()).isEqualTo(60);
        assertThat(rejection(new Command.ExpireGrant(g))).as("nothing left").isEqualTo(Reason.GRANT_NOT_EXPIRED);
        assertThat(rejection(new Command.ExpireGrant(new UUID(9, 9)))).isEqualTo(Reason.GRANT_NOT_FOUND);
        assertThat(rejection(new Command.ExpireGrant(grant(5, null)))).as("no expiry").isEqualTo(Reason.GRANT_NOT_EXPIRED);
    }

    @Test
    void aHoldReservesGrantsACaptureConsumesThemInOrderAndReleasesTheRest() {
        var soon = grant(50, T0.plus(Duration.ofHours(1)));
        var later = grant(50, T0.plus(Duration.ofHours(2)));
        var hold = accepted(pending(wallet, merchant, 80));
        assertThat(grant(soon).reservedMinor()).isEqualTo(50);
        assertThat(grant(later).reservedMinor()).isEqualTo(30);

        var capture = entryOf(accepted(new Command.CaptureHold(id(), hold, 60L, Map.of())));

        assertThat(capture.grantChanges()).containsExactly(
                new GrantChange(soon, wallet, GrantChangeKind.CAPTURED, 50),
                new GrantChange(later, wallet, GrantChangeKind.CAPTURED, 10),
                new GrantChange(later, wallet, GrantChangeKind.RELEASED, 20));
        assertThat(grant(later).remainingMinor()).isEqualTo(40);
        assertThat(grant(later).reservedMinor()).isZero();
        assertThat(state.transfers().get(hold).draws()).containsExactly(new GrantDraw(soon, 50), new GrantDraw(later, 10));
    }

    @Test
    void aVoidGivesReservedCreditBackAndWhatExpiredMeanwhileExpiresAtOnce() {
        var g = grant(100, T0.plus(Duration.ofHours(1)));
        var hold = accepted(pending(wallet, merchant, 70));
        now = T0.plus(Duration.ofHours(1));
        accepted(new Command.ExpireGrant(g)); // the unreserved 30 expires; the reserved 70 stays with the hold

        var out = batch(new Command.VoidHold(id(), hold, Map.of()));

        assertThat(out.entries()).extracting(Entry::kind).containsExactly(EntryKind.VOID, EntryKind.GRANT_EXPIRY);
        assertThat(out.entries().getLast().amountMinor()).isEqualTo(70);
        assertThat(grant(g).expiredMinor()).isEqualTo(100);
        assertThat(posted(wallet)).isZero();
    }

    @Test
    void aRefundRestoresTheLastDrawnGrantFirstAndWhatItRestoresToAnExpiredGrantExpiresAtOnce() {
        var soon = grant(50, T0.plus(Duration.ofHours(1)));
        var later = grant(50, T0.plus(Duration.ofHours(3)));
        var spend = accepted(transfer(wallet, merchant, 80));   // soon 50, later 30

        var partial = entryOf(accepted(new Command.ReverseTransfer(id(), spend, 20L, Map.of())));
        assertThat(partial.grantChanges()).containsExactly(new GrantChange(later, wallet, GrantChangeKind.RESTORED, 20));

        now = T0.plus(Duration.ofHours(2)); // soon has expired (nothing was left of it), later has not
        var out = batch(new Command.ReverseTransfer(id(), spend, null, Map.of()));
        assertThat(out.entries()).extracting(Entry::kind).containsExactly(EntryKind.REVERSAL, EntryKind.GRANT_EXPIRY);
        assertThat(out.entries().getFirst().grantChanges()).containsExactly(
                new GrantChange(later, wallet, GrantChangeKind.RESTORED, 10),
                new GrantChange(soon, wallet, GrantChangeKind.RESTORED, 50));
        assertThat(out.entries().getLast().grantChanges()).containsExactly(new GrantChange(soon, wallet, GrantChangeKind.EXPIRED, 50));
        assertThat(grant(later).remainingMinor()).isEqualTo(50);
        assertThat(posted(wallet)).as("100 granted, 80 spent, 80 refunded, 50 of it expired").isEqualTo(50);
    }

    @Test
    void theFirstGrantOpensTheBreakageAccountWithItsCodeOrWithoutWhenTheCodeIsTaken() {
        var first = batch(grantCommand(id(), 10, null));
        var breakage = SystemAccounts.breakageAccountId(L, "CREDITS");
        assertThat(first.createdAccounts()).extracting(Account::id).containsExactly(breakage);
        assertThat(first.createdAccounts().getFirst().code()).isEqualTo("breakage.CREDITS");
        assertThat(batch(grantCommand(id(), 10, null)).createdAccounts()).as("opened once").isEmpty();

        state.loadAsset(L, new Asset("GEMS", 0));
        open("breakage.GEMS", Side.CREDIT, null, "GEMS");
        var gemsIssuer = open("gems-issuer", Side.CREDIT, null, "GEMS");
        var gemsWallet = open("gems-wallet", Side.CREDIT, null, "GEMS");
        var gems = batch(new Command.IssueGrant(id(), gemsWallet, gemsIssuer, 5, "GEMS", null, null, Map.of()));
        assertThat(gems.createdAccounts().getFirst().code()).as("a client's account holds the code").isNull();
    }

    @Test
    void grantRejectionsLeaveNoTrace() {
        var cash = open("cash", Side.DEBIT, null);
        var before = snapshot();
        assertThat(rejection(new Command.IssueGrant(id(), cash, issuer, 5, "CREDITS", null, null, Map.of())))
                .isEqualTo(Reason.GRANT_ACCOUNT_NOT_CREDIT_NORMAL);
        assertThat(rejection(grantCommand(id(), 5, now))).isEqualTo(Reason.GRANT_EXPIRY_INVALID);
        assertThat(rejection(new Command.IssueGrant(id(), wallet, issuer, 5, "CREDITS", null, " ", Map.of())))
                .isEqualTo(Reason.GRANT_SOURCE_INVALID);
        assertThat(rejection(new Command.IssueGrant(id(), wallet, merchant, 5, "CREDITS", null, null, Map.of())))
                .as("the merchant has nothing to give").isEqualTo(Reason.INSUFFICIENT_FUNDS);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void anAccountHoldsAtMostGrantsActivePerAccountMaxActiveGrants() {
        for (int i = 0; i < Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX; i++) {
            grant(1, null);
        }
        assertThat(rejection(grantCommand(id(), 1, null))).isEqualTo(Reason.GRANT_LIMIT_REACHED);
        accepted(transfer(wallet, merchant, 1)); // consumes one grant: room for one more
        grant(1, null);
    }

    @Test
    void anAccountWithActiveGrantsCannotBeClosedEvenAtABalanceOfZero() {
        var overdrawn = open("overdrawn", Side.CREDIT, 100L);
        accepted(transfer(overdrawn, merchant, 10));                       // -10, covered by no grant
        accepted(new Command.IssueGrant(id(), overdrawn, issuer, 10, "CREDITS", null, null, Map.of())); // back to 0
        assertThat(posted(overdrawn)).isZero();
        assertThat(rejection(new Command.CloseAccount(overdrawn))).isEqualTo(Reason.ACCOUNT_BALANCE_NOT_ZERO);
    }

    // ---- helpers ----

    UUID id() {
        return new UUID(0x62, next++);
    }

    UUID open(String code, Side side, Long limit) {
        return open(code, side, limit, "CREDITS");
    }

    UUID open(String code, Side side, Long limit, String asset) {
        return accepted(new Command.CreateAccount(id(), code, asset, side, limit, Map.of()));
    }

    Command.IssueGrant grantCommand(UUID grantId, long amount, Instant expiresAt) {
        return new Command.IssueGrant(grantId, wallet, issuer, amount, "CREDITS", expiresAt, "plan", Map.of());
    }

    UUID grant(long amount, Instant expiresAt) {
        return accepted(grantCommand(id(), amount, expiresAt));
    }

    GrantState grant(UUID id) {
        return state.grant(L, id);
    }

    Command.PostTransfer transfer(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(id(), from, to, amount, "CREDITS", false, null, Map.of());
    }

    Command.PostTransfer pending(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(id(), from, to, amount, "CREDITS", true, null, Map.of());
    }

    /** Entries by id, as the batches wrote them. */
    final Map<UUID, Entry> written = new HashMap<>();

    BatchOutcome batch(Command command) {
        var out = PostingStateMachine.apply(List.of(Submission.single(new Request(L, null, command))), state, now);
        out.entries().forEach(e -> written.put(e.id(), e));
        return out;
    }

    CommandResult run(Command command) {
        return batch(command).results().getFirst().getFirst();
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

    Entry entryOf(UUID id) {
        return written.get(id);
    }

    long posted(UUID account) {
        var a = state.accounts().get(account);
        return a.balance().posted(a.account().normalSide());
    }

    record Snapshot(long seq, Map<UUID, AccountState> accounts, Map<UUID, TransferState> transfers, Map<UUID, GrantState> grants) {}

    Snapshot snapshot() {
        return new Snapshot(state.lastSeq(L), Map.copyOf(state.accounts()), Map.copyOf(state.transfers()), Map.copyOf(state.grants()));
    }
}
