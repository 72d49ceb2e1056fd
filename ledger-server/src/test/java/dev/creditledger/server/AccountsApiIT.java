package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Accounts over HTTP: open, read, list with filters and pages, balances now and in the past, statements, close. */
class AccountsApiIT extends E2eTestBase {

    @Test
    void createReturnsTheAccountAsOpenedAndGetReturnsTheSame() {
        var ledger = newLedger();
        var created = post("/v1/accounts", ledger.writeKey(),
                "{\"asset\":\"USD\",\"code\":\"wallet:alice\",\"noOverdraft\":true,\"metadata\":{\"customer\":\"alice\"}}").expect(201);
        var body = created.body();
        assertThat(created.contentType()).startsWith("application/json");
        assertThat(body.get("code").asString()).isEqualTo("wallet:alice");
        assertThat(body.get("asset").asString()).isEqualTo("USD");
        assertThat(body.get("normalSide").asString()).isEqualTo("CREDIT");
        assertThat(body.get("noOverdraft").asBoolean()).isTrue();
        assertThat(body.get("overdraftLimit").asLong()).isZero();
        assertThat(body.get("status").asString()).isEqualTo("OPEN");
        assertThat(body.get("version").asLong()).isZero();
        assertThat(body.get("metadata").get("customer").asString()).isEqualTo("alice");
        assertThat(Instant.parse(body.get("createdAt").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(body.get("seq").asLong()).isPositive();
        assertZeroBalance(body.get("balance"));

        var read = get("/v1/accounts/" + created.id(), ledger.readKey()).expect(200);
        assertThat(read.body()).isEqualTo(body);
    }

    @Test
    void debitNormalSideAndOverdraftLimitAndTheCurrencyAlias() {
        var ledger = newLedger();
        var body = post("/v1/accounts", ledger.writeKey(), "{\"currency\":\"EUR\",\"normalSide\":\"DEBIT\",\"overdraftLimit\":500}")
                .expect(201).body();
        assertThat(body.get("asset").asString()).isEqualTo("EUR");
        assertThat(body.get("normalSide").asString()).isEqualTo("DEBIT");
        assertThat(body.get("noOverdraft").asBoolean()).isFalse();
        assertThat(body.get("overdraftLimit").asLong()).isEqualTo(500);
        assertThat(body.has("code")).isFalse();

        // A DEBIT-normal account grows when debited.
        var cash = UUID.fromString(body.get("id").asString());
        var other = account(ledger, "{\"asset\":\"EUR\"}");
        transfer(ledger, other, cash, 70, "EUR").expect(201);
        assertThat(postedBalance(ledger, cash)).isEqualTo(-70);
        transfer(ledger, cash, other, 200, "EUR").expect(201);
        assertThat(postedBalance(ledger, cash)).isEqualTo(130);
        // The overdraft limit applies to a CREDIT-normal account as the floor of its available balance.
        var limited = account(ledger, "{\"asset\":\"EUR\",\"overdraftLimit\":100}");
        transfer(ledger, limited, other, 100, "EUR").expect(201);
        assertProblem(transfer(ledger, limited, other, 1, "EUR"), 422, "INSUFFICIENT_FUNDS");
        assertThat(postedBalance(ledger, limited)).isEqualTo(-100);
    }

    @Test
    void listFiltersByAssetCodeAndMetadata() {
        var ledger = newLedger();
        var usd = account(ledger, "{\"asset\":\"USD\",\"code\":\"a\",\"metadata\":{\"tier\":\"gold\",\"region\":\"eu\"}}");
        var eur = account(ledger, "{\"asset\":\"EUR\",\"code\":\"b\",\"metadata\":{\"tier\":\"gold\"}}");
        var usd2 = account(ledger, "{\"asset\":\"USD\",\"metadata\":{\"tier\":\"silver\"}}");

        assertThat(ids(get("/v1/accounts", ledger.readKey()).expect(200).body())).containsExactly(usd, eur, usd2);
        assertThat(ids(get("/v1/accounts?asset=USD", ledger.readKey()).expect(200).body())).containsExactly(usd, usd2);
        assertThat(ids(get("/v1/accounts?code=b", ledger.readKey()).expect(200).body())).containsExactly(eur);
        assertThat(ids(get("/v1/accounts?metadata.tier=gold", ledger.readKey()).expect(200).body())).containsExactly(usd, eur);
        assertThat(ids(get("/v1/accounts?metadata.tier=gold&metadata.region=eu", ledger.readKey()).expect(200).body()))
                .containsExactly(usd);
        assertThat(ids(get("/v1/accounts?metadata.tier=gold&asset=USD", ledger.readKey()).expect(200).body())).containsExactly(usd);
        assertThat(ids(get("/v1/accounts?metadata.tier=bronze", ledger.readKey()).expect(200).body())).isEmpty();
        assertThat(ids(get("/v1/accounts?asset=GBP", ledger.readKey()).expect(200).body())).isEmpty();
        assertThat(get("/v1/accounts?asset=USD", ledger.readKey()).body().get("nextCursor").isNull()).isTrue();
    }

    @Test
    void listPagesWithCursorInCreationOrder() {
        var ledger = newLedger();
        List<UUID> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(account(ledger, "{\"asset\":\"USD\"}"));
        }
        List<UUID> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String path = "/v1/accounts?limit=2";
        while (true) {
            var page = get(path, ledger.readKey()).expect(200).body();
            sizes.add(page.get("items").size());
            seen.addAll(ids(page));
            if (page.get("nextCursor").isNull()) {
                break;
            }
            path = "/v1/accounts?limit=2&cursor=" + page.get("nextCursor").asString();
        }
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).containsExactlyElementsOf(created);
    }

