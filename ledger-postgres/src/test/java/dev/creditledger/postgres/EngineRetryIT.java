package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A batch refused a lock within lock_timeout (300 ms here, as the service sets 10 s) runs again: when
 * the lock is released in time it commits, once; when it is not, after transientRetriesMax retries its
 * callers get StorageUnavailableException and nothing of it is written.
 */
class EngineRetryIT {

    static HikariDataSource setup;
    static HikariDataSource pool;
    static PostgresPostingEngine engine;
    static final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        var database = TestInfrastructure.freshDatabaseName("retry");
        setup = TestInfrastructure.database(database, TestInfrastructure.POOL_SIZE_MAX_DEFAULT, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT, Map.of());
        LedgerDatabase.migrate(setup);
        pool = TestInfrastructure.database(database, TestInfrastructure.POOL_SIZE_MAX_DEFAULT, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT,
                Map.of("options", "-c lock_timeout=300"));
        engine = new PostgresPostingEngine(pool, Clock.systemUTC(), new EngineSettings(100, 100, 1, 3), new EngineListener() {
            @Override
            public void batchCommitted(int submissions, int commands, long durationNanos) {
                events.add("committed");
            }

            @Override
            public void batchFailed(int submissions, int commands, Throwable cause) {
                events.add("failed " + state(cause));
            }

            @Override
            public void batchRetried(int submissions, int commands, int attempt, Throwable cause) {
                events.add("retry " + attempt + " " + state(cause));
            }
        });
    }

    @AfterAll
    static void stop() {
        engine.close();
        pool.close();
        setup.close();
    }

    @Test
    void aBatchRefusedALockRunsAgainAndCommitsOnceTheLockIsFree() throws Exception {
        var ledger = new LedgerAdmin(setup, Clock.systemUTC()).createLedger("retry-ok").id();
        var a = open(ledger);
        var b = open(ledger);
        events.clear();
        try (var blocker = lockLedger(ledger)) {
            var transfer = engine.submit(Submission.single(new Request(ledger, null,
                    new Command.PostTransfer(UUID.randomUUID(), a, b, 10, "USD", false, null, Map.of()))));
            // The lock is released only once the batch has been refused it and is about to run again, so the
            // commit below is the retry's, not the first attempt's.
            Await.until(Duration.ofSeconds(30), "the batch refused the lock and retried", () -> events.contains("retry 1 55P03"));
            blocker.commit();
            assertThat(transfer.join().getFirst().result()).isInstanceOf(CommandResult.Accepted.class);
        }
        assertThat(events).first().asString().isEqualTo("retry 1 55P03");
        assertThat(events).last().asString().isEqualTo("committed");
        assertThat(events).noneMatch(e -> e.startsWith("failed"));
        assertThat(new LedgerQueries(JournalRouter.single(setup)).account(ledger, b).orElseThrow().balance().posted(Side.CREDIT)).isEqualTo(10);
        assertThat(new LedgerVerifier(setup).verify(List.of(ledger)).differences()).isEmpty();
    }

    @Test
    void aBatchStillRefusedAfterTheLastRetryFailsAndWritesNothing() throws Exception {
        var ledger = new LedgerAdmin(setup, Clock.systemUTC()).createLedger("retry-fail").id();
        var a = open(ledger);
        var b = open(ledger);
        long lastSeq = new LedgerAdmin(setup, Clock.systemUTC()).ledger(ledger).orElseThrow().lastSeq();
        events.clear();
        try (var blocker = lockLedger(ledger)) {
            var transfer = engine.submit(Submission.single(new Request(ledger, null,
                    new Command.PostTransfer(UUID.randomUUID(), a, b, 10, "USD", false, null, Map.of()))));
            assertThatThrownBy(transfer::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StorageUnavailableException.class);
            blocker.rollback();
        }
        assertThat(events).containsExactly("retry 1 55P03", "retry 2 55P03", "retry 3 55P03", "failed 55P03");
        assertThat(new LedgerAdmin(setup, Clock.systemUTC()).ledger(ledger).orElseThrow().lastSeq()).isEqualTo(lastSeq);
        assertThat(new LedgerQueries(JournalRouter.single(setup)).account(ledger, b).orElseThrow().version()).isZero();
    }

    private static UUID open(UUID ledger) {
        var id = UUID.randomUUID();
        var result = engine.submit(Submission.single(new Request(ledger, null,
                new Command.CreateAccount(id, null, "USD", Side.CREDIT, null, Map.of())))).join().getFirst().result();
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        return id;
    }

    /** Another session holding the ledger row, as a long transaction would. */
    private static Connection lockLedger(UUID ledger) throws SQLException {
        var connection = setup.getConnection();
        connection.setAutoCommit(false);
        try (var ps = connection.prepareStatement("SELECT 1 FROM ledgers WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, ledger);
            ps.executeQuery().close();
        }
        return connection;
    }

    private static String state(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return cause.toString();
    }
}
