package dev.creditledger.chaos;

import dev.creditledger.core.Limits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A ledger of the kit, set up through the public API as a client would: the ledger (operator key), a write
 * key allowed the highest rate (the kit tests faults, not the rate limit), an unconstrained issuer account
 * and {@code walletCount} {@code noOverdraft} wallets in {@link #ASSET}. Funding the wallets is left to the
 * load, so it is recorded and checked like every other write.
 */
record ChaosLedger(UUID id, String name, String writeKey, UUID issuer, List<UUID> wallets) {

    static final String ASSET = "USD";

    static ChaosLedger create(ServiceProcess instance, String operatorKey, String name, int walletCount)
            throws IOException, InterruptedException {
        UUID ledgerId;
        String key;
        try (var admin = new ApiClient(operatorKey)) {
            // On the default cluster, whose journal the checker reads.
            ledgerId = UUID.fromString(admin.post(instance, "/v1/admin/ledgers", "{\"name\":\"" + name + "\",\"cluster\":\"main\"}",
                            operatorKey, 201)
                    .path("id").asString());
            key = admin.post(instance, "/v1/admin/ledgers/" + ledgerId + "/keys",
                    "{\"role\":\"write\",\"name\":\"chaos\",\"ratePerSecond\":" + Limits.KEY_RATE_PER_SECOND_MAX + "}", operatorKey, 201)
                    .path("key").asString();
        }
        try (var client = new ApiClient(key)) {
            var issuer = open(client, instance, key, "{\"asset\":\"" + ASSET + "\",\"code\":\"issuer\"}");
            List<UUID> wallets = new ArrayList<>();
            for (int i = 0; i < walletCount; i++) {
                wallets.add(open(client, instance, key, "{\"asset\":\"" + ASSET + "\",\"code\":\"wallet-" + i + "\",\"noOverdraft\":true}"));
            }
            return new ChaosLedger(ledgerId, name, key, issuer, List.copyOf(wallets));
        }
    }

    private static UUID open(ApiClient client, ServiceProcess instance, String key, String body) throws IOException, InterruptedException {
        return UUID.fromString(client.post(instance, "/v1/accounts", body, key, 201).path("id").asString());
    }
}
