package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.TestInfrastructure;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Daily closes against a journal written over three days by a clock the test moves: each day's snapshot holds
 * the balances at its end (not those of later days), accounts opened by then and no others, a trial balance of
 * zero per asset, the day's range of sequences and a SHA-256 of the day's journal; a day is closed once, by
 * whichever closer comes first, never before its grace has passed, and the closed rows refuse any change.
 */
class DailyCloserIT {

    private static final Instant DAY_ONE = Instant.parse("2031-03-01T10:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(5);
    // Each test has a database of its own: a closer closes every ledger's due days.
    private HikariDataSource dataSource;
    private SettableClock clock;
    private PostgresPostingEngine engine;
    private IdGenerator ids;

    @BeforeEach
    void start() {
        dataSource = TestInfrastructure.freshDatabase("closes", LedgerDatabase::migrate);
        clock = new SettableClock(DAY_ONE);
        ids = new IdGenerator(clock);
        engine = new PostgresPostingEngine(dataSource, clock, EngineSettings.defaults(), EngineListener.NONE);
    }

    @AfterEach
    void stop() {
        engine.close();
        dataSource.close();
    }

    private UUID post(UUID ledger, Command command) {
        var result = engine.submit(Submission.single(new Request(ledger, null, command))).join().getFirst();
        assertThat(result.result()).isInstanceOf(CommandResult.Accepted.class);
        return result.entry() != null ? result.entry().id() : result.account().id();
    }

    @Test
    void eachDayIsClosedOnceWithItsOwnBalancesTrialBalanceAndJournalHash() throws Exception {
        var ledger = new LedgerAdmin(dataSource, clock).createLedger("closes").id();
        var issuer = post(ledger, new Command.CreateAccount(ids.next(), "issuer", "USD", Side.CREDIT, null, Map.of()));
        var alice = post(ledger, new Command.CreateAccount(ids.next(), "alice", "USD", Side.CREDIT, 0L, Map.of()));
        post(ledger, new Command.PostTransfer(ids.next(), issuer, alice, 1_000, "USD", false, null, Map.of()));
        var hold = post(ledger, new Command.PostTransfer(ids.next(), alice, issuer, 200, "USD", true, null, Map.of()));

        clock.set(DAY_ONE.plus(Duration.ofDays(1)));                       // day two: 2031-03-02 10:00
        var bob = post(ledger, new Command.CreateAccount(ids.next(), "bob", "USD", Side.CREDIT, 0L, Map.of()));
        post(ledger, new Command.PostTransfer(ids.next(), alice, bob, 300, "USD", false, null, Map.of()));
        post(ledger, new Command.CaptureHold(ids.next(), hold, 150L, Map.of()));

        var closer = new DailyCloser(dataSource, clock, GRACE);
        var dayOne = LocalDate.of(2031, 3, 1);
        var dayTwo = LocalDate.of(2031, 3, 2);
        assertThatThrownBy(() -> closer.close(ledger, dayTwo)).as("a day that has not ended").isInstanceOf(IllegalArgumentException.class);
        clock.set(Instant.parse("2031-03-03T00:04:59Z"));
        assertThat(closer.closeDue()).as("day two within its grace: only day one").isEqualTo(1);
        clock.set(Instant.parse("2031-03-03T00:05:00Z"));
        post(ledger, new Command.PostTransfer(ids.next(), issuer, bob, 5, "USD", false, null, Map.of())); // day three
        assertThat(closer.closeDue()).as("day two, once its grace passed").isEqualTo(1);
        assertThat(closer.closeDue()).as("nothing more is due").isZero();
        assertThat(closer.close(ledger, dayOne)).as("a second close of a closed day").isFalse();

        var one = closer.find(ledger, dayOne).orElseThrow();
        assertThat(one.firstSeq()).isEqualTo(1);
        assertThat(one.lastSeq()).as("two accounts, a transfer, a hold").isEqualTo(4);
        assertThat(one.accounts()).isEqualTo(2);
        assertThat(closer.balances(ledger, dayOne, null, 10)).extracting(b -> b.accountId(), b -> b.creditsPosted() - b.debitsPosted(),
                        b -> b.debitsPending())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(issuer, -1_000L, 0L),
                        org.assertj.core.groups.Tuple.tuple(alice, 1_000L, 200L));
        var two = closer.find(ledger, dayTwo).orElseThrow();
        assertThat(two.firstSeq()).isEqualTo(5);
        assertThat(two.lastSeq()).as("an account, a transfer, a capture; day three's transfer is not in it").isEqualTo(7);
        assertThat(two.accounts()).isEqualTo(3);
        assertThat(closer.balances(ledger, dayTwo, null, 10)).extracting(b -> b.accountId(), b -> b.creditsPosted() - b.debitsPosted(),
                        b -> b.debitsPending())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(issuer, -850L, 0L),
                        org.assertj.core.groups.Tuple.tuple(alice, 550L, 0L), org.assertj.core.groups.Tuple.tuple(bob, 300L, 0L));
        for (var close : java.util.List.of(one, two)) {
            assertThat(close.totals()).singleElement().satisfies(total -> {
                assertThat(total.asset()).isEqualTo("USD");
                assertThat(total.creditsPosted()).as("trial balance").isEqualTo(total.debitsPosted());
                assertThat(total.creditsPending()).isEqualTo(total.debitsPending());
            });
        }
        assertThat(one.totals().getFirst().debitsPosted()).isEqualTo(BigInteger.valueOf(1_000));
        assertThat(HexFormat.of().formatHex(one.journalSha256())).hasSize(64).isNotEqualTo(HexFormat.of().formatHex(two.journalSha256()));
        var page = closer.balances(ledger, dayTwo, null, 2);
        assertThat(page).hasSize(2);
        assertThat(closer.balances(ledger, dayTwo, page.getLast().accountId(), 2)).hasSize(1);

        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE daily_close_balances SET credits_posted = 0"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM daily_closes")).hasMessageContaining("append-only");
        }
    }

    @Test
    void aDayWithoutChangesIsClosedWithTheHashOfNothing() {
        clock.set(Instant.parse("2031-04-01T12:00:00Z"));
        var ledger = new LedgerAdmin(dataSource, clock).createLedger("quiet").id();
        post(ledger, new Command.CreateAccount(ids.next(), "a", "USD", Side.CREDIT, null, Map.of()));
        clock.set(Instant.parse("2031-04-03T01:00:00Z"));
        var closer = new DailyCloser(dataSource, clock, GRACE);
        assertThat(closer.close(ledger, LocalDate.of(2031, 4, 2))).isTrue();
        var quiet = closer.find(ledger, LocalDate.of(2031, 4, 2)).orElseThrow();
        assertThat(quiet.lastSeq()).isEqualTo(quiet.firstSeq() - 1);
        assertThat(HexFormat.of().formatHex(quiet.journalSha256()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"); // SHA-256 of no bytes
        assertThat(quiet.accounts()).isEqualTo(1);
    }

    @Test
    void aLedgerClosesTheDaysOfItsOwnTimeZoneIncludingA23HourDay() {
        var newYork = java.time.ZoneId.of("America/New_York");
        var ledger = new LedgerAdmin(dataSource, clock).createLedger("new-york", newYork, null).id();
        assertThat(new LedgerAdmin(dataSource, clock).ledger(ledger).orElseThrow().closeTimeZone()).isEqualTo(newYork);
        var issuer = post(ledger, new Command.CreateAccount(ids.next(), "issuer", "USD", Side.CREDIT, null, Map.of()));
        var alice = post(ledger, new Command.CreateAccount(ids.next(), "alice", "USD", Side.CREDIT, null, Map.of()));
        clock.set(Instant.parse("2031-03-02T03:00:00Z"));                  // 22:00 on March 1st in New York
        post(ledger, new Command.PostTransfer(ids.next(), issuer, alice, 10, "USD", false, null, Map.of()));
        clock.set(Instant.parse("2031-03-02T06:00:00Z"));                  // 01:00 on March 2nd in New York
        post(ledger, new Command.PostTransfer(ids.next(), issuer, alice, 20, "USD", false, null, Map.of()));

        var closer = new DailyCloser(dataSource, clock, GRACE);
        clock.set(Instant.parse("2031-03-02T05:04:59Z"));
        assertThat(closer.closeDue()).as("New York's March 1st ended 4 min 59 s ago: within its grace").isZero();
        clock.set(Instant.parse("2031-03-02T05:05:00Z"));
        assertThat(closer.closeDue()).isEqualTo(1);
        var first = closer.find(ledger, LocalDate.of(2031, 3, 1)).orElseThrow();
        assertThat(first.timeZone()).isEqualTo(newYork);
        assertThat(first.startsAt()).isEqualTo(Instant.parse("2031-03-01T05:00:00Z"));
        assertThat(first.endsAt()).isEqualTo(Instant.parse("2031-03-02T05:00:00Z"));
        assertThat(first.lastSeq()).as("two accounts and the 22:00 transfer, a UTC March 2nd; not the 01:00 one").isEqualTo(3);
        assertThat(closer.balances(ledger, LocalDate.of(2031, 3, 1), null, 10))
                .filteredOn(b -> b.accountId().equals(alice)).singleElement()
                .satisfies(b -> assertThat(b.creditsPosted()).isEqualTo(10));

        // Clocks go forward on March 9th, 2031 in New York: that day has 23 hours.
        clock.set(Instant.parse("2031-03-10T04:05:00Z"));
        assertThat(closer.closeDue()).as("March 2nd to 9th").isEqualTo(8);
        var shortDay = closer.find(ledger, LocalDate.of(2031, 3, 9)).orElseThrow();
        assertThat(Duration.between(shortDay.startsAt(), shortDay.endsAt())).isEqualTo(Duration.ofHours(23));
        var second = closer.find(ledger, LocalDate.of(2031, 3, 2)).orElseThrow();
        assertThat(second.firstSeq()).isEqualTo(4);
        assertThat(second.lastSeq()).isEqualTo(4);
    }

    @Test
    void verifyRecomputesEveryCloseAndReportsOneThatDisagreesWithTheJournal() throws Exception {
        var ledger = new LedgerAdmin(dataSource, clock).createLedger("audited", java.time.ZoneId.of("Europe/Paris"), null).id();
        var issuer = post(ledger, new Command.CreateAccount(ids.next(), "issuer", "USD", Side.CREDIT, null, Map.of()));
        var alice = post(ledger, new Command.CreateAccount(ids.next(), "alice", "USD", Side.CREDIT, null, Map.of()));
        post(ledger, new Command.PostTransfer(ids.next(), issuer, alice, 40, "USD", false, null, Map.of()));
        clock.set(DAY_ONE.plus(Duration.ofDays(1)));
        post(ledger, new Command.PostTransfer(ids.next(), issuer, alice, 2, "USD", false, null, Map.of()));
        clock.set(DAY_ONE.plus(Duration.ofDays(3)));
        assertThat(new DailyCloser(dataSource, clock, GRACE).closeDue()).isEqualTo(3);
        var verifier = new LedgerVerifier(dataSource);
        assertThat(verifier.verify(java.util.List.of(ledger)).differences()).as("closes that agree with the journal").isEmpty();

        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            // Tampering needs the owner to lift the append-only triggers: what verify must catch is a close changed anyway.
            statement.execute("ALTER TABLE daily_close_balances DISABLE TRIGGER daily_close_balances_append_only");
            statement.executeUpdate("UPDATE daily_close_balances SET credits_posted = credits_posted + 1 WHERE account_id = '"
                    + alice + "' AND close_date = '2031-03-01'");
            statement.execute("ALTER TABLE daily_close_balances ENABLE TRIGGER daily_close_balances_append_only");
            statement.execute("ALTER TABLE daily_closes DISABLE TRIGGER daily_closes_append_only");
            statement.executeUpdate("UPDATE daily_closes SET journal_sha256 = sha256('forged') WHERE close_date = '2031-03-02'");
            statement.execute("ALTER TABLE daily_closes ENABLE TRIGGER daily_closes_append_only");
        }
        assertThat(verifier.verify(java.util.List.of(ledger)).differences()).satisfiesExactlyInAnyOrder(
                d -> assertThat(d).contains("close of 2031-03-01 (Europe/Paris)").contains("the closing balances of 1 accounts differ"),
                d -> assertThat(d).contains("close of 2031-03-01 (Europe/Paris)").contains("trial balance differs"),
                d -> assertThat(d).contains("close of 2031-03-02 (Europe/Paris)").contains("journal hash differs"));
    }
}
