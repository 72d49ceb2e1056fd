package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import dev.creditledger.core.Limits;
import dev.creditledger.grpc.v1.AccountsGrpc;
import dev.creditledger.grpc.v1.CaptureHoldRequest;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.EntryKind;
import dev.creditledger.grpc.v1.GetBalanceRequest;
import dev.creditledger.grpc.v1.GetBalanceResponse;
import dev.creditledger.grpc.v1.GetStatementRequest;
import dev.creditledger.grpc.v1.GetStatementResponse;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import dev.creditledger.grpc.v1.TransferResponse;
import dev.creditledger.grpc.v1.TransferStatus;
import dev.creditledger.grpc.v1.TransfersGrpc;
import dev.creditledger.grpc.v1.VoidHoldRequest;
import dev.creditledger.server.GrpcTestClient.Outcome;
import dev.creditledger.server.grpc.GrpcServer;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The gRPC API end to end, on the service every end-to-end test uses (real PostgreSQL and Kafka): the same
 * answers, idempotency, roles, limits and problems as the HTTP API, checked against the HTTP API and the journal.
 */
class GrpcApiIT extends E2eTestBase {

    @Autowired
    private GrpcServer grpcServer;
    private GrpcTestClient grpc;

    @BeforeAll
    void connect() {
        assertThat(grpcServer.port()).as("the gRPC API of the service under test").isPositive();
        grpc = new GrpcTestClient(grpcServer.port());
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        grpc.close();
    }

    // ---- helpers ----

