package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Command;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read models deduplicate by the account versions the events carry, not by event ids: the same
 * events twice (in one poll or across polls), an account's versions out of order, an entry that posts
 * to one account twice, and an opening that arrives after the account's postings all end in the rows
 * worked out by hand below. Each test posts this history in a ledger of its own, then hands the
 * journal's event copies to the projector's {@link BatchApplier} in the polls it chooses (one call is one
 * poll, one transaction).
 *
 * <pre>
 *  seq  change                                    copies  balances after (debits / credits posted), version
 *   1   open issuer (USD)                            1
 *   2   open alice (USD)                             1
 *   3   open bob (USD)                               1
 *   4   issuer -> alice 1,000                        2    issuer 1,000 / 0 v1     alice 0 / 1,000 v1
 *   5   alice -> bob 300                             2    alice 300 / 1,000 v2    bob 0 / 300 v1
 *   6   entry: alice D100, alice D50, bob C150       2    alice 400 / 1,000 v3 and 450 / 1,000 v4;  bob 0 / 450 v2
 *   7   issuer -> bob 20                             2    issuer 1,020 / 0 v2     bob 0 / 470 v3
 *   8   open dave (USD)                              1
 *   9   close dave                                   1
 *
 *  USD totals: debits posted 1,020 + 450 = 1,470; credits posted 1,000 + 470 = 1,470; 4 accounts.
 *  Statement lines: issuer 2, alice 4, bob 3.
 * </pre>
 */
class DedupeByOrderIT {

    static final int EVENTS = 13;

    static TestStack stack;
    static DeadLetterPublisher deadLetters;
    static final AtomicLong offsets = new AtomicLong();

    /** One ledger's history and its event copies in publication order. */
    record History(UUID ledger, UUID issuer, UUID alice, UUID bob, UUID dave, List<WatermarkIT.Copy> copies) {
        List<WatermarkIT.Copy> where(Predicate<WatermarkIT.Copy> filter) {
            return copies.stream().filter(filter).toList();
        }

        List<WatermarkIT.Copy> of(UUID account) {
            return where(c -> c.accountId().equals(account));
        }
    }

    @BeforeAll
    static void start() {
        stack = TestStack.create("dedupe");
        deadLetters = new DeadLetterPublisher(stack.kafka);
    }

    @AfterAll
    static void stop() {
        deadLetters.close();
        stack.close();
    }

    @Test
    void theSameEventsTwiceInOnePollAreAppliedOnce() {
        var h = history("twice-in-one-poll");
        List<WatermarkIT.Copy> twice = new ArrayList<>(h.copies());
        twice.addAll(h.copies());
        poll(twice);
        assertFinalRows(h);
    }

    @Test
    void theSameEventsAgainInLaterPollsChangeNothing() {
        var h = history("twice-across-polls");
        poll(h.copies());
        assertFinalRows(h);
        var before = stack.snapshot();
        // Again, whole, then one copy per poll, then backwards.
        poll(h.copies());
        h.copies().forEach(copy -> poll(List.of(copy)));
        poll(h.copies().reversed());
        assertThat(stack.snapshot()).isEqualTo(before);
        assertFinalRows(h);
    }

    @Test
    void severalVersionsOfOneAccountOutOfOrderInOnePoll() {
        var h = history("versions-out-of-order");
        // Alice's copies newest first: seq 6 (versions 3 and 4), 5 (version 2), 4 (version 1), then her opening.
        poll(h.of(h.alice()).reversed());
        assertThat(balance(h.ledger(), h.alice())).isEqualTo("OPEN CREDIT 450/1000 pending 0/0 v4 seq 6");
        assertThat(lines(h.ledger(), h.alice())).containsExactly("v1 TRANSFER CREDIT 1000 -> 0/1000", "v2 TRANSFER DEBIT 300 -> 300/1000",
                "v3 ENTRY DEBIT 100 -> 400/1000", "v4 ENTRY DEBIT 50 -> 450/1000");
        // Only alice counted so far: her snapshot is her balance after version 4.
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1000 pending 0/0 accounts 1 seq 6");

        poll(h.where(c -> !c.accountId().equals(h.alice())).reversed());
        assertFinalRows(h);
    }

