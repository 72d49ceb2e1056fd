package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Transfers over HTTP: posted, holds (capture, void, expiry), reversals and batches. */
class TransfersApiIT extends E2eTestBase {

    @Test
    void postedTransferShapeAndGet() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var created = post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + a + "\",\"to\":\"" + b
                + "\",\"amount\":1234,\"asset\":\"USD\",\"metadata\":{\"order\":\"42\"}}").expect(201);
        var body = created.body();
        assertThat(body.get("type").asString()).isEqualTo("TRANSFER");
        assertThat(body.get("from").asString()).isEqualTo(a.toString());
        assertThat(body.get("to").asString()).isEqualTo(b.toString());
        assertThat(body.get("amount").asLong()).isEqualTo(1234);
        assertThat(body.get("asset").asString()).isEqualTo("USD");
        assertThat(body.get("status").asString()).isEqualTo("POSTED");
        assertThat(body.get("reversedAmount").asLong()).isZero();
        assertThat(body.has("capturedAmount")).isFalse();
        assertThat(body.has("expiresAt")).isFalse();
        assertThat(body.get("metadata").get("order").asString()).isEqualTo("42");
        assertThat(body.get("seq").asLong()).isPositive();
        assertThat(get("/v1/transfers/" + created.id(), ledger.readKey()).expect(200).body()).isEqualTo(body);
        assertThat(postedBalance(ledger, a)).isEqualTo(-1234);
        assertThat(postedBalance(ledger, b)).isEqualTo(1234);
    }

    @Test
    void holdReservesThenFullCapturePostsIt() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var held = hold(ledger, a, b, 1000, 60L).expect(201).body();
        var holdId = UUID.fromString(held.get("id").asString());
        assertThat(held.get("type").asString()).isEqualTo("HOLD");
        assertThat(held.get("status").asString()).isEqualTo("PENDING");
        assertThat(Duration.between(Instant.parse(held.get("createdAt").asString()), Instant.parse(held.get("expiresAt").asString())))
                .isEqualTo(Duration.ofSeconds(60));
        var from = balance(ledger, a);
        assertThat(from.get("posted").asLong()).isZero();
        assertThat(from.get("available").asLong()).isEqualTo(-1000);
        assertThat(from.get("debitsPending").asLong()).isEqualTo(1000);
        var to = balance(ledger, b);
        assertThat(to.get("posted").asLong()).isZero();
        assertThat(to.get("pending").asLong()).isEqualTo(1000);
        assertThat(to.get("available").asLong()).isZero();

        var capture = post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), null).expect(201).body();
        assertThat(capture.get("type").asString()).isEqualTo("CAPTURE");
        assertThat(capture.get("transferId").asString()).isEqualTo(holdId.toString());
        assertThat(capture.get("amount").asLong()).isEqualTo(1000);
        var after = get("/v1/transfers/" + holdId, ledger.readKey()).expect(200).body();
        assertThat(after.get("status").asString()).isEqualTo("POSTED");
        assertThat(after.get("capturedAmount").asLong()).isEqualTo(1000);
        assertThat(balance(ledger, a).get("available").asLong()).isEqualTo(-1000);
        assertThat(balance(ledger, a).get("debitsPending").asLong()).isZero();
        assertThat(postedBalance(ledger, b)).isEqualTo(1000);
    }

    @Test
    void partialCaptureReleasesTheRest() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var holdId = hold(ledger, a, b, 1000, null).expect(201).id();
        var capture = post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), "{\"amount\":300}").expect(201).body();
        assertThat(capture.get("amount").asLong()).isEqualTo(300);
        var after = get("/v1/transfers/" + holdId, ledger.readKey()).expect(200).body();
        assertThat(after.get("status").asString()).isEqualTo("POSTED");
        assertThat(after.get("capturedAmount").asLong()).isEqualTo(300);
        var from = balance(ledger, a);
        assertThat(from.get("posted").asLong()).isEqualTo(-300);
        assertThat(from.get("available").asLong()).isEqualTo(-300);
        assertThat(from.get("pending").asLong()).isEqualTo(-300);
        assertThat(balance(ledger, b).get("posted").asLong()).isEqualTo(300);
    }

    @Test
    void voidReleasesTheHold() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var holdId = hold(ledger, a, b, 700, 3600L).expect(201).id();
        var voided = post("/v1/transfers/" + holdId + "/void", ledger.writeKey(), "{\"metadata\":{\"why\":\"cancelled\"}}").expect(201).body();
        assertThat(voided.get("type").asString()).isEqualTo("VOID");
        assertThat(voided.get("transferId").asString()).isEqualTo(holdId.toString());
        assertThat(voided.get("metadata").get("why").asString()).isEqualTo("cancelled");
        assertThat(transferStatus(ledger, holdId)).isEqualTo("VOIDED");
        AccountsApiIT.assertZeroBalance(balance(ledger, a));
        AccountsApiIT.assertZeroBalance(balance(ledger, b));
    }

    @Test
    void theWorkerExpiresAHoldAndThenItCanNoLongerBeCaptured() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var holdId = hold(ledger, a, b, 250, 1L).expect(201).id();
        assertThat(balance(ledger, a).get("available").asLong()).isEqualTo(-250);
        awaitTransferStatus(ledger, holdId, "EXPIRED");
        assertThat(balance(ledger, a).get("available").asLong()).isZero();
        assertThat(balance(ledger, a).get("posted").asLong()).isZero();
        var before = snapshot(ledger);
        assertProblem(post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), null), 409, "HOLD_NOT_PENDING");
        assertProblem(post("/v1/transfers/" + holdId + "/void", ledger.writeKey(), null), 409, "HOLD_NOT_PENDING");
        assertThat(snapshot(ledger)).isEqualTo(before);
        // The expiry entry is in the account's history.
        var types = get("/v1/accounts/" + a + "/transfers", ledger.readKey()).expect(200).body().get("items").findValuesAsString("type");
        assertThat(types).containsExactly("HOLD", "EXPIRY");
    }

    @Test
    void aHoldPastItsTimeRefusesCaptureWithHoldExpiredEvenBeforeTheWorkerRan() throws Exception {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        int expiredAnswers = 0;
        for (int attempt = 0; attempt < 8 && expiredAnswers == 0; attempt++) {
            var held = hold(ledger, a, b, 10, 1L).expect(201).body();
            var holdId = held.get("id").asString();
            var expiresAt = Instant.parse(held.get("expiresAt").asString());
            // The service refuses a hold past its time by its clock, the system clock this test reads too.
            Await.until(Duration.ofSeconds(5), "the hold's expiry passed", () -> Instant.now().isAfter(expiresAt.plusMillis(1)));
            var answer = post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), null);
            if (answer.status() == 422) {
                assertProblem(answer, 422, "HOLD_EXPIRED");
                expiredAnswers++;
            } else {
                assertProblem(answer, 409, "HOLD_NOT_PENDING"); // the worker was first this time
            }
            awaitTransferStatus(ledger, UUID.fromString(holdId), "EXPIRED");
        }
        assertThat(expiredAnswers).as("at least one capture reached a hold past its time before the worker").isPositive();
        assertThat(postedBalance(ledger, b)).isZero();
        assertThat(balance(ledger, a).get("available").asLong()).isZero();
    }

    @Test
    void reversalsFullAndPartialNeverExceedWhatWasPosted() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var t = transfer(ledger, a, b, 1000, "USD").expect(201).id();
        var partial = post("/v1/transfers/" + t + "/reverse", ledger.writeKey(), "{\"amount\":300}").expect(201).body();
        assertThat(partial.get("type").asString()).isEqualTo("REVERSAL");
        assertThat(partial.get("transferId").asString()).isEqualTo(t.toString());
        assertThat(partial.get("from").asString()).isEqualTo(b.toString());
        assertThat(partial.get("to").asString()).isEqualTo(a.toString());
        assertThat(partial.get("amount").asLong()).isEqualTo(300);
        assertThat(get("/v1/transfers/" + t, ledger.readKey()).expect(200).body().get("reversedAmount").asLong()).isEqualTo(300);
        assertThat(postedBalance(ledger, b)).isEqualTo(700);

        var before = snapshot(ledger);
        assertProblem(post("/v1/transfers/" + t + "/reverse", ledger.writeKey(), "{\"amount\":701}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertThat(snapshot(ledger)).isEqualTo(before);

        var rest = post("/v1/transfers/" + t + "/reverse", ledger.writeKey(), null).expect(201).body();
        assertThat(rest.get("amount").asLong()).isEqualTo(700);
        assertThat(get("/v1/transfers/" + t, ledger.readKey()).expect(200).body().get("reversedAmount").asLong()).isEqualTo(1000);
        assertThat(postedBalance(ledger, a)).isZero();
        assertThat(postedBalance(ledger, b)).isZero();
        var done = snapshot(ledger);
        assertProblem(post("/v1/transfers/" + t + "/reverse", ledger.writeKey(), null), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertProblem(post("/v1/transfers/" + t + "/reverse", ledger.writeKey(), "{\"amount\":1}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertThat(snapshot(ledger)).isEqualTo(done);
    }

    @Test
    void aPartlyCapturedHoldCanBeReversedUpToTheCapturedAmount() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var holdId = hold(ledger, a, b, 1000, null).expect(201).id();
        post("/v1/transfers/" + holdId + "/capture", ledger.writeKey(), "{\"amount\":400}").expect(201);
        assertProblem(post("/v1/transfers/" + holdId + "/reverse", ledger.writeKey(), "{\"amount\":401}"), 422, "REVERSAL_EXCEEDS_ORIGINAL");
        assertThat(post("/v1/transfers/" + holdId + "/reverse", ledger.writeKey(), null).expect(201).body().get("amount").asLong())
                .isEqualTo(400);
        assertThat(postedBalance(ledger, b)).isZero();
    }

    @Test
    void batchGivesAResultPerItemAndAppliesTheGoodOnes() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var guarded = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var body = "{\"transfers\":[" + transferJson(a, b, 10, "USD") + "," + transferJson(a, a, 5, "USD") + ","
                + transferJson(guarded, b, 1, "USD") + "," + transferJson(a, b, 20, "USD") + "]}";
        var result = post("/v1/transfers/batch", ledger.writeKey(), body).expect(200).body();
        assertThat(result.get("atomic").asBoolean()).isFalse();
        assertThat(result.get("accepted").asInt()).isEqualTo(2);
        assertThat(result.get("rejected").asInt()).isEqualTo(2);
        var items = result.get("results");
        assertThat(items.get(0).get("status").isInt()).as("statuses are numbers").isTrue();
        assertThat(items.get(0).get("status").asInt()).isEqualTo(201);
        assertThat(items.get(0).get("transfer").get("amount").asLong()).isEqualTo(10);
        assertThat(items.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(items.get(1).get("error").get("code").asString()).isEqualTo("SAME_ACCOUNT");
        assertThat(items.get(2).get("status").asInt()).isEqualTo(422);
        assertThat(items.get(2).get("error").get("code").asString()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(items.get(3).get("status").asInt()).isEqualTo(201);
        for (int i = 0; i < 4; i++) {
            assertThat(items.get(i).get("index").asInt()).isEqualTo(i);
        }
        assertThat(postedBalance(ledger, b)).isEqualTo(30);
        assertThat(postedBalance(ledger, guarded)).isZero();
    }

    @Test
    void atomicBatchWithOneItemTheLedgerRefusesAppliesNothing() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var guarded = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var before = snapshot(ledger);
        var body = "{\"atomic\":true,\"transfers\":[" + transferJson(a, b, 10, "USD") + "," + transferJson(guarded, b, 1, "USD") + ","
                + transferJson(a, b, 20, "USD") + "]}";
        var result = post("/v1/transfers/batch", ledger.writeKey(), body).expect(200).body();
        assertThat(result.get("atomic").asBoolean()).isTrue();
        assertThat(result.get("accepted").asInt()).isZero();
        assertThat(result.get("rejected").asInt()).isEqualTo(3);
        var items = result.get("results");
        assertThat(items.get(0).get("error").get("code").asString()).isEqualTo("LINKED_COMMAND_FAILED");
        assertThat(items.get(0).get("status").asInt()).isEqualTo(422);
        assertThat(items.get(1).get("error").get("code").asString()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(items.get(2).get("error").get("code").asString()).isEqualTo("LINKED_COMMAND_FAILED");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    @Test
    void atomicBatchWithOneInvalidItemAppliesNothing() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var before = snapshot(ledger);
        var body = "{\"atomic\":true,\"transfers\":[" + transferJson(a, b, 10, "USD") + "," + transferJson(a, b, 0, "USD") + "]}";
        var items = post("/v1/transfers/batch", ledger.writeKey(), body).expect(200).body().get("results");
        assertThat(items.get(0).get("status").asInt()).isEqualTo(422);
        assertThat(items.get(0).get("error").get("code").asString()).isEqualTo("LINKED_COMMAND_FAILED");
        assertThat(items.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(items.get(1).get("error").get("code").asString()).isEqualTo("AMOUNT_NOT_POSITIVE");
        assertThat(snapshot(ledger)).isEqualTo(before);
    }

    @Test
    void batchOf8190IsAcceptedAnd8191IsRejected() {
        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        var tooMany = batchOf(a, b, 8191);
        var before = snapshot(ledger);
        var rejected = assertProblem(post("/v1/transfers/batch", ledger.writeKey(), tooMany), 400, "VALIDATION_FAILED");
        assertThat(rejected.body().get("detail").asString()).contains("8190").contains("8191");
        assertThat(snapshot(ledger)).isEqualTo(before);

        var result = post("/v1/transfers/batch", ledger.writeKey(), batchOf(a, b, 8190)).expect(200).body();
        assertThat(result.get("accepted").asInt()).isEqualTo(8190);
        assertThat(result.get("rejected").asInt()).isZero();
        assertThat(result.get("results").size()).isEqualTo(8190);
        assertThat(postedBalance(ledger, b)).isEqualTo(8190);
        assertThat(lastSeq(ledger)).isGreaterThanOrEqualTo(8190);
    }

    private static String batchOf(UUID from, UUID to, int count) {
        var body = new StringBuilder("{\"transfers\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append(transferJson(from, to, 1, "USD"));
        }
        return body.append("]}").toString();
    }
}
