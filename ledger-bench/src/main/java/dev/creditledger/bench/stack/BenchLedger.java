package dev.creditledger.bench.stack;

import dev.creditledger.bench.http.HttpConnection;
import dev.creditledger.bench.http.HttpResponse;
import dev.creditledger.bench.load.Accounts;
import dev.creditledger.bench.measure.AckLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sets up the bench's own ledger through the public HTTP API, as a client would: {@code POST
 * /v1/admin/ledgers {"name":"bench-<millis>"}} with the operator key, a write key for it, and
 * {@code accounts} USD accounts {@code bench-0..N-1} with no balance constraint (so no transfer is ever
 * refused for funds), opened over a few concurrent connections.
 *
 * What can go wrong: any refusal stops the set-up with the server's answer; an unknown outcome
 * (timeout, 5xx) of an account is retried with the same idempotency key, at most
 * {@link #ATTEMPTS_MAX} times, so a retry never opens a second account.
 */
public record BenchLedger(UUID ledgerId, String name, String writeKey, Accounts accounts, double setupSeconds) {

    public static final int ATTEMPTS_MAX = 3;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static BenchLedger create(Stack stack, int accountCount, int connections, int timeoutMs, AckLog acks)
            throws IOException, InterruptedException {
        return create(stack, "bench-" + System.currentTimeMillis(), accountCount, connections, timeoutMs, acks);
    }

    /** The same, with a name of the caller's (ledger names are unique). */
    public static BenchLedger create(Stack stack, String name, int accountCount, int connections, int timeoutMs, AckLog acks)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        UUID ledgerId;
        String key;
        try (var admin = new HttpConnection(stack.baseUrl(), stack.adminKey(), timeoutMs)) {
            var ledger = expect(admin.post("/v1/admin/ledgers", json("{\"name\":\"" + name + "\"}")), 201, "creating the bench ledger");
            ledgerId = UUID.fromString(ledger.path("id").asString());
            // The kit measures the engine, not the rate limit: its key may send as much as a key may.
            var created = expect(admin.post("/v1/admin/ledgers/" + ledgerId + "/keys", json("{\"role\":\"write\",\"name\":\"bench\","
                            + "\"ratePerSecond\":" + dev.creditledger.core.Limits.KEY_RATE_PER_SECOND_MAX + "}")),
                    201, "creating the bench ledger's write key");
            key = created.path("key").asString();
        }
        var ids = new String[accountCount];
        var next = new AtomicInteger();
        var failure = new AtomicReference<Exception>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < Math.max(1, connections); c++) {
            threads.add(Thread.ofPlatform().name("bench-setup-" + c).start(() -> {
                try (var connection = new HttpConnection(stack.baseUrl(), key, timeoutMs)) {
                    for (int i = next.getAndIncrement(); i < accountCount && failure.get() == null; i = next.getAndIncrement()) {
                        ids[i] = openAccount(connection, name, i, acks);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (var t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IOException("opening the bench accounts failed: " + failure.get().getMessage(), failure.get());
        }
        return new BenchLedger(ledgerId, name, key, new Accounts(Arrays.asList(ids)), (System.nanoTime() - started) / 1e9);
    }

    private static String openAccount(HttpConnection connection, String ledgerName, int index, AckLog acks) throws IOException {
        var body = json("{\"asset\":\"USD\",\"code\":\"bench-" + index + "\",\"idempotencyKey\":\"" + ledgerName + "-account-" + index + "\"}");
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS_MAX; attempt++) {
            try {
                var response = connection.post("/v1/accounts", body);
                if (response.status() >= 500) {
                    last = new IOException("POST /v1/accounts answered " + response.status() + " " + response.bodyText());
                    continue;
                }
                var account = expect(response, 201, "opening account bench-" + index);
                acks.acknowledged(response.ledgerSeq(), System.nanoTime());
                return account.path("id").asString();
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The parsed body of a response that must have the given status. */
    public static JsonNode expect(HttpResponse response, int status, String what) throws IOException {
        if (response.status() != status) {
            throw new IOException(what + ": expected " + status + ", got " + response.status() + " " + response.bodyText());
        }
        return JSON.readTree(response.body());
    }
}