    @Test
    void anOlderVersionAfterANewerOneInALaterPollChangesNoTotal() {
        var h = history("older-after-newer");
        // Alice's copy of seq 6 first: her version 4 carries her balances after everything before it.
        poll(h.where(c -> c.accountId().equals(h.alice()) && c.seq() == 6));
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1000 pending 0/0 accounts 1 seq 6");
        // Then her versions 1 and 2: the balance, the daily balance and the totals stay at version 4.
        poll(h.where(c -> c.accountId().equals(h.alice()) && (c.seq() == 4 || c.seq() == 5)));
        assertThat(balance(h.ledger(), h.alice())).isEqualTo("OPEN null 450/1000 pending 0/0 v4 seq 6");
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1000 pending 0/0 accounts 1 seq 6");
        assertThat(dailyVersions(h.ledger(), h.alice())).containsOnly(4L);
        assertThat(lines(h.ledger(), h.alice())).hasSize(4);

        poll(h.where(c -> !(c.accountId().equals(h.alice()) && c.seq() >= 4)));
        assertFinalRows(h);
    }

    @Test
    void anEntryThatPostsToOneAccountTwiceGivesTwoLinesAndOneBalance() {
        var h = history("two-postings-one-account");
        var alicesCopyOfTheEntry = h.where(c -> c.accountId().equals(h.alice()) && c.seq() == 6);
        assertThat(alicesCopyOfTheEntry).hasSize(1);
        poll(alicesCopyOfTheEntry);
        assertThat(lines(h.ledger(), h.alice())).containsExactly("v3 ENTRY DEBIT 100 -> 400/1000", "v4 ENTRY DEBIT 50 -> 450/1000");
        assertThat(stack.rows("SELECT line_no FROM statement_lines WHERE ledger_id = '" + h.ledger() + "' ORDER BY account_version"))
                .containsExactly("line_no=0", "line_no=1");
        assertThat(balance(h.ledger(), h.alice())).isEqualTo("OPEN null 450/1000 pending 0/0 v4 seq 6");
        assertThat(dailyVersions(h.ledger(), h.alice())).containsExactly(4L);
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1000 pending 0/0 accounts 1 seq 6");
        // Bob's copy of the same entry adds bob's posting only.
        poll(h.where(c -> c.accountId().equals(h.bob()) && c.seq() == 6));
        assertThat(lines(h.ledger(), h.bob())).containsExactly("v2 ENTRY CREDIT 150 -> 0/450");
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1450 pending 0/0 accounts 2 seq 6");
        poll(alicesCopyOfTheEntry);
        assertThat(totals(h.ledger())).isEqualTo("USD 450/1450 pending 0/0 accounts 2 seq 6");

        poll(h.copies());
        assertFinalRows(h);
    }

    @Test
    void anAccountOpenedAfterItsFirstPostingsIsCountedOnce() {
        var h = history("opened-after-postings");
        // Postings and the close first: every account appears before its opening.
        poll(h.where(c -> c.type() != EventType.ACCOUNT_OPENED));
        assertThat(balance(h.ledger(), h.alice())).isEqualTo("OPEN null 450/1000 pending 0/0 v4 seq 6");
        assertThat(balance(h.ledger(), h.dave())).isEqualTo("CLOSED null 0/0 pending 0/0 v0 seq 9");
        // Issuer, alice and bob are counted at their first posting; dave, closed but not yet opened, has no asset yet.
        assertThat(totals(h.ledger())).isEqualTo("USD 1470/1470 pending 0/0 accounts 3 seq 7");
        assertThat(stack.queries.projectedSeq(h.ledger())).as("sequence 1 not applied yet").isZero();

        poll(h.where(c -> c.type() == EventType.ACCOUNT_OPENED));
        assertFinalRows(h);
        assertThat(balance(h.ledger(), h.dave())).isEqualTo("CLOSED CREDIT 0/0 pending 0/0 v0 seq 9");
    }

    static History history(String name) {
        return history(stack, name);
    }

    /** Posts the history of the table above in a new ledger and reads its event copies back from the journal. */
    static History history(TestStack stack, String name) {
        var ledger = stack.ledger(name);
        var issuer = stack.account(ledger, "USD", null);
        var alice = stack.account(ledger, "USD", 0L);
        var bob = stack.account(ledger, "USD", 0L);
        stack.post(ledger, stack.transfer(issuer, alice, 1_000));
        stack.post(ledger, stack.transfer(alice, bob, 300));
        stack.post(ledger, new Command.PostEntry(stack.ids.next(), List.of(
                new Command.PostingLine(alice, Side.DEBIT, 100, "USD"),
                new Command.PostingLine(alice, Side.DEBIT, 50, "USD"),
                new Command.PostingLine(bob, Side.CREDIT, 150, "USD")), Map.of("purpose", "split")));
        stack.post(ledger, stack.transfer(issuer, bob, 20));
        var dave = stack.account(ledger, "USD", 0L);
        stack.post(ledger, new Command.CloseAccount(dave));
        assertThat(stack.lastSeq(ledger)).isEqualTo(9);
        var copies = WatermarkIT.journal(stack, ledger);
        assertThat(copies).hasSize(EVENTS);
        return new History(ledger, issuer, alice, bob, dave, copies);
    }

