package dev.creditledger.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Low-balance alerts: the crossing rule of {@link AlertThresholds} at its edges, and the alerts
 * {@link PostingStateMachine} writes into entries (one per crossing, none for changes that stay below).
 *
 * The world: an issuer (credit-normal, unconstrained) funds a wallet (credit-normal, no overdraft) with
 * thresholds 100 and 20; the wallet spends to a merchant.
 */
class BalanceAlertTest {

    static final UUID L = new UUID(0xa1, 1);
    static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");

    LedgerState state;
    long next;
    UUID issuer;
    UUID wallet;
    UUID merchant;

    @BeforeEach
    void world() {
        state = new LedgerState();
        state.loadLedger(L, 0);
        state.loadAsset(L, new Asset("CREDITS", 0));
        next = 1;
        issuer = accepted(new Command.CreateAccount(id(), null, "CREDITS", Side.CREDIT, null, Map.of()));
        wallet = accepted(new Command.CreateAccount(id(), null, "CREDITS", Side.CREDIT, 0L, Map.of(), List.of(20L, 100L)));
        merchant = accepted(new Command.CreateAccount(id(), null, "CREDITS", Side.CREDIT, 0L, Map.of()));
    }

    // ---- the rule ----

    @Test
    void reachingTheThresholdExactlyIsNotBelowIt() {
        var a = new UUID(1, 1);
        assertThat(AlertThresholds.crossings(a, List.of(100L), big(100), big(99)))
                .containsExactly(new BalanceAlert(a, 100, AlertDirection.DOWN, big(100), big(99)));
        assertThat(AlertThresholds.crossings(a, List.of(100L), big(101), big(100))).as("100 is not below 100").isEmpty();
        assertThat(AlertThresholds.crossings(a, List.of(100L), big(99), big(100)))
                .containsExactly(new BalanceAlert(a, 100, AlertDirection.UP, big(99), big(100)));
        assertThat(AlertThresholds.crossings(a, List.of(100L), big(50), big(10))).as("staying below").isEmpty();
        assertThat(AlertThresholds.crossings(a, List.of(100L), big(500), big(100))).as("staying at or above").isEmpty();
    }

    @Test
    void oneChangeAcrossSeveralThresholdsAlertsEachInTheOrderTheBalancePassedThem() {
        var a = new UUID(1, 1);
        var thresholds = AlertThresholds.normalize(List.of(0L, 100L, 50L));
        assertThat(thresholds).containsExactly(100L, 50L, 0L);
        assertThat(AlertThresholds.crossings(a, thresholds, big(120), big(-5))).extracting(BalanceAlert::thresholdMinor)
                .containsExactly(100L, 50L, 0L);
        assertThat(AlertThresholds.crossings(a, thresholds, big(-5), big(60))).extracting(BalanceAlert::thresholdMinor)
                .containsExactly(0L, 50L);
    }

