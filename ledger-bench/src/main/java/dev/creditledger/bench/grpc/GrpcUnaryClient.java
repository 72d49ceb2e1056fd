package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.LoadClient;
import dev.creditledger.bench.load.OpOutcome;
import dev.creditledger.bench.measure.AckLog;
import dev.creditledger.grpc.v1.TransfersGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client of {@code grpc-unary}: its own {@link ManagedChannel} (one HTTP/2 connection), one blocking
 * {@code CreateTransfer} call at a time, each with a fresh idempotency key and a deadline of the request timeout.
 *
 * One channel per client, not a few shared ones, because that is what the HTTP clients do (a connection each):
 * the comparison is then transport against transport and not also one connection against many, and the server's
 * Netty spreads the connections over its event loops, where one shared connection would put every call of the run
 * through one server event-loop thread. A channel costs one connection and no thread: the channels share Netty's
 * default event loop group.
 *
 * The {@code ledger-seq} trailer reaches the client through a capturing ClientInterceptor (grpc-java's
 * {@link MetadataUtils#newCaptureMetadataInterceptor}); a blocking call runs its listener on the calling thread, so
 * the trailer is there when the call returns. It goes to the {@link AckLog}, as HTTP's {@code Ledger-Seq} does, and
 * must equal the answer's {@code seq} field; an acknowledged answer without the trailer, or with another value, is
 * an inconsistent response. Used by one thread only.
 */
public final class GrpcUnaryClient implements LoadClient {

    static final String RPC = "CreateTransfer";

    private final GrpcUnaryWorkload workload;
    private final ManagedChannel channel;
    private final TransfersGrpc.TransfersBlockingStub stub;
    private final AtomicReference<Metadata> trailers = new AtomicReference<>();
    private final SplittableRandom random;
    private final AckLog acks;
    private final String keyPrefix;
    private final long timeoutMs;
    private long keys;

    public GrpcUnaryClient(GrpcUnaryWorkload workload, ManagedChannel channel, SplittableRandom random, AckLog acks, String keyPrefix,
                           long timeoutMs) {
        this.workload = workload;
        this.channel = channel;
        this.stub = TransfersGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
        this.random = random;
        this.acks = acks;
        this.keyPrefix = keyPrefix;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void execute(OpOutcome outcome) {
        var request = GrpcTransfers.random(workload.accounts(), random, keyPrefix + "-" + (keys++));
        trailers.set(null);
        try {
            var response = stub.withDeadlineAfter(timeoutMs, TimeUnit.MILLISECONDS).createTransfer(request);
            long now = System.nanoTime();
            outcome.requestsAcknowledged++;
            outcome.entriesAcknowledged++;
            outcome.units = 1;
            long seq = GrpcChannels.ledgerSeq(trailers.get());
            acks.acknowledged(seq, now);
            if (seq <= 0 || seq != response.getSeq()) {
                outcome.inconsistentResponses++;
                outcome.fail(RPC + ": trailer ledger-seq " + (seq <= 0 ? "missing" : seq) + ", answer seq " + response.getSeq());
            }
        } catch (StatusRuntimeException e) {
            switch (GrpcRefusals.kind(e.getStatus().getCode())) {
                case REJECTED -> outcome.requestsRejected++;
                case UNKNOWN -> {
                    outcome.requestsUnknown++;
                    outcome.entriesUnknown++;
                }
            }
            outcome.fail(GrpcRefusals.describe(RPC, e));
        }
    }

    @Override
    public void connect() {
        channel.getState(true);
    }

    @Override
    public void close() {
        GrpcChannels.close(channel);
    }
}