    /** Applies the copies as one poll, in the given order. */
    static void poll(List<WatermarkIT.Copy> copies) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (var copy : copies) {
            records.add(stack.record(copy, offsets.incrementAndGet()));
        }
        try {
            var result = new BatchApplier(stack.projections, deadLetters, ProjectorHooks.NONE).apply(records);
            assertThat(result.deadLetters()).isEmpty();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of the ledger as worked out by hand in the table above, and the checker agrees. */
    static void assertFinalRows(History h) {
        assertThat(balance(h.ledger(), h.issuer())).isEqualTo("OPEN CREDIT 1020/0 pending 0/0 v2 seq 7");
        assertThat(balance(h.ledger(), h.alice())).isEqualTo("OPEN CREDIT 450/1000 pending 0/0 v4 seq 6");
        assertThat(balance(h.ledger(), h.bob())).isEqualTo("OPEN CREDIT 0/470 pending 0/0 v3 seq 7");
        assertThat(balance(h.ledger(), h.dave())).isEqualTo("CLOSED CREDIT 0/0 pending 0/0 v0 seq 9");
        assertThat(lines(h.ledger(), h.issuer())).containsExactly("v1 TRANSFER DEBIT 1000 -> 1000/0", "v2 TRANSFER DEBIT 20 -> 1020/0");
        assertThat(lines(h.ledger(), h.alice())).containsExactly("v1 TRANSFER CREDIT 1000 -> 0/1000", "v2 TRANSFER DEBIT 300 -> 300/1000",
                "v3 ENTRY DEBIT 100 -> 400/1000", "v4 ENTRY DEBIT 50 -> 450/1000");
        assertThat(lines(h.ledger(), h.bob())).containsExactly("v1 TRANSFER CREDIT 300 -> 0/300", "v2 ENTRY CREDIT 150 -> 0/450",
                "v3 TRANSFER CREDIT 20 -> 0/470");
        assertThat(totals(h.ledger())).isEqualTo("USD 1470/1470 pending 0/0 accounts 4 seq 8");
        assertThat(stack.count("SELECT count(*) FROM asset_total_accounts WHERE ledger_id = '" + h.ledger() + "'")).isEqualTo(4);
        assertThat(stack.queries.projectedSeq(h.ledger())).isEqualTo(9);
        assertThat(stack.count("SELECT count(*) FROM seq_copies WHERE ledger_id = '" + h.ledger() + "'")).isZero();
        var ledgerDifferences = stack.check().differences().stream().filter(d -> d.contains(h.ledger().toString())).toList();
        assertThat(ledgerDifferences).isEmpty();
    }

    static String balance(UUID ledger, UUID account) {
        var b = stack.queries.balance(ledger, account).orElseThrow();
        return (b.status() == AccountStatus.CLOSED ? "CLOSED" : "OPEN") + " " + b.normalSide() + " " + b.debitsPosted() + "/"
                + b.creditsPosted() + " pending " + b.debitsPending() + "/" + b.creditsPending() + " v" + b.version() + " seq " + b.lastSeq();
    }

    static List<String> lines(UUID ledger, UUID account) {
        return stack.queries.statement(ledger, account, 0, 100).stream().map(l -> "v" + l.accountVersion() + " " + l.kind() + " "
                + l.side() + " " + l.postedMinor() + " -> " + l.debitsPostedAfter() + "/" + l.creditsPostedAfter()).toList();
    }

    static String totals(UUID ledger) {
        var all = stack.queries.assetTotals(ledger);
        assertThat(all).hasSize(1);
        var t = all.getFirst();
        return t.asset() + " " + t.debitsPosted() + "/" + t.creditsPosted() + " pending " + t.debitsPending() + "/" + t.creditsPending()
                + " accounts " + t.accounts() + " seq " + t.lastSeq();
    }

    static List<Long> dailyVersions(UUID ledger, UUID account) {
        return stack.rows("SELECT version FROM daily_balances WHERE ledger_id = '" + ledger + "' AND account_id = '" + account + "'")
                .stream().map(row -> Long.parseLong(row.substring("version=".length()))).toList();
    }
}