    @Test
    void thresholdsAreValidatedAtTheirLimits() {
        var most = LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX).boxed().toList();
        assertThat(AlertThresholds.check(most)).isNull();
        var tooMany = LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX + 1).boxed().toList();
        assertThat(AlertThresholds.check(tooMany).reason()).isEqualTo(Reason.ALERT_THRESHOLDS_INVALID);
        assertThat(AlertThresholds.check(List.of(Limits.AMOUNT_MINOR_MAX, -Limits.AMOUNT_MINOR_MAX))).isNull();
        assertThat(AlertThresholds.check(List.of(Limits.AMOUNT_MINOR_MAX + 1)).reason()).isEqualTo(Reason.ALERT_THRESHOLDS_INVALID);
        assertThat(AlertThresholds.check(List.of(-Limits.AMOUNT_MINOR_MAX - 1)).reason()).isEqualTo(Reason.ALERT_THRESHOLDS_INVALID);
        assertThat(AlertThresholds.check(List.of(7L, 7L)).detail()).contains("twice");
        var withNull = new ArrayList<Long>();
        withNull.add(null);
        assertThat(AlertThresholds.check(withNull).reason()).isEqualTo(Reason.ALERT_THRESHOLDS_INVALID);
        assertThat(AlertThresholds.check(List.of())).isNull();
        assertThat(AlertThresholds.check(null)).isNull();
    }

    // ---- in the state machine ----

    @Test
    void aFallingBalanceAlertsOncePerThresholdAndAgainOnlyAfterComingBackUp() {
        assertThat(alertsOf(transfer(issuer, wallet, 150))).as("0 -> 150 crosses both upwards")
                .extracting(BalanceAlert::thresholdMinor, BalanceAlert::direction)
                .containsExactly(tuple(20L, AlertDirection.UP), tuple(100L, AlertDirection.UP));
        assertThat(alertsOf(transfer(wallet, merchant, 50))).as("150 -> 100: at the threshold, not below").isEmpty();
        assertThat(alertsOf(transfer(wallet, merchant, 1))).as("100 -> 99")
                .containsExactly(new BalanceAlert(wallet, 100, AlertDirection.DOWN, big(100), big(99)));
        assertThat(alertsOf(transfer(wallet, merchant, 9))).as("99 -> 90: still below, nothing").isEmpty();
        assertThat(alertsOf(transfer(issuer, wallet, 10))).as("90 -> 100: back at the threshold")
                .containsExactly(new BalanceAlert(wallet, 100, AlertDirection.UP, big(90), big(100)));
        assertThat(alertsOf(transfer(wallet, merchant, 100))).as("100 -> 0 crosses both downwards, highest first")
                .extracting(BalanceAlert::thresholdMinor).containsExactly(100L, 20L);
    }

    @Test
    void aHoldLowersTheAvailableBalanceAndItsVoidRaisesItBack() {
        accepted(transfer(issuer, wallet, 100));
        var hold = new Command.PostTransfer(id(), wallet, merchant, 90, "CREDITS", true, null, Map.of());
        assertThat(alertsOf(hold)).as("available 100 -> 10").extracting(BalanceAlert::thresholdMinor, BalanceAlert::direction)
                .containsExactly(tuple(100L, AlertDirection.DOWN), tuple(20L, AlertDirection.DOWN));
        assertThat(alertsOf(new Command.VoidHold(id(), hold.transferId(), Map.of()))).as("available 10 -> 100")
                .extracting(BalanceAlert::thresholdMinor, BalanceAlert::direction)
                .containsExactly(tuple(20L, AlertDirection.UP), tuple(100L, AlertDirection.UP));
    }

    @Test
    void anEntryThatPostsToTheAccountTwiceIsOneChange() {
        accepted(transfer(issuer, wallet, 100));
        var entry = new Command.PostEntry(id(), List.of(
                new Command.PostingLine(wallet, Side.DEBIT, 50, "CREDITS"),
                new Command.PostingLine(merchant, Side.CREDIT, 50, "CREDITS"),
                new Command.PostingLine(merchant, Side.DEBIT, 45, "CREDITS"),
                new Command.PostingLine(wallet, Side.CREDIT, 45, "CREDITS")), Map.of());
        assertThat(alertsOf(entry)).as("100 -> 95 overall (it passed 50 in between)")
                .containsExactly(new BalanceAlert(wallet, 100, AlertDirection.DOWN, big(100), big(95)));
    }

    @Test
    void aRefusedCommandAlertsNothing() {
        accepted(transfer(issuer, wallet, 100));
        var refused = run(transfer(wallet, merchant, 101));
        assertThat(((CommandResult.Rejected) refused).reason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
        assertThat(lastBatch.entries()).isEmpty();
    }

    @Test
    void anAccountOpenedWithInvalidThresholdsIsRefused() {
        var tooMany = LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX + 1).boxed().toList();
        var result = run(new Command.CreateAccount(id(), null, "CREDITS", Side.CREDIT, 0L, Map.of(), tooMany));
        assertThat(((CommandResult.Rejected) result).reason()).isEqualTo(Reason.ALERT_THRESHOLDS_INVALID);
    }

    // ---- harness ----

    BatchOutcome lastBatch;

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }

    UUID id() {
        return new UUID(0xa1, next++);
    }

    Command.PostTransfer transfer(UUID from, UUID to, long amount) {
        return new Command.PostTransfer(id(), from, to, amount, "CREDITS", false, null, Map.of());
    }

    CommandResult run(Command command) {
        lastBatch = PostingStateMachine.apply(List.of(Submission.single(new Request(L, null, command))), state, NOW);
        return lastBatch.results().getFirst().getFirst();
    }

    UUID accepted(Command command) {
        var result = run(command);
        assertThat(result).as("%s", command).isInstanceOf(CommandResult.Accepted.class);
        return ((CommandResult.Accepted) result).subjectId();
    }

    List<BalanceAlert> alertsOf(Command command) {
        accepted(command);
        assertThat(lastBatch.entries()).hasSize(1);
        return lastBatch.entries().getFirst().balanceAlerts();
    }
}
