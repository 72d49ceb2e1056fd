package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Command;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import dev.creditledger.devstack.Await;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module end to end: the posting engine writes a small but complete history (accounts, transfers,
 * a hold captured and one voided, two multi-leg entries, one touching an account twice, a partial
 * reversal and a closure), the test publisher sends the journal's events to Kafka, the projector applies it, and
 * every query answers the numbers worked out by hand below.
 *
 * <pre>
 *  seq  command                                   alice (debits/credits posted, pending)
 *   1-4 open issuer, alice, bob, carol (USD)
 *   5   issuer -> alice 10,000                    0 / 10,000
 *   6   alice  -> bob    2,500                    2,500 / 10,000
 *   7   hold alice -> bob 1,000                   debits pending 1,000
 *   8   capture 600 of it (releases 400)          3,100 / 10,000, pending 0
 *   9   hold alice -> carol 300                   debits pending 300
 *  10   void it                                   pending 0
 *  11   entry: issuer D700, alice C500, bob C200  3,100 / 10,500
 *  12   entry: alice D100, alice D50, carol C150  3,250 / 10,500 (two lines, versions 8 and 9)
 *  13   reverse 1,000 of seq 6 (bob -> alice)     3,250 / 11,500
 *  14   carol -> issuer 150                       (carol back to zero)
 *  15   close carol
 * </pre>
 */
class ProjectionEndToEndIT {

    static TestStack stack;
    static UUID ledger;
    static UUID issuer;
    static UUID alice;
    static UUID bob;
    static UUID carol;
    static long lastSeq;
    static LocalDate day;
    static Projector projector;
    static final AtomicInteger appliedEvents = new AtomicInteger();

