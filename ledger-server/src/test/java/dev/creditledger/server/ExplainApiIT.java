package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * "Why 37 and not 41?": a wallet gets a grant of 13 that expires soon and a top-up of 37, spends 9 (from
 * the grant), and the 4 left of the grant expire. The explanation must tell exactly that, in order,
 * with the running balance, the grant touched, the other account's code, the key and the metadata.
 */
class ExplainApiIT extends E2eTestBase {

    @Test
    void explainsWhyTheBalanceIs37AndNot41() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\",\"code\":\"plan:pro\"}");
        var issuer = account(ledger, "{\"asset\":\"CREDITS\",\"code\":\"issuer\"}");
        var shop = account(ledger, "{\"asset\":\"CREDITS\",\"code\":\"shop\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"code\":\"wallet:acme\",\"noOverdraft\":true}");
        var grant = post("/v1/grants", ledger.writeKey(), "{\"account\":\"" + wallet + "\",\"from\":\"" + plan
                + "\",\"amount\":13,\"asset\":\"CREDITS\",\"expiresAt\":\"" + Instant.now().plusSeconds(5) + "\"}").expect(201).id();
        post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + issuer + "\",\"to\":\"" + wallet
                + "\",\"amount\":37,\"asset\":\"CREDITS\",\"metadata\":{\"invoice\":\"in_42\"}}").expect(201);
        post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + wallet + "\",\"to\":\"" + shop
                + "\",\"amount\":9,\"asset\":\"CREDITS\",\"metadata\":{\"order\":\"o_7\"}}", "spend-o_7").expect(201);
        awaitGrantStatus(ledger, grant, "EXPIRED");

        var explained = get("/v1/accounts/" + wallet + "/explain", ledger.readKey()).expect(200).body();
        assertThat(explained.get("code").asString()).isEqualTo("wallet:acme");
        assertThat(explained.get("openingBalance").get("posted").asLong()).isZero();
        assertThat(explained.get("closingBalance").get("posted").asLong()).isEqualTo(37);
        var changes = explained.get("changes");
        assertThat(texts(changes, "kind")).containsExactly("GRANT", "RECEIPT", "SPEND", "EXPIRY");
        assertThat(longs(changes, "amount")).containsExactly(13L, 37L, -9L, -4L);
        assertThat(longs(changes, "balance")).containsExactly(13L, 50L, 41L, 37L);
        var spend = changes.get(2);
        assertThat(spend.get("counterparties").get(0).get("code").asString()).isEqualTo("shop");
        assertThat(spend.get("idempotencyKey").asString()).isEqualTo("spend-o_7");
        assertThat(spend.get("metadata").get("order").asString()).isEqualTo("o_7");
        assertThat(spend.get("grants").get(0).get("grant").asString()).isEqualTo(grant.toString());
        assertThat(spend.get("grants").get(0).get("kind").asString()).isEqualTo("CONSUMED");
        assertThat(spend.get("grants").get(0).get("amount").asLong()).isEqualTo(9);
        assertThat(spend.get("description").asString()).startsWith("Spent 9 CREDITS to shop").contains("9 from grant " + grant);
        var expiry = changes.get(3);
        assertThat(expiry.get("entryKind").asString()).isEqualTo("GRANT_EXPIRY");
        assertThat(expiry.get("transferId").asString()).isEqualTo(grant.toString());
        assertThat(expiry.get("counterparties").get(0).get("code").asString()).isEqualTo("breakage.CREDITS");
        assertThat(expiry.get("description").asString()).contains("expired").contains("4 CREDITS");
        assertThat(changes.get(0).get("description").asString()).startsWith("Received a grant of 13 CREDITS from plan:pro");
        assertThat(changes.get(1).get("metadata").get("invoice").asString()).isEqualTo("in_42");

        var first = get("/v1/accounts/" + wallet + "/explain?limit=3", ledger.readKey()).expect(200).body();
        assertThat(first.get("changes")).hasSize(3);
        var rest = get("/v1/accounts/" + wallet + "/explain?limit=3&cursor=" + first.get("nextCursor").asString(), ledger.readKey())
                .expect(200).body();
        assertThat(texts(rest.get("changes"), "kind")).containsExactly("EXPIRY");
        assertThat(rest.get("openingBalance").get("posted").asLong()).isEqualTo(41);
    }

    @Test
    void unknownAccountsAndBadRangesAreProblems() {
        var ledger = newLedger();
        var wallet = account(ledger, "{\"asset\":\"CREDITS\"}");
        assertProblem(get("/v1/accounts/" + UUID.randomUUID() + "/explain", ledger.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + wallet + "/explain?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", ledger.readKey()),
                400, "VALIDATION_FAILED");
        var empty = get("/v1/accounts/" + wallet + "/explain", ledger.readKey()).expect(200).body();
        assertThat(empty.get("changes")).isEmpty();
    }

    private void awaitGrantStatus(TestLedger ledger, UUID grant, String status) {
        Await.until(java.time.Duration.ofSeconds(30), "status " + status + " of grant " + grant,
                () -> get("/v1/grants/" + grant, ledger.readKey()).expect(200).body().get("status").asString(), status::equals);
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asString()));
        return values;
    }

    private static List<Long> longs(JsonNode array, String field) {
        List<Long> values = new ArrayList<>();
        array.forEach(n -> values.add(n.get(field).asLong()));
        return values;
    }
}
