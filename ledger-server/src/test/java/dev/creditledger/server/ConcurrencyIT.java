package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Many clients at once against the real service: no overdraft slips through, one key has one effect. */
class ConcurrencyIT extends ApiTestBase {

    private static final int CLIENTS = 64;
    private static final int ACCOUNTS = 10;
    private static final int TRANSFERS_PER_CLIENT = 40;
    private static final long INITIAL_BALANCE = 1_000;

    @Test
    void sixtyFourClientsNeverOverdrawTenNoOverdraftAccounts() throws Exception {
        var ledger = newLedger();
        var funding = account(ledger, "{\"asset\":\"USD\"}");
        List<UUID> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            var id = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
            transfer(ledger, funding, id, INITIAL_BALANCE, "USD").expect(201);
            accounts.add(id);
        }
        var outcomes = new ConcurrentHashMap<String, AtomicInteger>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                var random = new Random(c);
                clients.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int t = 0; t < TRANSFERS_PER_CLIENT; t++) {
                        var from = accounts.get(random.nextInt(ACCOUNTS));
                        var to = accounts.get(random.nextInt(ACCOUNTS));
                        if (from.equals(to)) continue;
                        var response = transfer(ledger, from, to, 1 + random.nextInt(400), "USD");
                        var outcome = response.status() == 201 ? "posted" : response.code();
                        outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var client : clients) {
                client.get();
            }
        }
        assertThat(outcomes.keySet()).as("outcomes %s", outcomes).containsOnly("posted", "INSUFFICIENT_FUNDS");
        assertThat(outcomes.get("INSUFFICIENT_FUNDS")).as("the test must actually hit the constraint").isNotNull();
        long total = 0;
        for (var account : accounts) {
            var balance = get("/v1/accounts/" + account, ledger.readKey()).expect(200).body().get("balance");
            assertThat(balance.get("posted").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(balance.get("available").asLong()).isGreaterThanOrEqualTo(0);
            total += balance.get("posted").asLong();
        }
        assertThat(total).as("money is neither created nor destroyed").isEqualTo(ACCOUNTS * INITIAL_BALANCE);
        assertVerifyClean();
    }

    @Test
    void fiftyConcurrentIdenticalRequestsWithOneKeyHaveExactlyOneEffect() throws Exception {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var body = "{\"from\":\"" + a + "\",\"to\":\"" + b + "\",\"amount\":500,\"asset\":\"USD\"}";
        var start = new CountDownLatch(1);
        List<java.util.concurrent.Future<Response>> answers = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return post("/v1/transfers", ledger.writeKey(), body, "same-key-" + ledger.id());
                }));
            }
            start.countDown();
            var bodies = new HashSet<String>();
            int replays = 0;
            for (var answer : answers) {
                var response = answer.get().expect(201);
                bodies.add(response.raw());
                if (response.headers().firstValue("Idempotent-Replayed").isPresent()) replays++;
            }
            assertThat(bodies).as("every caller gets the same answer").hasSize(1);
            assertThat(replays).isEqualTo(49);
        }
        assertThat(postedBalance(ledger, b)).isEqualTo(500);
        var transfers = get("/v1/accounts/" + b + "/transfers", ledger.readKey()).expect(200).body().get("items");
        assertThat(transfers.size()).isEqualTo(1);
        assertVerifyClean();
    }
}