    @BeforeAll
    static void projectAHistory() {
        stack = TestStack.create("e2e");
        ledger = stack.ledger("e2e");
        issuer = stack.account(ledger, "USD", null);
        alice = stack.account(ledger, "USD", 0L);
        bob = stack.account(ledger, "USD", 0L);
        carol = stack.account(ledger, "USD", 0L);
        stack.post(ledger, stack.transfer(issuer, alice, 10_000));
        var toBob = stack.post(ledger, stack.transfer(alice, bob, 2_500)).entry();
        var hold = stack.post(ledger, new Command.PostTransfer(stack.ids.next(), alice, bob, 1_000, "USD", true, null, Map.of())).entry();
        stack.post(ledger, new Command.CaptureHold(stack.ids.next(), hold.id(), 600L, Map.of()));
        var hold2 = stack.post(ledger, new Command.PostTransfer(stack.ids.next(), alice, carol, 300, "USD", true, null, Map.of())).entry();
        stack.post(ledger, new Command.VoidHold(stack.ids.next(), hold2.id(), Map.of()));
        stack.post(ledger, new Command.PostEntry(stack.ids.next(), List.of(
                new Command.PostingLine(issuer, Side.DEBIT, 700, "USD"),
                new Command.PostingLine(alice, Side.CREDIT, 500, "USD"),
                new Command.PostingLine(bob, Side.CREDIT, 200, "USD")), Map.of("purpose", "bonus")));
        stack.post(ledger, new Command.PostEntry(stack.ids.next(), List.of(
                new Command.PostingLine(alice, Side.DEBIT, 100, "USD"),
                new Command.PostingLine(alice, Side.DEBIT, 50, "USD"),
                new Command.PostingLine(carol, Side.CREDIT, 150, "USD")), Map.of("purpose", "split", "order", "17")));
        var reversal = stack.post(ledger, new Command.ReverseTransfer(stack.ids.next(), toBob.id(), 1_000L, Map.of())).entry();
        stack.post(ledger, stack.transfer(carol, issuer, 150));
        stack.post(ledger, new Command.CloseAccount(carol));
        lastSeq = stack.lastSeq(ledger);
        day = LocalDate.ofInstant(reversal.createdAt(), ZoneOffset.UTC);

        stack.publisher.publishAll();
        projector = stack.projector(stack.settings(), new ProjectorListener() {
            @Override
            public void applied(int events, long nanos) {
                appliedEvents.addAndGet(events);
            }

            @Override
            public void deadLettered(String reason) {
            }

            @Override
            public void failed(Exception cause) {
            }
        }, ProjectorHooks.NONE);
        stack.awaitProjected(ledger, lastSeq, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theHistoryHasTheExpectedShape() {
        assertThat(lastSeq).isEqualTo(15);
        // 4 account openings, 1 closure, 9 entries of 2 accounts and one (seq 11) of 3: 26 events in all.
        assertThat(stack.publisher.sent()).hasSize(26);
    }

    @Test
    void checkerFindsNoDifference() {
        var report = stack.check();
        assertThat(report.differences()).isEmpty();
        assertThat(report.clean()).isTrue();
        assertThat(report.accounts()).isEqualTo(4);
        assertThat(report.statementLines()).isEqualTo(22);
        assertThat(report.assetTotals()).isEqualTo(1);
    }

    @Test
    void balancesAreThoseWorkedOutByHand() {
        var a = stack.queries.balance(ledger, alice).orElseThrow();
        assertThat(a.status()).isEqualTo(AccountStatus.OPEN);
        assertThat(a.asset()).isEqualTo("USD");
        assertThat(a.normalSide()).isEqualTo(Side.CREDIT);
        assertThat(List.of(a.debitsPosted(), a.creditsPosted(), a.debitsPending(), a.creditsPending()))
                .containsExactly(3_250L, 11_500L, 0L, 0L);
        assertThat(a.balance().posted(Side.CREDIT)).isEqualTo(8_250);
        assertThat(a.version()).isEqualTo(10);
        assertThat(a.lastSeq()).isEqualTo(13);

        var b = stack.queries.balance(ledger, bob).orElseThrow();
        assertThat(List.of(b.debitsPosted(), b.creditsPosted(), b.version())).containsExactly(1_000L, 3_300L, 5L);

        var c = stack.queries.balance(ledger, carol).orElseThrow();
        assertThat(c.status()).isEqualTo(AccountStatus.CLOSED);
        assertThat(List.of(c.debitsPosted(), c.creditsPosted(), c.version(), c.lastSeq())).containsExactly(150L, 150L, 4L, 15L);

        var i = stack.queries.balance(ledger, issuer).orElseThrow();
        assertThat(List.of(i.debitsPosted(), i.creditsPosted(), i.version())).containsExactly(10_700L, 150L, 3L);
        assertThat(stack.queries.balance(ledger, UUID.randomUUID())).isEmpty();
    }

    @Test
    void statementHasEveryPostingOfTheAccountInVersionOrder() {
        var lines = stack.queries.statement(ledger, alice, 0, 100);
        assertThat(lines).extracting(StatementLineView::accountVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(lines).extracting(StatementLineView::kind).containsExactly(EntryKind.TRANSFER, EntryKind.TRANSFER,
                EntryKind.HOLD, EntryKind.CAPTURE, EntryKind.HOLD, EntryKind.VOID, EntryKind.ENTRY, EntryKind.ENTRY,
                EntryKind.ENTRY, EntryKind.REVERSAL);
        // The entry that touches alice twice gives two lines of one entry, one per posting.
        var split = lines.subList(7, 9);
        assertThat(split).extracting(StatementLineView::entryId).containsOnly(split.getFirst().entryId());
        assertThat(split).extracting(StatementLineView::lineNo).containsExactly(0, 1);
        assertThat(split).extracting(StatementLineView::postedMinor).containsExactly(100L, 50L);
        assertThat(split.get(0).balanceAfter().debitsPosted()).isEqualTo(3_200);
        assertThat(split.get(1).balanceAfter().debitsPosted()).isEqualTo(3_250);
        assertThat(split.getFirst().metadata()).isEqualTo(Map.of("purpose", "split", "order", "17"));
        var hold = lines.get(2);
        assertThat(List.of(hold.postedMinor(), hold.pendingDeltaMinor(), hold.debitsPendingAfter())).containsExactly(0L, 1_000L, 1_000L);
        var capture = lines.get(3);
        assertThat(List.of(capture.postedMinor(), capture.pendingDeltaMinor(), capture.debitsPostedAfter(), capture.debitsPendingAfter()))
                .containsExactly(600L, -1_000L, 3_100L, 0L);
        assertThat(lines.getLast().balanceAfter()).isEqualTo(stack.queries.balance(ledger, alice).orElseThrow().balance());
        assertThat(lines).extracting(StatementLineView::entrySeq).containsExactly(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 12L, 13L);

        // Paging: after version 8, one line.
        assertThat(stack.queries.statement(ledger, alice, 8, 1)).extracting(StatementLineView::accountVersion).containsExactly(9L);
        assertThat(stack.queries.statement(ledger, alice, 10, 5)).isEmpty();
    }

    @Test
    void dailyBalanceIsTheBalanceAfterTheDaysLastPosting() {
        var days = stack.queries.dailyBalances(ledger, alice, day.minusDays(1), day.plusDays(1));
        assertThat(days).isNotEmpty();
        var last = days.getLast();
        assertThat(last.day()).isEqualTo(day);
        assertThat(last.version()).isEqualTo(10);
        assertThat(last.balance()).isEqualTo(stack.queries.balance(ledger, alice).orElseThrow().balance());
        assertThat(stack.queries.dailyBalances(ledger, alice, day.plusDays(1), day.plusDays(2))).isEmpty();
    }

    @Test
    void assetTotalsSumEveryAccount() {
        var totals = stack.queries.assetTotals(ledger);
        assertThat(totals).hasSize(1);
        var usd = totals.getFirst();
        assertThat(usd.asset()).isEqualTo("USD");
        // 10,000 + 2,500 + 600 + 700 + 150 + 1,000 + 150 posted on each side; every hold released.
        assertThat(List.of(usd.debitsPosted(), usd.creditsPosted(), usd.debitsPending(), usd.creditsPending(), usd.accounts()))
                .containsExactly(15_100L, 15_100L, 0L, 0L, 4L);
        assertThat(usd.lastSeq()).isEqualTo(14);
    }

    @Test
    void watermarkAndProgress() {
        assertThat(stack.queries.projectedSeq(ledger)).isEqualTo(lastSeq);
        assertThat(stack.queries.projectedSeq(UUID.randomUUID())).isZero();
        assertThat(stack.queries.awaitSeq(ledger, lastSeq, Duration.ZERO)).isTrue();
        long started = System.nanoTime();
        assertThat(stack.queries.awaitSeq(ledger, lastSeq + 1_000, Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(stack.queries.lastAppliedSeq()).isEqualTo(Map.of(ReadModel.BALANCES, 15L, ReadModel.STATEMENTS, 15L,
                ReadModel.DAILY_BALANCES, 15L, ReadModel.ASSET_TOTALS, 15L));
        // The watermark's bookkeeping is gone once every sequence is complete.
        assertThat(stack.count("SELECT count(*) FROM seq_copies")).isZero();
        // Nothing records event ids (the table is gone); the asset totals keep one snapshot per account: its
        // balances after its last version, as worked out in the table above.
        assertThat(stack.count("SELECT count(*) FROM pg_tables WHERE tablename = 'applied_events'")).isZero();
        assertThat(assetSnapshot(issuer)).isEqualTo("version=3 | debits_posted=10700 | credits_posted=150 | pending=0");
        assertThat(assetSnapshot(alice)).isEqualTo("version=10 | debits_posted=3250 | credits_posted=11500 | pending=0");
        assertThat(assetSnapshot(bob)).isEqualTo("version=5 | debits_posted=1000 | credits_posted=3300 | pending=0");
        assertThat(assetSnapshot(carol)).isEqualTo("version=4 | debits_posted=150 | credits_posted=150 | pending=0");
    }

    private static String assetSnapshot(UUID account) {
        return stack.rows("SELECT version, debits_posted, credits_posted, debits_pending + credits_pending AS pending"
                + " FROM asset_total_accounts WHERE account_id = '" + account + "'").getFirst();
    }

    @Test
    void lagReachesZeroOnEveryPartition() {
        Await.until(Duration.ofSeconds(20), "a lag of zero on all 12 partitions (" + projector.lag() + ")",
                () -> projector.lag().size() == 12 && projector.lag().values().stream().allMatch(l -> l == 0));
        assertThat(projector.lag()).hasSize(12);
        assertThat(projector.lag().values()).containsOnly(0L);
        assertThat(ProjectorCrashIT.awaitCount(appliedEvents, 26)).isEqualTo(26);
    }

    @Test
    void checkerReportsADifferenceInWords() {
        stack.execute(stack.projections, "UPDATE account_balances SET credits_posted = credits_posted + 1 WHERE account_id = '" + alice + "'");
        try {
            var report = stack.check();
            assertThat(report.clean()).isFalse();
            assertThat(report.differences()).containsExactly("ledger " + ledger + ": balance of account (account_id " + alice
                    + "): credits_posted is 11501 in the projection but 11500 in the journal");
        } finally {
            stack.execute(stack.projections, "UPDATE account_balances SET credits_posted = credits_posted - 1 WHERE account_id = '" + alice + "'");
        }
    }

    @Test
    void queryLimitsAreEnforcedAtTheirEdges() {
        assertThat(stack.queries.statement(ledger, alice, 0, ProjectionQueries.STATEMENT_LINES_MAX)).hasSize(10);
        assertThat(stack.queries.statement(ledger, alice, 0, 1)).hasSize(1);
        assertThatThrownBy(() -> stack.queries.statement(ledger, alice, 0, ProjectionQueries.STATEMENT_LINES_MAX + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000");
        assertThatThrownBy(() -> stack.queries.statement(ledger, alice, 0, 0)).isInstanceOf(IllegalArgumentException.class);

        var from = day.minusDays(ProjectionQueries.DAILY_RANGE_DAYS_MAX - 1);
        assertThat(stack.queries.dailyBalances(ledger, alice, from, day)).isNotEmpty();
        assertThatThrownBy(() -> stack.queries.dailyBalances(ledger, alice, from.minusDays(1), day))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("366");
        assertThatThrownBy(() -> stack.queries.dailyBalances(ledger, alice, day, day.minusDays(1)))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(stack.queries.awaitSeq(ledger, 1, ProjectionQueries.AWAIT_TIMEOUT_MAX)).isTrue();
        assertThatThrownBy(() -> stack.queries.awaitSeq(ledger, 1, ProjectionQueries.AWAIT_TIMEOUT_MAX.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stack.queries.awaitSeq(ledger, 1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);

        var deadLetters = new DeadLetters(stack.projections, stack.kafka);
        assertThat(deadLetters.list(DeadLetters.LIST_LETTERS_MAX)).isEmpty();
        assertThat(deadLetters.list(1)).isEmpty();
        assertThatThrownBy(() -> deadLetters.list(DeadLetters.LIST_LETTERS_MAX + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> deadLetters.list(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
