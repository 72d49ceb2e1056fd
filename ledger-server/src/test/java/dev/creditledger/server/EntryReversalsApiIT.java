package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/entries/{id}/reverse} over HTTP (ADR 0018): a multi-leg entry reversed per posting then whole,
 * with idempotent replays; a transfer reversed through either endpoint with one state; a usage's credit given
 * back to its grant; a grant taken back while unspent; escrow entries reversed as the escrow allows; every
 * refusal a named problem; and the OpenAPI document describing the endpoint and its statuses. The journal
 * verifies clean and the read models agree with it after the class (E2eTestBase).
 */
class EntryReversalsApiIT extends E2eTestBase {

    @Test
    void aMultiLegEntryIsReversedPerPostingThenWholeAndEveryRetryReplays() {
        var ledger = newLedger();
        var cash = account(ledger, "{\"asset\":\"USD\"}");
        var merchant = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var fees = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var entry = post("/v1/entries", ledger.writeKey(), "{\"postings\":[" + leg(cash, "DEBIT", 1000) + "," + leg(merchant, "CREDIT", 950)
                + "," + leg(fees, "CREDIT", 50) + "]}").expect(201).id();

        var feeBody = "{\"postings\":[{\"account\":\"" + cash + "\",\"side\":\"DEBIT\",\"amount\":50},"
                + "{\"account\":\"" + fees + "\",\"side\":\"CREDIT\",\"amount\":50}],\"metadata\":{\"reason\":\"fee waived\"}}";
        var first = post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), feeBody, "waive-fee-1").expect(201);
        assertThat(first.body().get("type").asString()).isEqualTo("REVERSAL");
        assertThat(first.body().get("referenceId").asString()).isEqualTo(entry.toString());
        assertThat(first.body().get("amount").asLong()).isEqualTo(50);
        assertThat(first.headers().firstValue("Ledger-Seq")).isPresent();
        var replay = post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), feeBody, "waive-fee-1").expect(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.raw()).isEqualTo(first.raw());
        assertProblem(post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), "{\"amount\":1}", "waive-fee-1"), 409,
                "IDEMPOTENCY_KEY_REUSED");
        assertThat(postedBalance(ledger, fees)).isZero();

        assertProblem(post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), "{\"amount\":10}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertProblem(post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), "{\"postings\":[{\"account\":\"" + merchant
                + "\",\"side\":\"CREDIT\",\"amount\":10}]}"), 422, "REVERSAL_NOT_BALANCED");
        var rest = post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), null).expect(201).body();
        assertThat(rest.get("postings")).hasSize(2);
        assertThat(rest.get("amount").asLong()).isEqualTo(950);
        assertThat(postedBalance(ledger, merchant)).isZero();
        assertThat(get("/v1/entries/" + rest.get("id").asString(), ledger.readKey()).expect(200).body().get("transferId").asString())
                .isEqualTo(entry.toString());
        assertProblem(post("/v1/entries/" + entry + "/reverse", ledger.writeKey(), null), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertProblem(post("/v1/entries/" + rest.get("id").asString() + "/reverse", ledger.writeKey(), null), 422, "ENTRY_NOT_REVERSIBLE");
    }

    @Test
    void aTransferReversedThroughEitherEndpointHasOneReversedAmount() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var wallet = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var transfer = transfer(ledger, issuer, wallet, 300, "USD").expect(201).id();

        post("/v1/entries/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":100}").expect(201);
        post("/v1/transfers/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":150}").expect(201);
        assertThat(get("/v1/transfers/" + transfer, ledger.readKey()).expect(200).body().get("reversedAmount").asLong()).isEqualTo(250);
        assertProblem(post("/v1/entries/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":51}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertProblem(post("/v1/transfers/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":51}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");

        var hold = hold(ledger, issuer, wallet, 40, null).expect(201).id();
        assertProblem(post("/v1/entries/" + hold + "/reverse", ledger.writeKey(), null), 422, "TRANSFER_NOT_POSTED");
        var voided = post("/v1/transfers/" + hold + "/void", ledger.writeKey(), null).expect(201).id();
        assertThat(assertProblem(post("/v1/entries/" + voided + "/reverse", ledger.writeKey(), null), 422, "ENTRY_NOT_REVERSIBLE")
                .body().get("detail").asString()).contains("posted nothing");
        assertProblem(post("/v1/entries/" + UUID.randomUUID() + "/reverse", ledger.writeKey(), null), 404, "ENTRY_NOT_FOUND");
        assertProblem(post("/v1/entries/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":1,\"postings\":[]}"), 400,
                "REVERSAL_INVALID");
        assertProblem(post("/v1/entries/" + transfer + "/reverse", ledger.writeKey(), "{\"amount\":0}"), 400, "AMOUNT_NOT_POSITIVE");
        assertProblem(post("/v1/entries/" + transfer + "/reverse", ledger.readKey(), null), 403, "FORBIDDEN");
    }

    @Test
    void usageGrantsAndEscrowsAreReversedAsTheirStateAllows() {
        var ledger = newLedger();
        var plan = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        var overage = account(ledger, "{\"asset\":\"CREDITS\"}");
        var revenue = account(ledger, "{\"asset\":\"CREDITS\"}");
        var grant = post("/v1/grants", ledger.writeKey(), "{\"account\":\"" + wallet + "\",\"from\":\"" + plan
                + "\",\"amount\":100,\"asset\":\"CREDITS\"}").expect(201).id();
        var usage = post("/v1/usage", ledger.writeKey(), "{\"account\":\"" + wallet + "\",\"overageAccount\":\"" + overage
                + "\",\"revenueAccount\":\"" + revenue + "\",\"amount\":70,\"asset\":\"CREDITS\"}").expect(201).id();
        assertProblem(post("/v1/entries/" + grant + "/reverse", ledger.writeKey(), null), 422, "GRANT_ALREADY_USED");

        var refund = post("/v1/entries/" + usage + "/reverse", ledger.writeKey(), null).expect(201).body();
        assertThat(refund.get("grants").get(0).get("kind").asString()).isEqualTo("RESTORED");
        assertThat(get("/v1/grants/" + grant, ledger.readKey()).expect(200).body().get("remaining").asLong()).isEqualTo(100);
        var takeBack = post("/v1/entries/" + grant + "/reverse", ledger.writeKey(), null).expect(201).body();
        assertThat(takeBack.get("referenceId").asString()).isEqualTo(grant.toString());
        var after = get("/v1/grants/" + grant, ledger.readKey()).expect(200).body();
        assertThat(after.get("remaining").asLong()).isZero();
        assertThat(after.get("status").asString()).isEqualTo("CONSUMED");
        assertThat(postedBalance(ledger, wallet)).isZero();

        var usd = account(ledger, "{\"asset\":\"USD\"}");
        var buyer = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var seller = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        transfer(ledger, usd, buyer, 1000, "USD").expect(201);
        var fund = post("/v1/escrows", ledger.writeKey(), "{\"orderId\":\"ord-9\",\"buyer\":\"" + buyer + "\",\"seller\":\"" + seller
                + "\",\"amount\":600,\"asset\":\"USD\"}").expect(201).id();
        post("/v1/entries/" + fund + "/reverse", ledger.writeKey(), "{\"amount\":100}").expect(201);
        assertThat(get("/v1/escrows/ord-9", ledger.readKey()).expect(200).body().get("refunded").asLong()).isEqualTo(100);
        var release = post("/v1/escrows/ord-9/release", ledger.writeKey(), null).expect(201).id();
        assertProblem(post("/v1/entries/" + fund + "/reverse", ledger.writeKey(), null), 409, "ESCROW_ALREADY_RELEASED");
        assertProblem(post("/v1/entries/" + release + "/reverse", ledger.writeKey(), "{\"amount\":1}"), 422, "REVERSAL_MUST_BE_WHOLE");
        post("/v1/entries/" + release + "/reverse", ledger.writeKey(), null).expect(201);
        var escrow = get("/v1/escrows/ord-9", ledger.readKey()).expect(200).body();
        assertThat(escrow.get("status").asString()).isEqualTo("HELD");
        assertThat(escrow.get("held").asLong()).isEqualTo(500);
        post("/v1/escrows/ord-9/refund", ledger.writeKey(), null).expect(201);
        assertThat(postedBalance(ledger, buyer)).isEqualTo(1000);
    }

    @Test
    void theOpenApiDocumentDescribesTheEndpointItsBodyAndEveryStatus() {
        var docs = get("/v3/api-docs", null).expect(200).body();
        var operation = docs.get("paths").get("/v1/entries/{entryId}/reverse").get("post");
        assertThat(operation).as("the reverse operation").isNotNull();
        assertThat(operation.get("requestBody").toString()).contains("ReverseEntry");
        var responses = operation.get("responses");
        for (var status : new String[] {"201", "400", "401", "403", "404", "409", "422", "429", "503"}) {
            assertThat(responses.has(status)).as("status %s documented", status).isTrue();
        }
        assertThat(responses.get("422").get("description").asString()).contains("ENTRY_NOT_REVERSIBLE", "REVERSAL_NOT_BALANCED",
                "REVERSAL_MUST_BE_WHOLE", "GRANT_ALREADY_USED", "REVERSAL_EXCEEDS_ORIGINAL", "TRANSFER_NOT_POSTED");
        assertThat(responses.get("404").get("description").asString()).contains("ENTRY_NOT_FOUND");
        assertThat(responses.get("400").get("description").asString()).contains("REVERSAL_INVALID");
        assertThat(docs.get("components").get("schemas").has("ReversedPosting")).isTrue();
    }

    private static String leg(UUID account, String side, long amount) {
        return "{\"account\":\"" + account + "\",\"side\":\"" + side + "\",\"amount\":" + amount + ",\"asset\":\"USD\"}";
    }
}
