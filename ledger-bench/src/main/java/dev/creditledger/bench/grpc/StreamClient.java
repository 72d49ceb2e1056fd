package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.OpOutcome;
import dev.creditledger.bench.load.Tally;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.bench.measure.Latencies;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import dev.creditledger.grpc.v1.TransfersGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One {@code StreamTransfers} call of {@code grpc-stream}, on its own channel: a sender thread ({@link #run}) sends
 * random transfers while fewer than {@code inFlightMax} are unanswered (a semaphore of that many permits), and the
 * answers, which the service gives one per request in request order, arrive on the channel's event loop
 * ({@link #onNext}). A transfer's latency runs from its send to its answer; the send times sit in a ring of
 * {@code inFlightMax} slots, which is enough because no more than that are ever unanswered.
 *
 * Each accepted answer carries its transfer's {@code seq}, which goes to the {@link AckLog} as HTTP's
 * {@code Ledger-Seq} does; the call's {@code ledger-seq} trailer (the highest accepted sequence) must equal the highest
 * seq of the answers. A refused answer counts as {@link GrpcRefusals} says (a 4xx twin: rejected; a 5xx twin: unknown).
 * An answer out of order, without a result, or a trailer that disagrees is an inconsistent response.
 *
 * What can go wrong: the call ends early (transport failure, or a status for the whole call): the sender stops, and
 * every transfer sent and not answered is an unknown outcome, as its write may have committed; the call's own status
 * counts as one more request, rejected or unknown by its code. If the last answers do not come within
 * {@code answerTimeoutNanos} of the half-close, the call is cancelled and they are unknown.
 */
public final class StreamClient implements ClientResponseObserver<CreateTransferRequest, StreamTransfersResponse> {

    static final String RPC = "StreamTransfers";
    /** How often a sender waiting for a free slot looks at the clock, so it stops at the window's end. */
    static final long PERMIT_POLL_NANOS = 10_000_000L;
    static final long CANCEL_WAIT_MS = 5_000;

    private final GrpcStreamWorkload workload;
    private final ManagedChannel channel;
    private final SplittableRandom random;
    private final AckLog acks;
    private final String keyPrefix;
    private final int inFlightMax;
    private final Semaphore permits;
    private final AtomicLongArray sentNanos;
    private final AtomicReference<Metadata> trailers = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private ClientCallStreamObserver<CreateTransferRequest> requests;
    private volatile long windowStartNanos;
    private volatile long windowEndNanos;

    // Guarded by this: written by the event loop's callbacks, read by the sender at the end and by the loop after it.
    private final Tally window = new Tally(1);
    private final Tally total = new Tally(1);
    private final Latencies latencies = new Latencies();
    private final OpOutcome outcome = new OpOutcome();
    private long answered;
    private long highestSeq = -1;
    private Status endStatus;

    public StreamClient(GrpcStreamWorkload workload, ManagedChannel channel, SplittableRandom random, AckLog acks, String keyPrefix,
                        int inFlightMax) {
        this.workload = workload;
        this.channel = channel;
        this.random = random;
        this.acks = acks;
        this.keyPrefix = keyPrefix;
        this.inFlightMax = inFlightMax;
        this.permits = new Semaphore(inFlightMax);
        this.sentNanos = new AtomicLongArray(inFlightMax);
    }

    /** Sends until {@code windowEndNanos}, half-closes, and waits for the last answers. Runs on the stream's own thread. */
    void run(long windowStartNanos, long windowEndNanos, long answerTimeoutNanos) throws InterruptedException {
        this.windowStartNanos = windowStartNanos;
        this.windowEndNanos = windowEndNanos;
        TransfersGrpc.newStub(channel).withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
                .streamTransfers(this);
        long sent = 0;
        while (ended.getCount() > 0) {
            long left = windowEndNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            if (!permits.tryAcquire(Math.min(left, PERMIT_POLL_NANOS), TimeUnit.NANOSECONDS)) {
                continue;
            }
            var request = GrpcTransfers.random(workload.accounts(), random, keyPrefix + "-" + sent);
            sentNanos.set((int) (sent % inFlightMax), System.nanoTime());
            requests.onNext(request);
            sent++;
        }
        requests.onCompleted();
        if (!ended.await(answerTimeoutNanos, TimeUnit.NANOSECONDS)) {
            requests.cancel("the kit waited --request-timeout-ms for the stream's last answers", null);
            ended.await(CANCEL_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        finish(sent);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<CreateTransferRequest> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public synchronized void onNext(StreamTransfersResponse response) {
        long now = System.nanoTime();
        long index = answered;
        long sentAt = sentNanos.get((int) (index % inFlightMax)); // read before the permit frees the slot
        outcome.reset();
        if (response.getIndex() != index) {
            outcome.inconsistentResponses++;
            outcome.fail(RPC + ": an answer for request " + response.getIndex() + " where " + index + " was due");
        }
        switch (response.getResultCase()) {
            case ACCEPTED -> {
                long seq = response.getAccepted().getSeq();
                outcome.requestsAcknowledged++;
                outcome.entriesAcknowledged++;
                outcome.units = 1;
                acks.acknowledged(seq, now);
                highestSeq = Math.max(highestSeq, seq);
                if (seq <= 0) {
                    outcome.inconsistentResponses++;
                    outcome.fail(RPC + ": an accepted answer without a seq");
                }
            }
            case REFUSED -> {
                var code = Status.fromCodeValue(response.getRefused().getCode()).getCode();
                if (code == Status.Code.OK) {
                    outcome.inconsistentResponses++;
                    outcome.requestsUnknown++;
                    outcome.entriesUnknown++;
                } else {
                    switch (GrpcRefusals.kind(code)) {
                        case REJECTED -> outcome.requestsRejected++;
                        case UNKNOWN -> {
                            outcome.requestsUnknown++;
                            outcome.entriesUnknown++;
                        }
                    }
                }
                outcome.fail(GrpcRefusals.describe(RPC, response.getRefused()));
            }
            case RESULT_NOT_SET -> {
                outcome.inconsistentResponses++;
                outcome.requestsUnknown++;
                outcome.entriesUnknown++;
                outcome.fail(RPC + ": an answer with neither accepted nor refused");
            }
        }
        answered++;
        total.add(outcome);
        if (now >= windowStartNanos && now < windowEndNanos) {
            window.add(outcome);
            latencies.recordNanos(now - sentAt);
        }
        permits.release();
    }

    @Override
    public synchronized void onError(Throwable t) {
        endStatus = Status.fromThrowable(t);
        ended.countDown();
    }

    @Override
    public synchronized void onCompleted() {
        endStatus = Status.OK;
        ended.countDown();
    }

    /** Counts what the call's end says: transfers never answered, its status, and its trailer against the answers. */
    private synchronized void finish(long sent) {
        var end = new OpOutcome();
        long unanswered = sent - answered;
        if (unanswered > 0) {
            end.requestsUnknown += unanswered;
            end.entriesUnknown += unanswered;
            end.fail(RPC + ": " + unanswered + " transfers unanswered when the call ended "
                    + (endStatus == null ? "(it never ended)" : endStatus.getCode()));
        }
        if (endStatus == null) {
            end.requestsUnknown++;
        } else if (!endStatus.isOk()) {
            switch (GrpcRefusals.kind(endStatus.getCode())) {
                case REJECTED -> end.requestsRejected++;
                case UNKNOWN -> end.requestsUnknown++;
            }
            end.fail(GrpcRefusals.describe(RPC + " (the call)", endStatus.getCode(), null, endStatus.getDescription()));
        } else if (highestSeq > 0) {
            long trailerSeq = GrpcChannels.ledgerSeq(trailers.get());
            acks.acknowledged(trailerSeq, System.nanoTime());
            if (trailerSeq != highestSeq) {
                end.inconsistentResponses++;
                end.fail(RPC + ": trailer ledger-seq " + trailerSeq + ", highest seq of the answers " + highestSeq);
            }
        }
        if (end.failed()) {
            total.add(end);
        }
    }

    synchronized Tally window() {
        return window;
    }

    synchronized Tally total() {
        return total;
    }

    synchronized Latencies latencies() {
        return latencies;
    }

    void close() {
        GrpcChannels.close(channel);
    }
}
