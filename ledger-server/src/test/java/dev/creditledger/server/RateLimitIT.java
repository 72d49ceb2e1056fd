package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.TestInfrastructure;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Rate limits over HTTP, on a service of its own with a throttle of 5 bad keys per address and minute:
 * a key with its own rate (3 per second) gets 429 RATE_LIMITED with Retry-After beyond it and is served
 * again a second later, while another key of the ledger is not affected; an address that presented 5
 * unknown keys gets 429 AUTH_THROTTLED for the next unknown one (no database read), while a key that
 * authenticated on this instance in the last ten minutes keeps working, even after its one-second cache
 * entry expired; rates are validated at their edges.
 */
@DirtiesContext
class RateLimitIT extends ApiTestBase {

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            service(registry, "rate_limit", TestInfrastructure.kafka());
            registry.add("ledger.rate-limit.bad-keys-per-address-per-minute", () -> "5");
            // Its own topics on the shared broker: the shared service's projector must not read this service's events.
            registry.add("ledger.kafka.topic-prefix", () -> "ratelimit");
        });
    }

    @Test
    void aKeyBeyondItsRateAndAnAddressPresentingBadKeysAreRefusedWithRetryAfter() throws Exception {
        var ledger = newLedger();
        var slow = post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"ratePerSecond\":3}")
                .expect(201).body();
        assertThat(slow.get("ratePerSecond").asInt()).isEqualTo(3);
        var slowKey = slow.get("key").asString();
        get("/v1/accounts", ledger.readKey()).expect(200); // the other key, known to this instance from now on

        Thread.sleep(1_100); // time must pass: a full bucket
        for (int i = 0; i < 3; i++) {
            get("/v1/accounts", slowKey).expect(200);
        }
        var limited = assertProblem(get("/v1/accounts", slowKey), 429, "RATE_LIMITED");
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        get("/v1/accounts", ledger.readKey()).expect(200);
        Thread.sleep(1_100); // time must pass: the bucket refills at 3 a second
        get("/v1/accounts", slowKey).expect(200);

        for (int i = 0; i < 5; i++) {
            assertProblem(get("/v1/accounts", "cla_no_such_key_" + i), 401, "UNAUTHORIZED");
        }
        var throttled = assertProblem(get("/v1/accounts", "cla_no_such_key_again"), 429, "AUTH_THROTTLED");
        assertThat(Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
        Thread.sleep(1_100); // time must pass: past the key cache's 1 s: the key is read again, not refused
        get("/v1/accounts", ledger.readKey()).expect(200); // a known key from the same address still works

        for (var rate : new String[] {"0", "-1", "1000001"}) {
            assertProblem(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"ratePerSecond\":" + rate + "}"),
                    400, "VALIDATION_FAILED");
        }
        assertThat(post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"ratePerSecond\":1000000}")
                .expect(201).body().get("ratePerSecond").asInt()).isEqualTo(1_000_000);
        assertThat(call("GET", "/v1/accounts", ledger.readKey(), null, Map.of()).status()).isEqualTo(200);
    }
}
