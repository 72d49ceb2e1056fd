package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.TestInfrastructure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code GET /v1/closes/{date}} on a service of its own whose clock the test sets back two days: a ledger written
 * then, closed by the worker's closer once the clock is back to now, answers its day's close (sequences, hash,
 * trial balance, closing balances paged by account) to its own read key and to no other ledger's; a day not
 * closed is 404 and a date that is not one is 400.
 */
@Import(ClosesApiIT.ClockConfig.class)
@DirtiesContext
class ClosesApiIT extends ApiTestBase {

    /** How far the service's clock is behind the real one. */
    static final AtomicReference<Duration> BEHIND = new AtomicReference<>(Duration.ZERO);

    @TestConfiguration
    static class ClockConfig {
        @Bean
        @Primary
        Clock settableClock() {
            return new Clock() {
                @Override
                public Instant instant() {
                    return Instant.now().minus(BEHIND.get());
                }

                @Override
                public ZoneId getZone() {
                    return ZoneOffset.UTC;
                }

                @Override
                public Clock withZone(ZoneId zone) {
                    return Clock.offset(Clock.system(zone), BEHIND.get().negated());
                }
            };
        }
    }

    @Autowired
    private ClusterJournals journals;

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) {
        OWN_SERVICE.set(registry -> {
            service(registry, "closes", TestInfrastructure.kafka());
            registry.add("ledger.kafka.topic-prefix", () -> "closes");
        });
    }

    @Test
    void aClosedDayAnswersItsTrialBalanceHashAndClosingBalances() throws Exception {
        var now = Instant.now();
        var day = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(2);
        BEHIND.set(Duration.between(day.atTime(10, 0).toInstant(ZoneOffset.UTC), now));
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\"}");
        var bob = account(ledger, "{\"asset\":\"EUR\"}");
        transfer(ledger, issuer, alice, 1_250, "USD").expect(201);
        BEHIND.set(Duration.ZERO);
        var other = newLedger();
        transfer(ledger, alice, issuer, 50, "USD").expect(201); // today: not in the close

        journals.all().getFirst().closer().closeDue(); // the worker may have closed them already: a close is idempotent
        var close = get("/v1/closes/" + day + "?limit=2", ledger.readKey()).expect(200).body();
        assertThat(close.get("date").asString()).isEqualTo(day.toString());
        assertThat(close.get("ledgerId").asString()).isEqualTo(ledger.id().toString());
        assertThat(close.get("timeZone").asString()).isEqualTo("UTC");
        assertThat(close.get("startsAt").asString()).isEqualTo(day + "T00:00:00Z");
        assertThat(close.get("endsAt").asString()).isEqualTo(day.plusDays(1) + "T00:00:00Z");
        assertThat(close.get("firstSeq").asLong()).isEqualTo(1);
        assertThat(close.get("lastSeq").asLong()).as("three accounts and a transfer").isEqualTo(4);
        assertThat(close.get("journalSha256").asString()).matches("[0-9a-f]{64}");
        assertThat(close.get("accounts").asLong()).isEqualTo(3);
        assertThat(close.get("totals")).hasSize(2);
        for (var total : close.get("totals")) {
            assertThat(total.get("creditsPosted").asLong()).as("trial balance of %s", total.get("asset")).isEqualTo(total.get("debitsPosted").asLong());
        }
        var balances = close.get("balances");
        assertThat(balances.get("items")).hasSize(2);
        var rest = get("/v1/closes/" + day + "?limit=2&cursor=" + balances.get("nextCursor").asString(), ledger.readKey()).expect(200).body();
        assertThat(rest.get("balances").get("items")).hasSize(1);
        var all = new java.util.HashMap<String, Long>();
        for (var page : java.util.List.of(balances.get("items"), rest.get("balances").get("items"))) {
            page.forEach(b -> all.put(b.get("account").asString(), b.get("creditsPosted").asLong() - b.get("debitsPosted").asLong()));
        }
        assertThat(all).containsEntry(issuer.toString(), -1_250L).containsEntry(alice.toString(), 1_250L).containsEntry(bob.toString(), 0L);

        assertProblem(get("/v1/closes/" + day, other.readKey()), 404, "NOT_FOUND");
        assertProblem(get("/v1/closes/" + LocalDate.now(ZoneOffset.UTC), ledger.readKey()), 404, "NOT_FOUND");
        assertProblem(get("/v1/closes/2031-02-30", ledger.readKey()), 400, "VALIDATION_FAILED");
        assertThat(get("/v1/closes/" + day, null).status()).isEqualTo(401);
        assertThat(ChronoUnit.DAYS.between(day, LocalDate.now(ZoneOffset.UTC))).isEqualTo(2);
    }

    @Test
    void aLedgerIsCreatedWithTheTimeZoneOfItsClosesOrRefusedAClearProblem() {
        var name = "tokyo-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        var created = post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + name + "\",\"closeTimeZone\":\"Asia/Tokyo\"}").expect(201);
        assertThat(created.body().get("closeTimeZone").asString()).isEqualTo("Asia/Tokyo");
        var listed = get("/v1/admin/ledgers", OPERATOR_KEY).expect(200).body();
        var found = new java.util.ArrayList<String>();
        listed.forEach(l -> {
            if (l.get("name").asString().equals(name)) {
                found.add(l.get("closeTimeZone").asString());
            }
        });
        assertThat(found).containsExactly("Asia/Tokyo");
        newLedger();
        assertThat(get("/v1/admin/ledgers", OPERATOR_KEY).body().toString()).as("a ledger created without a zone closes UTC days")
                .contains("\"closeTimeZone\":\"UTC\"");

        for (var zone : java.util.List.of("Mars/Olympus_Mons", "", "A".repeat(65), "+25:00")) {
            assertProblem(post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"zone-" + java.util.UUID.randomUUID().toString().substring(0, 8)
                    + "\",\"closeTimeZone\":\"" + zone + "\"}"), 400, "VALIDATION_FAILED");
        }
        var edge = "zone-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        assertThat(post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"" + edge + "\",\"closeTimeZone\":\"+14:00\"}").expect(201)
                .body().get("closeTimeZone").asString()).as("an offset is a zone too").isEqualTo("+14:00");
    }
}
