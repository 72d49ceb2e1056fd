package dev.creditledger.server.grpc;

import dev.creditledger.core.Limits;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import io.grpc.Metadata;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One StreamTransfers call: each request is handed to {@link Submit} as it arrives, without waiting for the
 * earlier ones to commit (so a stream's transfers share batches), and the answers are written in the order of the
 * requests, each as soon as it and every earlier one are known.
 *
 * How: the answers wait in a queue of futures in request order; whenever one completes (on the engine's thread),
 * a drain runs on the service's executor and writes every completed answer at the head of the queue. Inbound
 * flow control is manual: the stream asks the transport for {@value Limits#STREAM_TRANSFERS_IN_FLIGHT_MAX}
 * requests at first and for one more each time it writes an answer, so at most that many are unanswered; and it
 * writes only while the transport is ready, so a client that does not read its answers stops being read. When the
 * client has half-closed and every answer is written, the call ends with the trailer {@code ledger-seq}: the
 * highest sequence of its accepted transfers.
 *
 * What can go wrong: if the client cancels, the answers in flight are lost, not the writes: they commit (or not)
 * as they would have, and a retry with their idempotency keys learns which.
 */
final class TransferStream implements StreamObserver<CreateTransferRequest> {

    /** Checks and submits one request of the stream; the future never fails (a refusal is an answer). */
    @FunctionalInterface
    interface Submit {
        CompletableFuture<StreamTransfersResponse> submit(long index, CreateTransferRequest request);
    }

    private final ServerCallStreamObserver<StreamTransfersResponse> out;
    private final Metadata trailers;
    private final Submit submit;
    private final Executor executor;

    private final ReentrantLock lock = new ReentrantLock();
    /** Answers not yet written, in request order; guarded by {@link #lock}, as are the fields below it. */
    private final ArrayDeque<CompletableFuture<StreamTransfersResponse>> answers = new ArrayDeque<>();
    private boolean halfClosed;
    private boolean finished;
    private long highestSeq = -1;
    /** Requests received so far; only the call's own (serialized) callbacks touch it. */
    private long received;

    /** @param executor where answers are written (never the engine's threads, which complete the futures) */
    TransferStream(ServerCallStreamObserver<StreamTransfersResponse> out, Metadata trailers, Submit submit, Executor executor) {
        this.out = out;
        this.trailers = trailers;
        this.submit = submit;
        this.executor = executor;
        out.disableAutoRequest();
        out.setOnReadyHandler(this::drain);
        out.setOnCancelHandler(this::abandon);
        out.request(Limits.STREAM_TRANSFERS_IN_FLIGHT_MAX);
    }

    @Override
    public void onNext(CreateTransferRequest request) {
        var answer = submit.submit(received++, request);
        lock.lock();
        try {
            if (finished) {
                return;
            }
            answers.add(answer);
        } finally {
            lock.unlock();
        }
        answer.whenCompleteAsync((done, never) -> drain(), executor);
    }

    @Override
    public void onError(Throwable cancelled) {
        abandon();
    }

    @Override
    public void onCompleted() {
        lock.lock();
        try {
            halfClosed = true;
        } finally {
            lock.unlock();
        }
        drain();
    }

    /** The call is gone (cancelled by the client or its deadline): nothing more is written. */
    private void abandon() {
        lock.lock();
        try {
            finished = true;
            answers.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Writes every answer known at the head of the queue; ends the call when the client is done and all are written. */
    void drain() {
        lock.lock();
        try {
            while (!finished && !answers.isEmpty() && answers.peek().isDone() && out.isReady()) {
                var next = answers.poll().join();
                if (next.hasAccepted()) {
                    highestSeq = Math.max(highestSeq, next.getAccepted().getSeq());
                }
                out.onNext(next);
                out.request(1);
            }
            if (!finished && halfClosed && answers.isEmpty()) {
                finished = true;
                if (highestSeq >= 0) {
                    trailers.put(TransfersService.SEQ, Long.toString(highestSeq));
                }
                out.onCompleted();
            }
        } finally {
            lock.unlock();
        }
    }
}
