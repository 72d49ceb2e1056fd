package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Three engines, as three service instances with their own pools and batchers, write to one database
 * at once. Row locks taken in one order keep them correct: no overdraft, no deadlock, one effect per
 * idempotency key, and the journal verifies clean.
 */
class SeveralEnginesIT {

    private static final int ENGINES = 3;
    private static final int ACCOUNTS = 10;
    private static final int TRANSFERS = 6_000;
    private static final long INITIAL = 2_000;

    @Test
    void threeEnginesOnOneDatabaseStayCorrect() {
        List<HikariDataSource> pools = new ArrayList<>();
        List<PostgresPostingEngine> engines = new ArrayList<>();
        var first = TestDatabase.create("several");
        pools.add(first);
        var url = first.getJdbcUrl();
        for (int i = 1; i < ENGINES; i++) {
            var pool = new HikariDataSource();
            pool.setJdbcUrl(url);
            pool.setUsername(first.getUsername());
            pool.addDataSourceProperty("reWriteBatchedInserts", "true");
            pools.add(pool);
        }
        pools.forEach(p -> engines.add(new PostgresPostingEngine(p, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE)));
        try {
            var ledger = new LedgerAdmin(first, Clock.systemUTC()).createLedger("several").id();
            var funding = UUID.randomUUID();
            submit(engines.getFirst(), ledger, null, new Command.CreateAccount(funding, null, "USD", Side.CREDIT, null, Map.of()));
            List<UUID> accounts = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                var id = UUID.randomUUID();
                submit(engines.getFirst(), ledger, null, new Command.CreateAccount(id, null, "USD", Side.CREDIT, 0L, Map.of()));
                submit(engines.getFirst(), ledger, null, new Command.PostTransfer(UUID.randomUUID(), funding, id, INITIAL, "USD", false, null, Map.of()));
                accounts.add(id);
            }
            var random = new Random(7);
            List<CompletableFuture<List<PostedResult>>> futures = new ArrayList<>();
            for (int i = 0; i < TRANSFERS; i++) {
                var from = accounts.get(random.nextInt(ACCOUNTS));
                var to = accounts.get(random.nextInt(ACCOUNTS));
                if (from.equals(to)) continue;
                var command = new Command.PostTransfer(UUID.randomUUID(), from, to, 1 + random.nextInt(700), "USD", false, null, Map.of());
                futures.add(engines.get(i % ENGINES).submit(Submission.single(new Request(ledger, null, command))));
            }
            // The same key sent to every engine at once: exactly one effect.
            var keyed = new Command.PostTransfer(UUID.randomUUID(), funding, accounts.getFirst(), 1, "USD", false, null, Map.of());
            List<CompletableFuture<List<PostedResult>>> sameKey = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                sameKey.add(engines.get(i % ENGINES).submit(Submission.single(
                        new Request(ledger, new IdempotencyKey("once", "h"), keyed))));
            }
            int insufficient = 0;
            for (var future : futures) {
                var result = future.join().getFirst().result();
                if (result instanceof CommandResult.Rejected r) {
                    assertThat(r.reason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
                    insufficient++;
                }
            }
            assertThat(insufficient).as("the constraint must actually be exercised").isPositive();
            assertThat(sameKey.stream().map(f -> f.join().getFirst().result()).filter(r -> !r.replayed()).count()).isEqualTo(1);

            var queries = new LedgerQueries(first);
            long total = 0;
            for (var account : accounts) {
                var state = queries.account(ledger, account).orElseThrow();
                assertThat(state.balance().available(Side.CREDIT)).isGreaterThanOrEqualTo(0);
                total += state.balance().posted(Side.CREDIT);
            }
            assertThat(total).isEqualTo(ACCOUNTS * INITIAL + 1);
            assertThat(new LedgerVerifier(first).verify(List.of(ledger)).differences()).isEmpty();
        } finally {
            engines.forEach(PostgresPostingEngine::close);
            pools.forEach(HikariDataSource::close);
        }
    }

    private static void submit(PostgresPostingEngine engine, UUID ledger, IdempotencyKey key, Command command) {
        var result = engine.submit(Submission.single(new Request(ledger, key, command))).join().getFirst().result();
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    }
}