    private static TransfersGrpc.TransfersBlockingStub transfers(Channel channel) {
        return TransfersGrpc.newBlockingStub(channel).withDeadlineAfter(GrpcTestClient.DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static AccountsGrpc.AccountsBlockingStub accounts(Channel channel) {
        return AccountsGrpc.newBlockingStub(channel).withDeadlineAfter(GrpcTestClient.DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static CreateTransferRequest.Builder transferOf(UUID from, UUID to, long amount) {
        return CreateTransferRequest.newBuilder().setFrom(from.toString()).setTo(to.toString()).setAmount(amount).setAsset("USD");
    }

    private Outcome<TransferResponse> create(String key, CreateTransferRequest request) {
        return grpc.unary(key, channel -> transfers(channel).createTransfer(request));
    }

    private Outcome<TransferResponse> create(String key, Map<String, String> metadata, CreateTransferRequest request) {
        return grpc.unary(key, metadata, channel -> transfers(channel).createTransfer(request));
    }

    /** A refusal: its status, the problem code in the details and the trailer, and a sentence. */
    private static <T> Outcome<T> assertRefused(Outcome<T> outcome, Status.Code code, String problemCode) {
        assertThat(outcome.code()).as("status of %s", outcome.status()).isEqualTo(code);
        assertThat(outcome.answer()).isNull();
        var info = outcome.errorInfo();
        assertThat(info).as("ErrorInfo in the details of %s", outcome.status()).isNotNull();
        assertThat(info.getReason()).as("problem code of %s", outcome.status()).isEqualTo(problemCode);
        assertThat(info.getDomain()).isEqualTo("creditledger.dev");
        assertThat(outcome.trailer(GrpcTestClient.PROBLEM_CODE)).isEqualTo(problemCode);
        assertThat(outcome.status().getDescription()).isNotBlank();
        return outcome;
    }

    private static <T> T assertOk(Outcome<T> outcome) {
        assertThat(outcome.code()).as("status of %s", outcome.status()).isEqualTo(Status.Code.OK);
        return outcome.answer();
    }

    /** A USD account with no balance constraint (it may go negative). */
    private UUID usd(TestLedger ledger) {
        return account(ledger, "{\"asset\":\"USD\"}");
    }

    // ---- transfers ----

    @Test
    void aTransferIsAnsweredAsWrittenWithItsSequenceInTheTrailer() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var outcome = create(ledger.writeKey(), transferOf(a, b, 1_234).putMetadata("order", "o-1").build());
        var answer = assertOk(outcome);
        var t = answer.getTransfer();
        assertThat(t.getType()).isEqualTo(EntryKind.ENTRY_KIND_TRANSFER);
        assertThat(t.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_POSTED);
        assertThat(t.getFrom()).isEqualTo(a.toString());
        assertThat(t.getTo()).isEqualTo(b.toString());
        assertThat(t.getAmount()).isEqualTo(1_234);
        assertThat(t.getAsset()).isEqualTo("USD");
        assertThat(t.getMetadataMap()).containsExactly(Map.entry("order", "o-1"));
        assertThat(t.hasReversedAmount()).isTrue();
        assertThat(t.getReversedAmount()).isZero();
        assertThat(answer.getReplayed()).isFalse();
        assertThat(answer.getSeq()).isPositive().isEqualTo(t.getSeq());
        assertThat(outcome.trailer(GrpcTestClient.SEQ)).isEqualTo(Long.toString(answer.getSeq()));
        assertThat(outcome.trailer(GrpcTestClient.REPLAYED)).isNull();
        // The HTTP API sees the same transfer, and the money moved.
        var http = get("/v1/transfers/" + t.getId(), ledger.readKey()).expect(200).body();
        assertThat(http.get("status").asString()).isEqualTo("POSTED");
        assertThat(http.get("seq").asLong()).isEqualTo(answer.getSeq());
        assertThat(postedBalance(ledger, b)).isEqualTo(1_234);
        assertThat(postedBalance(ledger, a)).isEqualTo(-1_234);
        assertThat(lastSeq(ledger)).isEqualTo(answer.getSeq());
    }

    @Test
    void aKeyReplaysTheAnswerAndAnotherRequestWithTheSameKeyIsRefused() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var request = transferOf(a, b, 500).setIdempotencyKey("grpc-1").build();
        var first = assertOk(create(ledger.writeKey(), request));
        var again = create(ledger.writeKey(), request);
        assertThat(assertOk(again).getReplayed()).isTrue();
        assertThat(again.answer().getTransfer()).isEqualTo(first.getTransfer());
        assertThat(again.trailer(GrpcTestClient.REPLAYED)).isEqualTo("true");
        assertThat(again.trailer(GrpcTestClient.SEQ)).isEqualTo(Long.toString(first.getSeq()));
        // The key in the metadata is the same key.
        var byHeader = create(ledger.writeKey(), Map.of("idempotency-key", "grpc-1"), transferOf(a, b, 500).build());
        assertThat(assertOk(byHeader).getTransfer().getId()).isEqualTo(first.getTransfer().getId());
        assertThat(byHeader.answer().getReplayed()).isTrue();
        // Another request with the key: refused, nothing moved.
        assertRefused(create(ledger.writeKey(), transferOf(a, b, 501).setIdempotencyKey("grpc-1").build()),
                Status.Code.ALREADY_EXISTS, "IDEMPOTENCY_KEY_REUSED");
        // Header and field must agree.
        assertRefused(create(ledger.writeKey(), Map.of("idempotency-key", "other"), request),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertThat(postedBalance(ledger, b)).isEqualTo(500);

        // A refusal is replayed too, marked as such.
        var empty = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var broke = transferOf(empty, b, 1).setIdempotencyKey("grpc-2").build();
        var refused = assertRefused(create(ledger.writeKey(), broke), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(refused.errorInfo().getMetadataMap()).doesNotContainKey("replayed");
        var refusedAgain = assertRefused(create(ledger.writeKey(), broke), Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_FUNDS");
        assertThat(refusedAgain.errorInfo().getMetadataMap()).containsEntry("replayed", "true");
        assertThat(refusedAgain.trailer(GrpcTestClient.REPLAYED)).isEqualTo("true");
    }

    @Test
    void aKeyIsSharedWithTheHttpApi() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        // First over HTTP, then over gRPC: replayed.
        var http = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 70, "USD"), "shared-1").expect(201);
        var grpcReplay = assertOk(create(ledger.writeKey(), transferOf(a, b, 70).setIdempotencyKey("shared-1").build()));
        assertThat(grpcReplay.getReplayed()).isTrue();
        assertThat(grpcReplay.getTransfer().getId()).isEqualTo(http.id().toString());
        assertThat(grpcReplay.getSeq()).isEqualTo(http.body().get("seq").asLong());
        // First over gRPC, then over HTTP: replayed.
        var first = assertOk(create(ledger.writeKey(), transferOf(a, b, 80).setIdempotencyKey("shared-2").build()));
        var httpReplay = post("/v1/transfers", ledger.writeKey(), transferJson(a, b, 80, "USD"), "shared-2").expect(201);
        assertThat(httpReplay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(httpReplay.id().toString()).isEqualTo(first.getTransfer().getId());
        // The hash covers the fields a request carries: an explicit "pending": false is a field the gRPC request
        // lacks unless it sets pending = false too (docs/grpc.md, "Idempotency").
        post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + a + "\",\"to\":\"" + b
                + "\",\"amount\":90,\"asset\":\"USD\",\"pending\":false}", "shared-3").expect(201);
        assertRefused(create(ledger.writeKey(), transferOf(a, b, 90).setIdempotencyKey("shared-3").build()),
                Status.Code.ALREADY_EXISTS, "IDEMPOTENCY_KEY_REUSED");
        assertThat(assertOk(create(ledger.writeKey(), transferOf(a, b, 90).setPending(false).setIdempotencyKey("shared-3").build()))
                .getReplayed()).isTrue();
        assertThat(postedBalance(ledger, b)).isEqualTo(70 + 80 + 90);
    }

    @Test
    void holdsAreCapturedAndVoided() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var hold = assertOk(create(ledger.writeKey(), transferOf(a, b, 500).setPending(true).setTimeoutSeconds(600).build())).getTransfer();
        assertThat(hold.getType()).isEqualTo(EntryKind.ENTRY_KIND_HOLD);
        assertThat(hold.getStatus()).isEqualTo(TransferStatus.TRANSFER_STATUS_PENDING);
        assertThat(hold.hasExpiresAt()).isTrue();
        assertThat(Instant.ofEpochSecond(hold.getExpiresAt().getSeconds())).isAfter(Instant.now().plusSeconds(500));
        assertThat(balance(ledger, a).get("available").asLong()).isEqualTo(-500);

        var capture = grpc.unary(ledger.writeKey(), channel -> transfers(channel).captureHold(CaptureHoldRequest.newBuilder()
                .setHoldId(hold.getId()).setAmount(300).setIdempotencyKey("cap-1").build()));
        var captured = assertOk(capture).getTransfer();
        assertThat(captured.getType()).isEqualTo(EntryKind.ENTRY_KIND_CAPTURE);
        assertThat(captured.getTransferId()).isEqualTo(hold.getId());
        assertThat(captured.getAmount()).isEqualTo(300);
        assertThat(capture.trailer(GrpcTestClient.SEQ)).isEqualTo(Long.toString(captured.getSeq()));
        var held = get("/v1/transfers/" + hold.getId(), ledger.readKey()).expect(200).body();
        assertThat(held.get("status").asString()).isEqualTo("POSTED");
        assertThat(held.get("capturedAmount").asLong()).isEqualTo(300);
        assertThat(postedBalance(ledger, b)).isEqualTo(300);
        // The capture replays by its key; a second capture is a conflict.
        var replay = grpc.unary(ledger.writeKey(), channel -> transfers(channel).captureHold(CaptureHoldRequest.newBuilder()
                .setHoldId(hold.getId()).setAmount(300).setIdempotencyKey("cap-1").build()));
        assertThat(assertOk(replay).getReplayed()).isTrue();
        assertRefused(grpc.unary(ledger.writeKey(), channel -> transfers(channel).captureHold(CaptureHoldRequest.newBuilder()
                .setHoldId(hold.getId()).build())), Status.Code.ALREADY_EXISTS, "HOLD_NOT_PENDING");

        var second = assertOk(create(ledger.writeKey(), transferOf(a, b, 40).setPending(true).build())).getTransfer();
        assertRefused(grpc.unary(ledger.writeKey(), channel -> transfers(channel).captureHold(CaptureHoldRequest.newBuilder()
                .setHoldId(second.getId()).setAmount(41).build())), Status.Code.FAILED_PRECONDITION, "CAPTURE_EXCEEDS_HOLD");
        var voided = assertOk(grpc.unary(ledger.writeKey(), channel -> transfers(channel).voidHold(VoidHoldRequest.newBuilder()
                .setHoldId(second.getId()).putMetadata("why", "cancelled").build()))).getTransfer();
        assertThat(voided.getType()).isEqualTo(EntryKind.ENTRY_KIND_VOID);
        assertThat(voided.getTransferId()).isEqualTo(second.getId());
        assertThat(transferStatus(ledger, UUID.fromString(second.getId()))).isEqualTo("VOIDED");

        var posted = assertOk(create(ledger.writeKey(), transferOf(a, b, 5).build())).getTransfer();
        assertRefused(grpc.unary(ledger.writeKey(), channel -> transfers(channel).voidHold(VoidHoldRequest.newBuilder()
                .setHoldId(posted.getId()).build())), Status.Code.FAILED_PRECONDITION, "TRANSFER_NOT_A_HOLD");
        assertRefused(grpc.unary(ledger.writeKey(), channel -> transfers(channel).voidHold(VoidHoldRequest.newBuilder()
                .setHoldId(UUID.randomUUID().toString()).build())), Status.Code.NOT_FOUND, "TRANSFER_NOT_FOUND");
        assertRefused(grpc.unary(ledger.writeKey(), channel -> transfers(channel).voidHold(VoidHoldRequest.newBuilder().build())),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertThat(balance(ledger, a).get("available").asLong()).isEqualTo(-305);
    }

    // ---- reads ----

    @Test
    void balanceAndStatementAreTheHttpApis() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var before = Instant.now();
        awaitClockPast(before);
        var items = new ArrayList<String>();
        for (int i = 1; i <= Limits.PAGE_SIZE_DEFAULT + 1; i++) {
            items.add(transferJson(a, b, i, "USD"));
        }
        post("/v1/transfers/batch", ledger.writeKey(), "{\"transfers\":[" + String.join(",", items) + "]}").expect(200);
        assertOk(create(ledger.writeKey(), transferOf(b, a, 7).setPending(true).build()));

        var balance = assertOk(grpc.unary(ledger.readKey(), channel -> accounts(channel).getBalance(
                GetBalanceRequest.newBuilder().setAccountId(b.toString()).build())));
        var http = get("/v1/accounts/" + b + "/balance", ledger.readKey()).expect(200).body();
        assertThat(balance.getAccountId()).isEqualTo(b.toString());
        assertThat(balance.getAsset()).isEqualTo("USD");
        assertThat(balance.hasAsOf()).isFalse();
        var hb = http.get("balance");
        var gb = balance.getBalance();
        assertThat(List.of(gb.getPosted(), gb.getPending(), gb.getAvailable(), gb.getDebitsPosted(), gb.getCreditsPosted(),
                gb.getDebitsPending(), gb.getCreditsPending())).containsExactly(hb.get("posted").asLong(), hb.get("pending").asLong(),
                hb.get("available").asLong(), hb.get("debitsPosted").asLong(), hb.get("creditsPosted").asLong(),
                hb.get("debitsPending").asLong(), hb.get("creditsPending").asLong());
        assertThat(gb.getPosted()).isEqualTo((long) (Limits.PAGE_SIZE_DEFAULT + 1) * (Limits.PAGE_SIZE_DEFAULT + 2) / 2);
        assertThat(gb.getAvailable()).isEqualTo(gb.getPosted() - 7);

        var asOf = assertOk(grpc.unary(ledger.readKey(), channel -> accounts(channel).getBalance(GetBalanceRequest.newBuilder()
                .setAccountId(b.toString()).setAsOf(Timestamp.newBuilder().setSeconds(before.getEpochSecond()).setNanos(before.getNano()))
                .build())));
        assertThat(asOf.hasAsOf()).isTrue();
        assertThat(asOf.getBalance().getPosted()).isZero();

        // Pages: the default size, the largest, beyond it, and cursors.
        Function<GetStatementRequest, Outcome<GetStatementResponse>> statement = request ->
                grpc.unary(ledger.readKey(), channel -> accounts(channel).getStatement(request));
        var page = assertOk(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).build()));
        assertThat(page.getLinesList()).hasSize(Limits.PAGE_SIZE_DEFAULT);
        assertThat(page.getNextCursor()).isNotEmpty();
        var httpPage = get("/v1/accounts/" + b + "/statement", ledger.readKey()).expect(200).body();
        assertThat(page.getNextCursor()).isEqualTo(httpPage.get("nextCursor").asString());
        assertThat(page.getLines(0).getEntryId()).isEqualTo(httpPage.get("lines").get(0).get("entryId").asString());
        assertThat(page.getLines(0).getBalance()).isEqualTo(1);
        assertThat(page.getLines(1).getBalance()).isEqualTo(3);
        var rest = assertOk(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setCursor(page.getNextCursor()).build()));
        assertThat(rest.getLinesList()).hasSize(2); // the last transfer and the hold
        assertThat(rest.getNextCursor()).isEmpty();
        var all = assertOk(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setLimit(Limits.PAGE_SIZE_MAX).build()));
        assertThat(all.getLinesList()).hasSize(Limits.PAGE_SIZE_DEFAULT + 2);
        assertRefused(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setLimit(Limits.PAGE_SIZE_MAX + 1).build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setLimit(0).build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertOk(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setLimit(1).build()));
        assertRefused(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString()).setCursor("not-a-cursor").build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(statement.apply(GetStatementRequest.newBuilder().setAccountId(b.toString())
                .setFrom(Timestamp.newBuilder().setSeconds(100)).setTo(Timestamp.newBuilder().setSeconds(100)).build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(grpc.unary(ledger.readKey(), channel -> accounts(channel).getBalance(GetBalanceRequest.newBuilder()
                .setAccountId(UUID.randomUUID().toString()).build())), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertRefused(grpc.unary(ledger.readKey(), channel -> accounts(channel).getBalance(GetBalanceRequest.newBuilder()
                .setAccountId(b.toString()).setAsOf(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build())),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
    }

    /** The journal stores microseconds: wait until the clock is past {@code instant} by more than one. */
    private static void awaitClockPast(Instant instant) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Instant.now().isAfter(instant.plusMillis(1))) {
            assertThat(System.nanoTime()).as("the clock moves").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    // ---- the stream ----

    /** Streams the requests, all sent before any answer is read, and returns the answers and the trailers. */
    private StreamResult stream(String key, Map<String, String> metadata, List<CreateTransferRequest> requests) {
        var trailers = new AtomicReference<Metadata>();
        var answers = new ArrayList<StreamTransfersResponse>();
        var done = new CompletableFuture<Status>();
        var out = TransfersGrpc.newStub(grpc.with(key, metadata, trailers)).withDeadlineAfter(GrpcTestClient.DEADLINE_SECONDS, TimeUnit.SECONDS)
                .streamTransfers(new StreamObserver<>() {
                    @Override
                    public void onNext(StreamTransfersResponse value) {
                        synchronized (answers) {
                            answers.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(Status.OK);
                    }
                });
        requests.forEach(out::onNext);
        out.onCompleted();
        var status = done.orTimeout(GrpcTestClient.DEADLINE_SECONDS + 5, TimeUnit.SECONDS).join();
        synchronized (answers) {
            return new StreamResult(List.copyOf(answers), status, trailers.get());
        }
    }

    private record StreamResult(List<StreamTransfersResponse> answers, Status status, Metadata trailers) {}

    @Test
    void aThousandStreamedTransfersAreAnsweredInOrderAsTheyCommitEachOnce() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        int count = 1_000;
        var requests = IntStream.rangeClosed(1, count)
                .mapToObj(i -> transferOf(a, b, i).setIdempotencyKey("stream-" + i).build()).toList();
        var result = stream(ledger.writeKey(), Map.of(), requests);
        assertThat(result.status().getCode()).as("%s", result.status()).isEqualTo(Status.Code.OK);
        assertThat(result.answers()).hasSize(count);
        var ids = new HashSet<String>();
        long highest = 0;
        for (int i = 0; i < count; i++) {
            var answer = result.answers().get(i);
            assertThat(answer.getIndex()).isEqualTo(i);
            assertThat(answer.hasAccepted()).as("answer %d: %s", i, answer).isTrue();
            assertThat(answer.getAccepted().getTransfer().getAmount()).as("answer %d is request %d's", i, i).isEqualTo(i + 1);
            assertThat(answer.getAccepted().getReplayed()).isFalse();
            ids.add(answer.getAccepted().getTransfer().getId());
            highest = Math.max(highest, answer.getAccepted().getSeq());
        }
        assertThat(ids).hasSize(count);
        assertThat(result.trailers().get(GrpcTestClient.SEQ)).isEqualTo(Long.toString(highest));
        assertThat(highest).isEqualTo(lastSeq(ledger));
        // Each committed once: the journal has exactly these transfers, and the balances their sum.
        var journal = get("/v1/accounts/" + b + "/transfers?limit=" + Limits.PAGE_SIZE_MAX, ledger.readKey()).expect(200).body();
        var journalIds = new HashSet<String>();
        journal.get("items").forEach(item -> journalIds.add(item.get("id").asString()));
        assertThat(journalIds).isEqualTo(ids);
        assertThat(journal.get("nextCursor") == null || journal.get("nextCursor").isNull()).as("one page holds them all").isTrue();
        assertThat(postedBalance(ledger, b)).isEqualTo((long) count * (count + 1) / 2);
        assertThat(postedBalance(ledger, a)).isEqualTo(-(long) count * (count + 1) / 2);
        // Pipelined: later requests were submitted before earlier ones committed, so some batch held several.
        int largestBatch = 0;
        for (int i = 0; i < count; i += 10) {
            var journey = get("/v1/transfers/" + result.answers().get(i).getAccepted().getTransfer().getId() + "/journey",
                    ledger.readKey()).expect(200).body();
            largestBatch = Math.max(largestBatch, journey.get("committed").get("batchSize").asInt());
        }
        assertThat(largestBatch).as("the largest batch among the stream's transfers").isGreaterThan(1);

        // The same stream again: every answer replayed, nothing moved.
        var again = stream(ledger.writeKey(), Map.of(), requests.subList(0, 100));
        assertThat(again.answers()).hasSize(100).allSatisfy(answer -> assertThat(answer.getAccepted().getReplayed()).isTrue());
        assertThat(again.answers().get(99).getAccepted().getTransfer().getId())
                .isEqualTo(result.answers().get(99).getAccepted().getTransfer().getId());
        assertThat(lastSeq(ledger)).isEqualTo(highest);
    }

    @Test
    void aStreamAnswersARefusalInItsPlaceAndGoesOn() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var empty = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var result = stream(ledger.writeKey(), Map.of(), List.of(
                transferOf(a, b, 1).build(),
                transferOf(empty, b, 1).build(),
                transferOf(a, b, 2).setFrom("not-a-uuid").build(),
                transferOf(a, b, 3).setIdempotencyKey("k".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX + 1)).build(),
                transferOf(a, b, 4).build()));
        assertThat(result.status().getCode()).isEqualTo(Status.Code.OK);
        assertThat(result.answers()).extracting(StreamTransfersResponse::getIndex).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(result.answers().get(0).getAccepted().getTransfer().getAmount()).isEqualTo(1);
        assertThat(refusal(result.answers().get(1))).isEqualTo(Status.Code.FAILED_PRECONDITION.value() + " INSUFFICIENT_FUNDS");
        assertThat(refusal(result.answers().get(2))).isEqualTo(Status.Code.INVALID_ARGUMENT.value() + " VALIDATION_FAILED");
        assertThat(refusal(result.answers().get(3))).isEqualTo(Status.Code.INVALID_ARGUMENT.value() + " VALIDATION_FAILED");
        assertThat(result.answers().get(4).getAccepted().getTransfer().getAmount()).isEqualTo(4);
        assertThat(postedBalance(ledger, b)).isEqualTo(5);

        // A stream takes no idempotency-key metadata (each request has its own key), and needs a write key.
        var keyed = stream(ledger.writeKey(), Map.of("idempotency-key", "one-for-all"), List.of(transferOf(a, b, 1).build()));
        assertThat(keyed.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(keyed.trailers().get(GrpcTestClient.PROBLEM_CODE)).isEqualTo("VALIDATION_FAILED");
        assertThat(keyed.answers()).isEmpty();
        var read = stream(ledger.readKey(), Map.of(), List.of(transferOf(a, b, 1).build()));
        assertThat(read.status().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(read.trailers().get(GrpcTestClient.PROBLEM_CODE)).isEqualTo("FORBIDDEN");
        var none = stream(null, Map.of(), List.of(transferOf(a, b, 1).build()));
        assertThat(none.status().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(postedBalance(ledger, b)).isEqualTo(5);
    }

    private static String refusal(StreamTransfersResponse answer) {
        assertThat(answer.hasRefused()).as("%s", answer).isTrue();
        try {
            var info = answer.getRefused().getDetails(0).unpack(com.google.rpc.ErrorInfo.class);
            assertThat(answer.getRefused().getMessage()).isNotBlank();
            return answer.getRefused().getCode() + " " + info.getReason();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    // ---- authentication and roles ----

    @Test
    void everyRpcNeedsAKeyOfTheRightRoleAndSeesOnlyItsLedger() {
        var ledger = newLedger();
        var other = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        var hold = assertOk(create(ledger.writeKey(), transferOf(a, b, 10).setPending(true).build())).getTransfer().getId();
        var foreign = usd(other);
        var foreignHold = assertOk(create(other.writeKey(), transferOf(foreign, usd(other), 10).setPending(true).build()))
                .getTransfer().getId();
        long seq = lastSeq(ledger);
        long otherSeq = lastSeq(other);

        Map<String, Function<String, Outcome<?>>> writes = new LinkedHashMap<>();
        writes.put("CreateTransfer", key -> create(key, transferOf(a, b, 1).build()));
        writes.put("CaptureHold", key -> grpc.unary(key, c -> transfers(c).captureHold(CaptureHoldRequest.newBuilder().setHoldId(hold).build())));
        writes.put("VoidHold", key -> grpc.unary(key, c -> transfers(c).voidHold(VoidHoldRequest.newBuilder().setHoldId(hold).build())));
        Map<String, Function<String, Outcome<?>>> reads = new LinkedHashMap<>();
        reads.put("GetBalance", key -> grpc.unary(key, c -> accounts(c).getBalance(GetBalanceRequest.newBuilder().setAccountId(a.toString()).build())));
        reads.put("GetStatement", key -> grpc.unary(key, c -> accounts(c).getStatement(GetStatementRequest.newBuilder().setAccountId(a.toString()).build())));

        var everything = new LinkedHashMap<>(writes);
        everything.putAll(reads);
        everything.forEach((rpc, call) -> {
            assertRefused(call.apply(null), Status.Code.UNAUTHENTICATED, "UNAUTHORIZED");
            assertRefused(call.apply("cla_not_a_key_" + UUID.randomUUID()), Status.Code.UNAUTHENTICATED, "UNAUTHORIZED");
            assertRefused(call.apply(OPERATOR_KEY), Status.Code.PERMISSION_DENIED, "FORBIDDEN");
        });
        // The "Bearer " prefix is required, as over HTTP.
        var raw = grpc.unary(null, Map.of("authorization", ledger.writeKey()), c -> accounts(c).getBalance(
                GetBalanceRequest.newBuilder().setAccountId(a.toString()).build()));
        assertRefused(raw, Status.Code.UNAUTHENTICATED, "UNAUTHORIZED");
        writes.forEach((rpc, call) -> assertRefused(call.apply(ledger.readKey()), Status.Code.PERMISSION_DENIED, "FORBIDDEN"));
        reads.forEach((rpc, call) -> assertOk(call.apply(ledger.readKey())));
        reads.forEach((rpc, call) -> assertOk(call.apply(ledger.adminKey())));
        assertThat(lastSeq(ledger)).as("nothing written by a refused call").isEqualTo(seq);

        // Another ledger's objects do not exist for this key.
        assertRefused(grpc.unary(ledger.readKey(), c -> accounts(c).getBalance(GetBalanceRequest.newBuilder()
                .setAccountId(foreign.toString()).build())), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertRefused(grpc.unary(ledger.readKey(), c -> accounts(c).getStatement(GetStatementRequest.newBuilder()
                .setAccountId(foreign.toString()).build())), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertRefused(create(ledger.writeKey(), transferOf(foreign, b, 1).build()), Status.Code.NOT_FOUND, "ACCOUNT_NOT_FOUND");
        assertRefused(grpc.unary(ledger.writeKey(), c -> transfers(c).captureHold(CaptureHoldRequest.newBuilder()
                .setHoldId(foreignHold).build())), Status.Code.NOT_FOUND, "TRANSFER_NOT_FOUND");
        assertRefused(grpc.unary(ledger.writeKey(), c -> transfers(c).voidHold(VoidHoldRequest.newBuilder()
                .setHoldId(foreignHold).build())), Status.Code.NOT_FOUND, "TRANSFER_NOT_FOUND");
        assertThat(lastSeq(ledger)).isEqualTo(seq);
        assertThat(lastSeq(other)).isEqualTo(otherSeq);
        assertThat(transferStatus(other, UUID.fromString(foreignHold))).isEqualTo("PENDING");
    }

    @Test
    void aKeyBeyondItsRateIsResourceExhaustedWithARetryHintWhicheverTransportItUses() {
        var ledger = newLedger();
        var a = usd(ledger);
        Function<String, Outcome<GetBalanceResponse>> read = key -> grpc.unary(key, c -> accounts(c).getBalance(
                GetBalanceRequest.newBuilder().setAccountId(a.toString()).build()));
        var slow = post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"ratePerSecond\":1}")
                .expect(201).body().get("key").asString();
        assertOk(read.apply(slow));
        var limited = assertRefused(read.apply(slow), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
        assertThat(Long.parseLong(limited.trailer(GrpcTestClient.RETRY_AFTER))).isBetween(1L, 2L);
        assertThat(limited.retryInfo().getRetryDelay().getSeconds()).isBetween(1L, 2L);
        // One rate for both transports.
        var shared = post("/v1/admin/ledgers/" + ledger.id() + "/keys", OPERATOR_KEY, "{\"role\":\"read\",\"ratePerSecond\":1}")
                .expect(201).body().get("key").asString();
        get("/v1/accounts/" + a + "/balance", shared).expect(200);
        assertRefused(read.apply(shared), Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED");
    }

    // ---- limits ----

    @Test
    void everyLimitOfATransferHoldsAtItsEdge() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        String key = ledger.writeKey();
        // Amount: 1 to AMOUNT_MINOR_MAX.
        assertOk(create(key, transferOf(a, b, Limits.AMOUNT_MINOR_MAX).build()));
        assertRefused(create(key, transferOf(usd(ledger), b, Limits.AMOUNT_MINOR_MAX + 1).build()), Status.Code.INVALID_ARGUMENT, "AMOUNT_EXCEEDS_LIMIT");
        var c = usd(ledger);
        var d = usd(ledger);
        assertRefused(create(key, transferOf(c, d, 0).build()), Status.Code.INVALID_ARGUMENT, "AMOUNT_NOT_POSITIVE");
        assertRefused(create(key, transferOf(c, d, 1).clearAmount().build()), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        // Metadata: entries, key length, value length.
        Map<String, String> full = new LinkedHashMap<>();
        for (int i = 0; i < Limits.METADATA_ENTRIES_MAX; i++) {
            full.put("k" + i, "v");
        }
        assertOk(create(key, transferOf(c, d, 1).putAllMetadata(full).build()));
        full.put("one-more", "v");
        assertRefused(create(key, transferOf(c, d, 1).putAllMetadata(full).build()), Status.Code.INVALID_ARGUMENT, "METADATA_INVALID");
        assertOk(create(key, transferOf(c, d, 1).putMetadata("k".repeat(Limits.METADATA_KEY_LENGTH_MAX), "v").build()));
        assertRefused(create(key, transferOf(c, d, 1).putMetadata("k".repeat(Limits.METADATA_KEY_LENGTH_MAX + 1), "v").build()),
                Status.Code.INVALID_ARGUMENT, "METADATA_INVALID");
        assertOk(create(key, transferOf(c, d, 1).putMetadata("k", "v".repeat(Limits.METADATA_VALUE_LENGTH_MAX)).build()));
        assertRefused(create(key, transferOf(c, d, 1).putMetadata("k", "v".repeat(Limits.METADATA_VALUE_LENGTH_MAX + 1)).build()),
                Status.Code.INVALID_ARGUMENT, "METADATA_INVALID");
        // Idempotency key, in the field and in the metadata.
        var longest = "i".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX);
        assertOk(create(key, transferOf(c, d, 1).setIdempotencyKey(longest).build()));
        assertRefused(create(key, transferOf(c, d, 1).setIdempotencyKey(longest + "i").build()), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertOk(create(key, Map.of("idempotency-key", "h".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX)), transferOf(c, d, 1).build()));
        assertRefused(create(key, Map.of("idempotency-key", "h".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX + 1)), transferOf(c, d, 1).build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        // Hold timeout: 1 s to HOLD_TIMEOUT_SECONDS_MAX.
        assertOk(create(key, transferOf(c, d, 1).setPending(true).setTimeoutSeconds(1).build()));
        assertOk(create(key, transferOf(c, d, 1).setPending(true).setTimeoutSeconds(Limits.HOLD_TIMEOUT_SECONDS_MAX).build()));
        assertRefused(create(key, transferOf(c, d, 1).setPending(true).setTimeoutSeconds(0).build()), Status.Code.INVALID_ARGUMENT, "HOLD_TIMEOUT_INVALID");
        assertRefused(create(key, transferOf(c, d, 1).setPending(true).setTimeoutSeconds(Limits.HOLD_TIMEOUT_SECONDS_MAX + 1).build()),
                Status.Code.INVALID_ARGUMENT, "HOLD_TIMEOUT_INVALID");
    }

    @Test
    void aMessageOfTheLargestSizeIsReadAndOneByteMoreIsNot() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        long seq = lastSeq(ledger);
        var atLimit = padded(transferOf(a, b, 1).build(), Limits.GRPC_MESSAGE_BYTES_MAX);
        assertThat(atLimit.getSerializedSize()).isEqualTo(Limits.GRPC_MESSAGE_BYTES_MAX);
        // Read, and refused for its unknown (padding) field: not for its size.
        assertRefused(create(ledger.writeKey(), atLimit), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        var beyond = padded(transferOf(a, b, 1).build(), Limits.GRPC_MESSAGE_BYTES_MAX + 1);
        assertThat(beyond.getSerializedSize()).isEqualTo(Limits.GRPC_MESSAGE_BYTES_MAX + 1);
        var refused = create(ledger.writeKey(), beyond);
        assertThat(refused.code()).as("%s", refused.status()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(lastSeq(ledger)).isEqualTo(seq);
        // The service goes on.
        assertOk(create(ledger.writeKey(), transferOf(a, b, 1).build()));
    }

    /** The message with an unknown length-delimited field that makes it exactly {@code size} bytes. */
    static CreateTransferRequest padded(CreateTransferRequest message, int size) {
        for (int padding = size - message.getSerializedSize(); padding > 0; padding--) {
            var candidate = message.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(1_000,
                    UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[padding])).build()).build()).build();
            if (candidate.getSerializedSize() == size) {
                return candidate;
            }
        }
        throw new AssertionError("no padding makes " + size + " bytes");
    }

    @Test
    void malformedMessagesAndUnknownFieldsAreInvalidArgument() {
        var ledger = newLedger();
        var a = usd(ledger);
        var b = usd(ledger);
        long seq = lastSeq(ledger);
        String create = "ledger.v1.Transfers/CreateTransfer";
        var garbage = grpc.rawUnary(create, ledger.writeKey(), Map.of(), new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01});
        assertRefused(garbage, Status.Code.INVALID_ARGUMENT, "MALFORMED_MESSAGE");
        // A string field (asset, number 4) that is not UTF-8.
        var notUtf8 = grpc.rawUnary(create, ledger.writeKey(), Map.of(), new byte[] {0x22, 0x02, (byte) 0xc3, (byte) 0x28});
        assertRefused(notUtf8, Status.Code.INVALID_ARGUMENT, "MALFORMED_MESSAGE");
        var unknown = transferOf(a, b, 1).build().toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();
        assertRefused(create(ledger.writeKey(), unknown), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(create(ledger.writeKey(), transferOf(a, b, 1).setTo("0193a1c2-7f3e-7b1a-9c4d-2e5f6a7b8c9").build()),
                Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(create(ledger.writeKey(), transferOf(a, b, 1).setTo("1-1-1-1-1").build()), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(create(ledger.writeKey(), transferOf(a, b, 1).clearAsset().build()), Status.Code.INVALID_ARGUMENT, "VALIDATION_FAILED");
        assertRefused(create(ledger.writeKey(), transferOf(a, a, 1).build()), Status.Code.INVALID_ARGUMENT, "SAME_ACCOUNT");
        assertThat(lastSeq(ledger)).isEqualTo(seq);
    }
}
