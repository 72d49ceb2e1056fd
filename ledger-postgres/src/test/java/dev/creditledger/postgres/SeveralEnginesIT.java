package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.GrantStatus;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.SystemAccounts;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Clock;
import java.time.Instant;
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
    /** Hikari's default pool size, for the pools of the engines after the first. */
    private static final int POOL_SIZE_MAX_OTHERS = 10;
    private static final int ACCOUNTS = 10;
    private static final int TRANSFERS = 6_000;
    private static final long INITIAL = 2_000;

    @Test
    void threeEnginesOnOneDatabaseStayCorrect() {
        List<HikariDataSource> pools = pools("several");
        var first = pools.getFirst();
        List<PostgresPostingEngine> engines = engines(pools, Clock.systemUTC());
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

            var queries = new LedgerQueries(JournalRouter.single(first));
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

    /**
     * Grants due at one instant, expired by three engines at once (what three instances' expiry workers
     * submit after the same scan), while debits of the same wallets expire them lazily: every grant expires
     * exactly once, into the breakage account, and the journal verifies clean.
     */
    @Test
    void threeEnginesRacingToExpireTheSameGrantsExpireEachOnce() {
        var start = Instant.parse("2026-06-01T00:00:00Z");
        var clock = new SettableClock(start);
        List<HikariDataSource> pools = pools("expiry-race");
        var first = pools.getFirst();
        List<PostgresPostingEngine> engines = engines(pools, clock);
        try {
            var ledger = new LedgerAdmin(first, clock).createLedger("expiry-race").id();
            var issuer = UUID.randomUUID();
            var shop = UUID.randomUUID();
            submit(engines.getFirst(), ledger, null, new Command.CreateAccount(issuer, null, "CREDITS", Side.CREDIT, null, Map.of()));
            submit(engines.getFirst(), ledger, null, new Command.CreateAccount(shop, null, "CREDITS", Side.CREDIT, null, Map.of()));
            var expiresAt = start.plusSeconds(3600);
            List<UUID> wallets = new ArrayList<>();
            List<UUID> grantIds = new ArrayList<>();
            for (int w = 0; w < 20; w++) {
                var wallet = UUID.randomUUID();
                submit(engines.getFirst(), ledger, null, new Command.CreateAccount(wallet, null, "CREDITS", Side.CREDIT, 0L, Map.of()));
                wallets.add(wallet);
                submit(engines.getFirst(), ledger, null,
                        new Command.PostTransfer(UUID.randomUUID(), issuer, wallet, 10, "CREDITS", false, null, Map.of()));
                for (int g = 0; g < 3; g++) {
                    var grant = UUID.randomUUID();
                    submit(engines.getFirst(), ledger, null,
                            new Command.IssueGrant(grant, wallet, issuer, 100, "CREDITS", expiresAt, "plan", Map.of()));
                    grantIds.add(grant);
                }
            }
            clock.set(expiresAt);
            var due = new ExpiryScans(first).dueGrants(clock.instant(), 1_000);
            assertThat(due).hasSize(grantIds.size());

            List<CompletableFuture<List<PostedResult>>> expiries = new ArrayList<>();
            List<CompletableFuture<List<PostedResult>>> debits = new ArrayList<>();
            for (int round = 0; round < ENGINES; round++) {
                for (var grant : due) {
                    expiries.add(engines.get(Math.floorMod(round + grant.grantId().hashCode(), ENGINES))
                            .submit(Submission.single(new Request(ledger, null, new Command.ExpireGrant(grant.grantId())))));
                }
                for (var wallet : wallets) {
                    // A debit at the instant of expiry first expires the wallet's due grants, then spends its plain credit.
                    debits.add(engines.get(round).submit(Submission.single(new Request(ledger, null,
                            new Command.PostTransfer(UUID.randomUUID(), wallet, shop, 1, "CREDITS", false, null, Map.of())))));
                }
            }
            long acceptedExpiries = 0;
            for (var future : expiries) {
                var result = future.join().getFirst().result();
                if (result instanceof CommandResult.Accepted) {
                    acceptedExpiries++;
                } else {
                    assertThat(((CommandResult.Rejected) result).reason()).isEqualTo(Reason.GRANT_NOT_EXPIRED);
                }
            }
            for (var future : debits) {
                assertThat(future.join().getFirst().result()).isInstanceOf(CommandResult.Accepted.class);
            }
            assertThat(acceptedExpiries).as("expiries accepted (the rest were done by a debit or another engine)")
                    .isLessThanOrEqualTo(grantIds.size());

            var grants = new GrantQueries(JournalRouter.single(first));
            for (var grant : grantIds) {
                var state = grants.grant(ledger, grant).orElseThrow();
                assertThat(state.status()).isEqualTo(GrantStatus.EXPIRED);
                assertThat(state.expiredMinor()).isEqualTo(100);
            }
            try (var connection = first.getConnection();
                 var ps = connection.prepareStatement("SELECT count(*) AS entries, count(DISTINCT reference_id) AS grants "
                         + "FROM entries WHERE ledger_id = ? AND kind = 'GRANT_EXPIRY'")) {
                ps.setObject(1, ledger);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong("entries")).as("one expiry entry per grant").isEqualTo(grantIds.size());
                    assertThat(rs.getLong("grants")).isEqualTo(grantIds.size());
                }
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            var queries = new LedgerQueries(JournalRouter.single(first));
            var breakage = queries.account(ledger, SystemAccounts.breakageAccountId(ledger, "CREDITS")).orElseThrow();
            assertThat(breakage.balance().posted(Side.CREDIT)).isEqualTo(100L * grantIds.size());
            for (var wallet : wallets) {
                assertThat(queries.account(ledger, wallet).orElseThrow().balance().posted(Side.CREDIT))
                        .as("10 of plain credit - 3 debits of 1; every grant expired").isEqualTo(7);
            }
            assertThat(new ExpiryScans(first).dueGrants(clock.instant(), 1_000)).isEmpty();
            assertThat(new LedgerVerifier(first).verify(List.of(ledger)).differences()).isEmpty();
        } finally {
            engines.forEach(PostgresPostingEngine::close);
            pools.forEach(HikariDataSource::close);
        }
    }

    /** One database, and one pool per engine on it (the first pool is the test database's own). */
    private static List<HikariDataSource> pools(String database) {
        List<HikariDataSource> pools = new ArrayList<>();
        var name = TestInfrastructure.freshDatabaseName(database);
        var first = TestInfrastructure.database(name, TestInfrastructure.POOL_SIZE_MAX_DEFAULT, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT, Map.of());
        LedgerDatabase.migrate(first);
        pools.add(first);
        for (int i = 1; i < ENGINES; i++) {
            pools.add(TestInfrastructure.database(name, POOL_SIZE_MAX_OTHERS, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT, Map.of()));
        }
        return pools;
    }

    private static List<PostgresPostingEngine> engines(List<HikariDataSource> pools, Clock clock) {
        List<PostgresPostingEngine> engines = new ArrayList<>();
        pools.forEach(p -> engines.add(new PostgresPostingEngine(p, clock, EngineSettings.defaults(), EngineListener.NONE)));
        return engines;
    }

    /** A clock the test moves: every engine decides with the same instant. */


    private static void submit(PostgresPostingEngine engine, UUID ledger, IdempotencyKey key, Command command) {
        var result = engine.submit(Submission.single(new Request(ledger, key, command))).join().getFirst().result();
        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
    }
}