    @Test
    void balanceAsOfAnInstantBetweenTwoTransfersIsTheBalanceThen() throws Exception {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var first = Instant.parse(transfer(ledger, a, b, 100, "USD").expect(201).body().get("createdAt").asString());
        Thread.sleep(30); // on purpose: the two transfers' times (the service's system clock) 30 ms apart, an instant between them
        var second = Instant.parse(transfer(ledger, a, b, 50, "USD").expect(201).body().get("createdAt").asString());
        assertThat(second).isAfter(first);
        var between = first.plus(java.time.Duration.between(first, second).dividedBy(2));

        var now = get("/v1/accounts/" + b + "/balance", ledger.readKey()).expect(200).body();
        assertThat(now.get("accountId").asString()).isEqualTo(b.toString());
        assertThat(now.get("asset").asString()).isEqualTo("USD");
        assertThat(now.get("asOf").isNull()).isTrue();
        assertThat(now.get("balance").get("posted").asLong()).isEqualTo(150);
        assertThat(now.get("balance").get("creditsPosted").asLong()).isEqualTo(150);

        var then = get("/v1/accounts/" + b + "/balance?asOf=" + between, ledger.readKey()).expect(200).body();
        assertThat(Instant.parse(then.get("asOf").asString())).isEqualTo(between);
        assertThat(then.get("balance").get("posted").asLong()).isEqualTo(100);
        assertThat(then.get("balance").get("available").asLong()).isEqualTo(100);
        var debtor = get("/v1/accounts/" + a + "/balance?asOf=" + between, ledger.readKey()).expect(200).body();
        assertThat(debtor.get("balance").get("posted").asLong()).isEqualTo(-100);
        assertThat(debtor.get("balance").get("debitsPosted").asLong()).isEqualTo(100);

        var before = get("/v1/accounts/" + b + "/balance?asOf=" + first.minusMillis(1), ledger.readKey()).expect(200).body();
        assertZeroBalance(before.get("balance"));
    }

    @Test
    void statementHasARunningBalancePerLineAndPagesAndFiltersByTime() throws Exception {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var t1 = transfer(ledger, a, b, 100, "USD").expect(201).body();
        Thread.sleep(5); // on purpose: three distinct times (the service's system clock) for the filters by time
        var t2 = transfer(ledger, a, b, 200, "USD").expect(201).body();
        Thread.sleep(5);
        var t3 = transfer(ledger, b, a, 50, "USD").expect(201).body();

        var statement = get("/v1/accounts/" + b + "/statement", ledger.readKey()).expect(200).body();
        assertThat(statement.get("accountId").asString()).isEqualTo(b.toString());
        assertThat(statement.get("asset").asString()).isEqualTo("USD");
        assertThat(statement.get("nextCursor").isNull()).isTrue();
        var lines = statement.get("lines");
        assertThat(lines.size()).isEqualTo(3);
        assertLine(lines.get(0), t1, "CREDIT", 100, 100);
        assertLine(lines.get(1), t2, "CREDIT", 200, 300);
        assertLine(lines.get(2), t3, "DEBIT", 50, 250);
        assertThat(lines.get(0).get("version").asLong()).isLessThan(lines.get(1).get("version").asLong());

        var page1 = get("/v1/accounts/" + b + "/statement?limit=2", ledger.readKey()).expect(200).body();
        assertThat(page1.get("lines").size()).isEqualTo(2);
        assertThat(page1.get("nextCursor").isNull()).isFalse();
        var page2 = get("/v1/accounts/" + b + "/statement?limit=2&cursor=" + page1.get("nextCursor").asString(), ledger.readKey())
                .expect(200).body();
        assertThat(page2.get("lines").size()).isEqualTo(1);
        assertLine(page2.get("lines").get(0), t3, "DEBIT", 50, 250);
        assertThat(page2.get("nextCursor").isNull()).isTrue();

        // from inclusive, to exclusive: exactly the second transfer
        var window = get("/v1/accounts/" + b + "/statement?from=" + t2.get("createdAt").asString() + "&to="
                + t3.get("createdAt").asString(), ledger.readKey()).expect(200).body();
        assertThat(window.get("lines").size()).isEqualTo(1);
        assertLine(window.get("lines").get(0), t2, "CREDIT", 200, 300);
        var from = get("/v1/accounts/" + b + "/statement?from=" + t2.get("createdAt").asString(), ledger.readKey()).expect(200).body();
        assertThat(from.get("lines").size()).isEqualTo(2);
    }

