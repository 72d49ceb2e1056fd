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
        dataSource = TestDatabase.create("closes");
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
}
