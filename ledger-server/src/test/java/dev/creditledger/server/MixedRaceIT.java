package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Many clients on few accounts, mixing every kind of write at once: transfers between noOverdraft
 * wallets, holds, captures and voids of the same holds by several clients, partial reversals of the
 * same transfers, grants, spends that draw them, and storms of one idempotency key. Afterwards: every
 * answer is a success or a named refusal (no 5xx); no wallet is overdrawn; each hold was resolved at
 * most once; no transfer was reversed beyond what it posted; each storm key had one effect; money was
 * neither created nor destroyed (issued = held by the accounts); and verify is clean (balances, grants,
 * transfer states, trial balance).
 */
class MixedRaceIT extends E2eTestBase {

    private static final int CLIENTS = 32;
    private static final int OPERATIONS_PER_CLIENT = 50;
    private static final int WALLETS = 4;

    @Test
    void mixedWritesOnFewAccountsKeepEveryInvariant() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        var merchant = account(ledger, "{\"asset\":\"CREDITS\"}");
        List<UUID> wallets = new ArrayList<>();
        for (int i = 0; i < WALLETS; i++) {
            var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
            transfer(ledger, issuer, wallet, 500, "CREDITS").expect(201);
            wallets.add(wallet);
        }
        var expiresAt = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        List<UUID> holds = new CopyOnWriteArrayList<>();
        List<UUID> transfers = new CopyOnWriteArrayList<>();
        Map<UUID, AtomicInteger> resolutions = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> serverErrors = new CopyOnWriteArrayList<>();
        var stormKeys = List.of("storm-1", "storm-2", "storm-3");
        var start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(CLIENTS)) {
            List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                var random = new Random(100 + c);
                clients.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    for (int op = 0; op < OPERATIONS_PER_CLIENT; op++) {
                        var wallet = wallets.get(random.nextInt(WALLETS));
                        var other = wallets.get(random.nextInt(WALLETS));
                        int dice = random.nextInt(100);
                        String kind;
                        Response response;
                        if (dice < 25) {
                            kind = "transfer";
                            response = transfer(ledger, wallet, other.equals(wallet) ? merchant : other, 1 + random.nextInt(120), "CREDITS");
                            if (response.status() == 201) transfers.add(response.id());
                        } else if (dice < 40) {
                            kind = "hold";
                            response = post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + wallet + "\",\"to\":\"" + merchant
                                    + "\",\"amount\":" + (1 + random.nextInt(80)) + ",\"asset\":\"CREDITS\",\"pending\":true}");
                            if (response.status() == 201) holds.add(response.id());
                        } else if (dice < 55 && !holds.isEmpty()) {
                            var hold = holds.get(random.nextInt(holds.size()));
                            kind = random.nextBoolean() ? "capture" : "void";
                            response = post("/v1/transfers/" + hold + "/" + kind, ledger.writeKey(), kind.equals("capture")
                                    ? "{\"amount\":" + (1 + random.nextInt(10)) + "}" : "{}");
                            if (response.status() == 201) resolutions.computeIfAbsent(hold, h -> new AtomicInteger()).incrementAndGet();
                        } else if (dice < 65 && !transfers.isEmpty()) {
                            kind = "reverse";
                            response = post("/v1/transfers/" + transfers.get(random.nextInt(transfers.size())) + "/reverse",
                                    ledger.writeKey(), "{\"amount\":" + (1 + random.nextInt(40)) + "}");
                        } else if (dice < 80) {
                            kind = "grant";
                            response = post("/v1/grants", ledger.writeKey(), "{\"account\":\"" + wallet + "\",\"from\":\"" + issuer
                                    + "\",\"amount\":" + (1 + random.nextInt(60)) + ",\"asset\":\"CREDITS\",\"expiresAt\":\"" + expiresAt + "\"}");
                        } else if (dice < 90) {
                            kind = "storm";
                            var key = stormKeys.get(random.nextInt(stormKeys.size()));
                            response = post("/v1/transfers", ledger.writeKey(), transferJson(issuer, wallets.get(stormKeys.indexOf(key)), 7,
                                    "CREDITS"), key);
                        } else {
                            kind = "spend";
                            response = transfer(ledger, wallet, merchant, 1 + random.nextInt(200), "CREDITS");
                        }
                        if (response.status() >= 500) {
                            serverErrors.add(kind + ": " + response.raw());
                        }
                        var outcome = kind + " " + (response.status() < 300 ? "ok" : response.code());
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
        System.out.println("mixed race outcomes: " + new java.util.TreeMap<>(outcomes));
        assertThat(serverErrors).as("5xx answers").isEmpty();
        assertThat(outcomes.keySet()).as("the race must exercise refusals too").contains("transfer INSUFFICIENT_FUNDS",
                "hold ok", "grant ok");
        assertThat(outcomes.keySet().stream().filter(o -> o.startsWith("capture") || o.startsWith("void")))
                .as("holds raced: some resolved, some found already resolved").contains("capture ok")
                .anyMatch(o -> o.endsWith("HOLD_NOT_PENDING"));
        assertThat(resolutions.values()).allSatisfy(count -> assertThat(count.get()).as("resolutions of one hold").isEqualTo(1));

        long held = 0;
        for (var account : get("/v1/accounts?limit=1000", ledger.readKey()).expect(200).body().get("items")) {
            var balance = account.get("balance");
            if (account.get("noOverdraft").asBoolean()) {
                assertThat(balance.get("available").asLong()).as("wallet %s", account.get("id")).isGreaterThanOrEqualTo(0);
            }
            if (!account.get("id").asString().equals(issuer.toString())) {
                held += balance.get("posted").asLong();
            }
        }
        long issued = -get("/v1/accounts/" + issuer, ledger.readKey()).expect(200).body().get("balance").get("posted").asLong();
        assertThat(held).as("what the issuer issued is held by the other accounts, to the unit").isEqualTo(issued);
        for (var key : stormKeys) {
            var wallet = wallets.get(stormKeys.indexOf(key));
            int effects = 0;
            for (var change : get("/v1/accounts/" + wallet + "/explain?limit=1000", ledger.readKey()).expect(200).body().get("changes")) {
                if (key.equals(change.path("idempotencyKey").asString(null))) {
                    effects++;
                }
            }
            assertThat(effects).as("journal changes of storm key %s", key).isEqualTo(1);
        }
        assertVerifyClean();
    }
}
