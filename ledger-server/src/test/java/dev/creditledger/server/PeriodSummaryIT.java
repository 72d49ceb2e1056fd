package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The invoicing summary of a billing period, checked twice: against figures worked out by hand for a
 * scripted period (a top-up before it; two grants, usage with overage, a receipt, a spend and an expiry
 * inside it), and against the postings of the period summed independently from the statements.
 */
class PeriodSummaryIT extends E2eTestBase {

    @Test
    void theSummaryReconcilesToTheUnitWithThePostings() throws Exception {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        var plan = account(ledger, "{\"asset\":\"CREDITS\"}");
        var shop = account(ledger, "{\"asset\":\"CREDITS\"}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\",\"overdraftLimit\":1000}");
        transfer(ledger, issuer, wallet, 50, "CREDITS").expect(201);                     // before the period
        // Time passes on purpose around the period's bounds: the service stamps entries with the system clock this
        // test reads, so 5 ms puts `from` strictly after the transfer above and strictly before the writes below.
        Thread.sleep(5);
        var from = Instant.now();
        Thread.sleep(5);
        grant(ledger, wallet, plan, 1000, null);                                           // included
        usage(ledger, wallet, overage, revenue, 600);                                      // all from the credits
        usage(ledger, wallet, overage, revenue, 700);                                      // 450 from the credits, 250 owed
        transfer(ledger, issuer, wallet, 30, "CREDITS").expect(201);                     // another credit
        var shortLived = grant(ledger, wallet, plan, 100, Instant.now().plusSeconds(3)); // included, 90 of it expires
        transfer(ledger, wallet, shop, 10, "CREDITS").expect(201);                       // another debit
        awaitExpired(ledger, shortLived);
        Thread.sleep(5); // on purpose, as above: `to` strictly after the expiry's entry
        var to = Instant.now();

        var summary = get("/v1/accounts/" + wallet + "/period-summary?from=" + from + "&to=" + to + "&overageAccount=" + overage,
                ledger.readKey()).expect(200).body();
        assertThat(summary.get("openingBalance").asLong()).isEqualTo(50);
        assertThat(summary.get("included").asLong()).isEqualTo(1100);
        assertThat(summary.get("otherCredits").asLong()).isEqualTo(30);
        assertThat(summary.get("usedFromCredits").asLong()).isEqualTo(1050);
        assertThat(summary.get("overage").asLong()).isEqualTo(250);
        assertThat(summary.get("used").asLong()).isEqualTo(1300);
        assertThat(summary.get("expired").asLong()).isEqualTo(90);
        assertThat(summary.get("otherDebits").asLong()).isEqualTo(10);
        assertThat(summary.get("carriedOver").asLong()).as("50 + 1100 + 30 - 1050 - 90 - 10").isEqualTo(30);
        assertThat(summary.get("carriedOver").asLong()).isEqualTo(postedBalance(ledger, wallet));

        // The same figures from the statements of the period, summed here by entry kind and side.
        var walletSums = statementSums(ledger, wallet, from, to);
        var overageSums = statementSums(ledger, overage, from, to);
        assertThat(summary.get("included").asLong()).isEqualTo(walletSums.getOrDefault("GRANT/CREDIT", 0L));
        assertThat(summary.get("usedFromCredits").asLong()).isEqualTo(walletSums.getOrDefault("USAGE/DEBIT", 0L));
        assertThat(summary.get("expired").asLong()).isEqualTo(walletSums.getOrDefault("GRANT_EXPIRY/DEBIT", 0L));
        assertThat(summary.get("overage").asLong()).isEqualTo(overageSums.getOrDefault("USAGE/DEBIT", 0L));
        long credits = walletSums.entrySet().stream().filter(e -> e.getKey().endsWith("/CREDIT")).mapToLong(Map.Entry::getValue).sum();
        long debits = walletSums.entrySet().stream().filter(e -> e.getKey().endsWith("/DEBIT")).mapToLong(Map.Entry::getValue).sum();
        assertThat(summary.get("otherCredits").asLong()).isEqualTo(credits - walletSums.getOrDefault("GRANT/CREDIT", 0L));
        assertThat(summary.get("otherDebits").asLong()).isEqualTo(debits - walletSums.getOrDefault("USAGE/DEBIT", 0L)
                - walletSums.getOrDefault("GRANT_EXPIRY/DEBIT", 0L));
        assertThat(summary.get("openingBalance").asLong() + credits - debits).isEqualTo(summary.get("carriedOver").asLong());

        assertProblem(get("/v1/accounts/" + wallet + "/period-summary?from=" + to + "&to=" + from, ledger.readKey()), 400,
                "VALIDATION_FAILED");
        assertProblem(get("/v1/accounts/" + wallet + "/period-summary?from=" + from, ledger.readKey()), 400, "VALIDATION_FAILED");
        assertProblem(get("/v1/accounts/" + UUID.randomUUID() + "/period-summary?from=" + from + "&to=" + to, ledger.readKey()), 404,
                "ACCOUNT_NOT_FOUND");
    }

    /** Posted amounts of the account's statement lines in [from, to), by entry kind and side ("USAGE/DEBIT"). */
    private Map<String, Long> statementSums(TestLedger ledger, UUID account, Instant from, Instant to) {
        Map<String, Long> sums = new HashMap<>();
        var lines = get("/v1/accounts/" + account + "/statement?from=" + from + "&to=" + to + "&limit=1000", ledger.readKey())
                .expect(200).body().get("lines");
        lines.forEach(l -> sums.merge(l.get("type").asString() + "/" + l.get("side").asString(), l.get("amount").asLong(), Long::sum));
        return sums;
    }

    private UUID grant(TestLedger ledger, UUID account, UUID from, long amount, Instant expiresAt) {
        return post("/v1/grants", ledger.writeKey(), "{\"account\":\"" + account + "\",\"from\":\"" + from + "\",\"amount\":" + amount
                + ",\"asset\":\"CREDITS\"" + (expiresAt == null ? "" : ",\"expiresAt\":\"" + expiresAt + "\"") + "}").expect(201).id();
    }

    private void usage(TestLedger ledger, UUID account, UUID overage, UUID revenue, long amount) {
        post("/v1/usage", ledger.writeKey(), "{\"account\":\"" + account + "\",\"overageAccount\":\"" + overage + "\",\"revenueAccount\":\""
                + revenue + "\",\"amount\":" + amount + ",\"asset\":\"CREDITS\"}").expect(201);
    }

    private void awaitExpired(TestLedger ledger, UUID grant) {
        Await.until(java.time.Duration.ofSeconds(30), "grant " + grant + " expired",
                () -> "EXPIRED".equals(get("/v1/grants/" + grant, ledger.readKey()).expect(200).body().get("status").asString()));
    }
}
