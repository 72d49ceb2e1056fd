package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.TestInfrastructure;
import java.math.BigInteger;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostingEngineIT {
    static HikariDataSource dataSource;
    static PostgresPostingEngine engine;
    static LedgerAdmin admin;
    static LedgerQueries queries;
    static final IdGenerator ids = new IdGenerator(Clock.systemUTC());

    @BeforeAll
    static void start() {
        dataSource = TestInfrastructure.freshDatabase("engine", LedgerDatabase::migrate);
        engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE);
        admin = new LedgerAdmin(dataSource, Clock.systemUTC());
        queries = new LedgerQueries(JournalRouter.single(dataSource));
    }

    @AfterAll
    static void stop() {
        engine.close();
        dataSource.close();
    }

    static PostedResult post(UUID ledger, Command command) {
        return engine.submit(Submission.single(new Request(ledger, null, command))).join().getFirst();
    }

    static UUID account(UUID ledger, String asset, Long overdraftLimit) {
        var id = ids.next();
        var result = post(ledger, new Command.CreateAccount(id, null, asset, Side.CREDIT, overdraftLimit, Map.of("k", "v")));
        assertThat(result.result()).isInstanceOf(CommandResult.Accepted.class);
        assertThat(result.account().metadata()).containsEntry("k", "v");
        return id;
    }

    @Test
    void transfersHoldsAndReversalsAreWrittenAndVerifyClean() {
        var ledger = admin.createLedger("engine-basic").id();
        var a = account(ledger, "USD", null);
        var b = account(ledger, "USD", 0L);
        var transfer = post(ledger, new Command.PostTransfer(ids.next(), a, b, 1234, "USD", false, null, Map.of("order", "42")));
        assertThat(transfer.entry().postings()).hasSize(2);
        var hold = post(ledger, new Command.PostTransfer(ids.next(), b, a, 1000, "USD", true, Duration.ofMinutes(5), Map.of()));
        assertThat(hold.result()).isInstanceOf(CommandResult.Accepted.class);
        var tooMuch = post(ledger, new Command.PostTransfer(ids.next(), b, a, 300, "USD", false, null, Map.of()));
        assertThat(((CommandResult.Rejected) tooMuch.result()).reason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
        var capture = post(ledger, new Command.CaptureHold(ids.next(), hold.entry().id(), 600L, Map.of()));
        assertThat(capture.entry().amountMinor()).isEqualTo(600);
        var reversal = post(ledger, new Command.ReverseTransfer(ids.next(), transfer.entry().id(), 100L, Map.of()));
        assertThat(reversal.result()).isInstanceOf(CommandResult.Accepted.class);

        var bState = queries.account(ledger, b).orElseThrow();
        assertThat(bState.balance().posted(Side.CREDIT)).isEqualTo(1234 - 600 - 100);
        assertThat(bState.version()).isEqualTo(4);
        var statement = queries.statement(ledger, b, null, null, 0, 100);
        assertThat(statement.items()).hasSize(4);
        assertThat(queries.entry(ledger, transfer.entry().id()).orElseThrow().state().reversedMinor()).isEqualTo(100);
        assertThat(new LedgerVerifier(dataSource).verify(List.of(ledger)).differences()).isEmpty();
    }

    /**
     * A crossing is journaled with its entry and read back with it; the journal refuses to change it, and
     * verify reports a recorded crossing that the journal does not show.
     */
    @Test
    void balanceAlertsAreJournaledImmutableAndVerified() throws Exception {
        var ledger = admin.createLedger("engine-alerts").id();
        var issuer = account(ledger, "USD", null);
        var wallet = ids.next();
        post(ledger, new Command.CreateAccount(wallet, null, "USD", Side.CREDIT, 0L, Map.of(), List.of(500L)));
        var funded = post(ledger, new Command.PostTransfer(ids.next(), issuer, wallet, 800, "USD", false, null, Map.of()));
        var spent = post(ledger, new Command.PostTransfer(ids.next(), wallet, issuer, 400, "USD", false, null, Map.of()));
        assertThat(funded.entry().balanceAlerts()).extracting(BalanceAlert::direction).containsExactly(AlertDirection.UP);
        assertThat(spent.entry().balanceAlerts()).containsExactly(
                new BalanceAlert(wallet, 500, AlertDirection.DOWN, BigInteger.valueOf(800), BigInteger.valueOf(400)));
        assertThat(queries.account(ledger, wallet).orElseThrow().alertThresholds()).containsExactly(500L);
        assertThat(new LedgerVerifier(dataSource).verify(List.of(ledger)).differences()).isEmpty();

        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE balance_alerts SET threshold = 1 WHERE ledger_id = '" + ledger + "'"))
                    .hasMessageContaining("append-only");
            // A crossing the journal does not show: the spend took the wallet from 800 to 400, not from 450 to 100.
            statement.executeUpdate("INSERT INTO balance_alerts (ledger_id, entry_seq, alert_no, account_id, threshold, direction, "
                    + "available_before, available_after) VALUES ('" + ledger + "', " + spent.entry().seq() + ", 1, '" + wallet
                    + "', 200, 'DOWN', 450, 100)");
            // And one of an account the entry does not post to.
            statement.executeUpdate("INSERT INTO balance_alerts (ledger_id, entry_seq, alert_no, account_id, threshold, direction, "
                    + "available_before, available_after) VALUES ('" + ledger + "', " + spent.entry().seq() + ", 2, '" + ids.next()
                    + "', 200, 'DOWN', 450, 100)");
        }
        assertThat(new LedgerVerifier(dataSource).verify(List.of(ledger)).differences()).satisfiesExactly(
                d -> assertThat(d).contains("threshold 200").contains("from 800 to 400"),
                d -> assertThat(d).contains("does not post to the account"));
    }

    @Test
    void idempotentRetryReplaysTheStoredResultFromTheJournal() {
        var ledger = admin.createLedger("engine-idem").id();
        var a = account(ledger, "USD", null);
        var b = account(ledger, "USD", null);
        var key = new IdempotencyKey("demo-1", "hash-1");
        var first = engine.submit(Submission.single(new Request(ledger, key,
                new Command.PostTransfer(ids.next(), a, b, 1234, "USD", false, null, Map.of())))).join().getFirst();
        var again = engine.submit(Submission.single(new Request(ledger, key,
                new Command.PostTransfer(ids.next(), a, b, 1234, "USD", false, null, Map.of())))).join().getFirst();
        assertThat(again.result().replayed()).isTrue();
        assertThat(again.entry()).isEqualTo(first.entry());
        var conflict = engine.submit(Submission.single(new Request(ledger, new IdempotencyKey("demo-1", "hash-2"),
                new Command.PostTransfer(ids.next(), a, b, 1, "USD", false, null, Map.of())))).join().getFirst();
        assertThat(((CommandResult.Rejected) conflict.result()).reason()).isEqualTo(Reason.IDEMPOTENCY_KEY_REUSED);
        assertThat(queries.account(ledger, b).orElseThrow().balance().posted(Side.CREDIT)).isEqualTo(1234);
    }

    @Test
    void journalTablesRejectUpdateDeleteAndTruncate() throws SQLException {
        var ledger = admin.createLedger("engine-append-only").id();
        var a = account(ledger, "USD", null);
        var b = account(ledger, "USD", null);
        post(ledger, new Command.PostTransfer(ids.next(), a, b, 5, "USD", false, null, Map.of()));
        for (var sql : List.of("UPDATE entries SET amount = 6", "DELETE FROM entries", "UPDATE postings SET posted_amount = 6",
                "DELETE FROM postings", "UPDATE accounts SET asset = 'EUR'", "DELETE FROM accounts", "TRUNCATE postings CASCADE",
                "TRUNCATE entries CASCADE")) {
            try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.execute(sql)).as(sql).hasMessageContaining("append-only");
            }
        }
        assertThat(queries.account(ledger, b).orElseThrow().balance().posted(Side.CREDIT)).isEqualTo(5);
    }
}
