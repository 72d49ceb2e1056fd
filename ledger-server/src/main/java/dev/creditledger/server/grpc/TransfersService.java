package dev.creditledger.server.grpc;

import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Request;
import dev.creditledger.grpc.v1.CaptureHoldRequest;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import dev.creditledger.grpc.v1.TransferResponse;
import dev.creditledger.grpc.v1.TransfersGrpc;
import dev.creditledger.grpc.v1.VoidHoldRequest;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.server.api.CommandGateway;
import dev.creditledger.server.api.Problems;
import dev.creditledger.server.api.TransferRequests;
import dev.creditledger.server.auth.Authenticator;
import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The ledger.v1 Transfers service: each rpc converts its message to the HTTP API's request record
 * ({@link GrpcMessages}) and goes the HTTP API's way from there ({@link TransferRequests}, {@link CommandGateway}):
 * the same checks, idempotency, limits and answers. A unary call waits for its commit on its own (virtual)
 * thread; {@link TransferStream} pipelines a stream's transfers on the engine's futures.
 *
 * An accepted write answers its entry as written with the trailer {@code ledger-seq}; a refused one ends the call
 * with the problem ({@link GrpcProblems}); a replay of either carries {@code ledger-replayed: true}.
 */
final class TransfersService extends TransfersGrpc.TransfersImplBase {

    static final Metadata.Key<String> SEQ = Metadata.Key.of("ledger-seq", Metadata.ASCII_STRING_MARSHALLER);

    private final CommandGateway gateway;
    private final TransferRequests transfers;
    private final Authenticator authenticator;
    private final Executor executor;

    /** @param executor where a stream's answers are written (never the engine's threads) */
    TransfersService(CommandGateway gateway, TransferRequests transfers, Authenticator authenticator, Executor executor) {
        this.gateway = gateway;
        this.transfers = transfers;
        this.authenticator = authenticator;
        this.executor = executor;
    }

    @Override
    public void createTransfer(CreateTransferRequest request, StreamObserver<TransferResponse> out) {
        var call = CallContext.current();
        write(call, out, () -> transfers.create(call.ledgerId(), call.idempotencyKey(), GrpcMessages.createTransfer(request)));
    }

    @Override
    public void captureHold(CaptureHoldRequest request, StreamObserver<TransferResponse> out) {
        var call = CallContext.current();
        write(call, out, () -> transfers.capture(call.ledgerId(), call.idempotencyKey(), GrpcMessages.holdId(request.getHoldId()),
                GrpcMessages.capture(request)));
    }

    @Override
    public void voidHold(VoidHoldRequest request, StreamObserver<TransferResponse> out) {
        var call = CallContext.current();
        write(call, out, () -> transfers.voidHold(call.ledgerId(), call.idempotencyKey(), GrpcMessages.holdId(request.getHoldId()),
                GrpcMessages.voidHold(request)));
    }

    @Override
    public StreamObserver<CreateTransferRequest> streamTransfers(StreamObserver<StreamTransfersResponse> out) {
        var call = CallContext.current();
        if (call.idempotencyKey() != null) {
            out.onError(GrpcProblems.exception(ApiException.validation(
                    "a stream has no single idempotency-key; give each request its own idempotency_key")));
            return new StreamObserver<>() {
                public void onNext(CreateTransferRequest ignored) {}
                public void onError(Throwable ignored) {}
                public void onCompleted() {}
            };
        }
        return new TransferStream((ServerCallStreamObserver<StreamTransfersResponse>) out, call.trailers(),
                (index, request) -> streamed(call, index, request), executor);
    }

    /**
     * One request of a stream, checked and submitted: authenticated again (a key revoked during the stream is
     * refused from then on, within the key cache's time) and counted against the key's rate, with its own
     * idempotency key only. Every refusal is an answer in its place; the future never fails.
     */
    private CompletableFuture<StreamTransfersResponse> streamed(CallContext call, long index, CreateTransferRequest message) {
        try {
            var caller = authenticator.authenticate(call.authorization(), call.address());
            Authenticator.requireLedgerRole(caller, ApiKeyRole.WRITE, "call " + TransfersGrpc.getStreamTransfersMethod().getFullMethodName());
            var request = transfers.create(caller.ledgerId(), null, GrpcMessages.createTransfer(message));
            return gateway.submitAsync(request, call.traceparent(), Instant.now()).handle((posted, failure) -> answer(index, posted, failure));
        } catch (RuntimeException refusal) {
            return CompletableFuture.completedFuture(refused(index, Problems.of(refusal), false));
        }
    }

    /** The answer of a request the engine answered (or failed); never throws, so the stream always moves on. */
    private static StreamTransfersResponse answer(long index, PostedResult posted, Throwable failure) {
        try {
            if (failure != null) {
                return refused(index, Problems.of(failure), false);
            }
            return switch (posted.result()) {
                case CommandResult.Accepted accepted -> StreamTransfersResponse.newBuilder().setIndex(index)
                        .setAccepted(accepted(posted, accepted)).build();
                case CommandResult.Rejected rejected -> refused(index, refusal(rejected), rejected.replayed());
            };
        } catch (RuntimeException defect) {
            return refused(index, Problems.of(defect), false);
        }
    }

    private static StreamTransfersResponse refused(long index, ApiException problem, boolean replayed) {
        return StreamTransfersResponse.newBuilder().setIndex(index).setRefused(GrpcProblems.status(problem, replayed)).build();
    }

    /** Builds the request (refusals answered as problems), submits it, waits for its commit and answers. */
    private void write(CallContext call, StreamObserver<TransferResponse> out, Supplier<Request> request) {
        PostedResult posted;
        try {
            posted = gateway.submit(request.get(), call.traceparent(), call.receivedAt());
        } catch (RuntimeException failure) {
            out.onError(GrpcProblems.exception(failure));
            return;
        }
        if (posted.result().replayed()) {
            call.trailers().put(GrpcProblems.REPLAYED, "true");
        }
        switch (posted.result()) {
            case CommandResult.Accepted accepted -> {
                call.trailers().put(SEQ, Long.toString(accepted.seq()));
                out.onNext(accepted(posted, accepted));
                out.onCompleted();
            }
            case CommandResult.Rejected rejected -> out.onError(GrpcProblems.exception(refusal(rejected), rejected.replayed()));
        }
    }

    static TransferResponse accepted(PostedResult posted, CommandResult.Accepted accepted) {
        return TransferResponse.newBuilder().setTransfer(GrpcMessages.transfer(TransferRequests.written(posted)))
                .setReplayed(accepted.replayed()).setSeq(accepted.seq()).build();
    }

    static ApiException refusal(CommandResult.Rejected rejected) {
        return ApiException.of(rejected.reason(), rejected.detail());
    }
}