    @Test
    void transfersOfAnAccountAreListedUnderTheAccountAndUnderTransfers() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var c = account(ledger, "{\"asset\":\"USD\"}");
        var t1 = transfer(ledger, a, b, 10, "USD").expect(201).id();
        transfer(ledger, a, c, 20, "USD").expect(201);
        var t3 = transfer(ledger, c, b, 5, "USD").expect(201).id();

        var underAccount = get("/v1/accounts/" + b + "/transfers", ledger.readKey()).expect(200).body();
        assertThat(ids(underAccount)).containsExactly(t1, t3);
        var first = underAccount.get("items").get(0);
        assertThat(first.get("type").asString()).isEqualTo("TRANSFER");
        assertThat(first.get("status").asString()).isEqualTo("POSTED");
        assertThat(first.get("amount").asLong()).isEqualTo(10);
        assertThat(first.get("from").asString()).isEqualTo(a.toString());
        var underTransfers = get("/v1/transfers?account=" + b, ledger.readKey()).expect(200).body();
        assertThat(underTransfers).isEqualTo(underAccount);

        var page1 = get("/v1/transfers?account=" + b + "&limit=1", ledger.readKey()).expect(200).body();
        assertThat(ids(page1)).containsExactly(t1);
        var page2 = get("/v1/transfers?account=" + b + "&limit=1&cursor=" + page1.get("nextCursor").asString(), ledger.readKey())
                .expect(200).body();
        assertThat(ids(page2)).containsExactly(t3);
    }

    @Test
    void closeOnlyWithZeroBalanceThenTheAccountRefusesPostings() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        transfer(ledger, a, b, 40, "USD").expect(201);

        var before = snapshot(ledger);
        assertProblem(post("/v1/accounts/" + b + "/close", ledger.writeKey(), null), 422, "ACCOUNT_BALANCE_NOT_ZERO");
        assertThat(snapshot(ledger)).isEqualTo(before);

        transfer(ledger, b, a, 40, "USD").expect(201);
        var closed = post("/v1/accounts/" + b + "/close", ledger.writeKey(), null).expect(201).body();
        assertThat(closed.get("status").asString()).isEqualTo("CLOSED");
        assertThat(closed.get("id").asString()).isEqualTo(b.toString());
        assertThat(get("/v1/accounts/" + b, ledger.readKey()).expect(200).body().get("status").asString()).isEqualTo("CLOSED");

        var afterClose = snapshot(ledger);
        assertProblem(transfer(ledger, a, b, 1, "USD"), 422, "ACCOUNT_CLOSED");
        assertProblem(transfer(ledger, b, a, 1, "USD"), 422, "ACCOUNT_CLOSED");
        assertProblem(post("/v1/accounts/" + b + "/close", ledger.writeKey(), null), 422, "ACCOUNT_CLOSED");
        assertThat(snapshot(ledger)).isEqualTo(afterClose);
    }

    private static void assertLine(JsonNode line, JsonNode transfer, String side, long amount, long runningBalance) {
        assertThat(line.get("entryId").asString()).isEqualTo(transfer.get("id").asString());
        assertThat(line.get("seq").asLong()).isEqualTo(transfer.get("seq").asLong());
        assertThat(line.get("type").asString()).isEqualTo("TRANSFER");
        assertThat(line.get("side").asString()).isEqualTo(side);
        assertThat(line.get("amount").asLong()).isEqualTo(amount);
        assertThat(line.get("balance").asLong()).isEqualTo(runningBalance);
        assertThat(line.get("available").asLong()).isEqualTo(runningBalance);
        assertThat(line.get("pendingDelta").asLong()).isZero();
    }

    static void assertZeroBalance(JsonNode balance) {
        for (var field : List.of("posted", "pending", "available", "debitsPosted", "creditsPosted", "debitsPending", "creditsPending")) {
            assertThat(balance.get(field).asLong()).as(field).isZero();
        }
    }

    static List<UUID> ids(JsonNode page) {
        List<UUID> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(UUID.fromString(item.get("id").asString())));
        return ids;
    }
}
