package dev.creditledger.bench.grpc;

import dev.creditledger.core.Limits;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/**
 * Opens the kit's gRPC channels: Netty (shaded), plaintext HTTP/2, every call carrying {@code authorization:
 * Bearer <write key>}. A channel is one HTTP/2 connection, opened on its first call. Callbacks run on Netty's
 * event loop ({@code directExecutor}): the kit's listeners only count and record, they never block, and a hop
 * to another thread per answer would cost the load generator CPU on cores it shares with the server.
 *
 * What can go wrong: the target is not listening; the first call then fails UNAVAILABLE and counts as an
 * unknown outcome, as a refused HTTP connection does.
 */
public final class GrpcChannels {

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> LEDGER_SEQ = Metadata.Key.of("ledger-seq", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> PROBLEM_CODE = Metadata.Key.of("ledger-problem-code", Metadata.ASCII_STRING_MARSHALLER);
    public static final long SHUTDOWN_WAIT_MS = 5_000;

    private GrpcChannels() {}

    /** A channel to {@code target} ({@code host:port}) whose calls carry {@code key}. */
    public static ManagedChannel open(String target, String key) {
        var headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + key);
        int colon = target.lastIndexOf(':');
        return NettyChannelBuilder.forAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)),
                        InsecureChannelCredentials.create())
                .directExecutor()
                .maxInboundMessageSize(Limits.GRPC_MESSAGE_BYTES_MAX)
                .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
                .build();
    }

    public static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(SHUTDOWN_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code ledger-seq} trailer, or -1 when absent or not a number. */
    public static long ledgerSeq(Metadata trailers) {
        var text = trailers == null ? null : trailers.get(LEDGER_SEQ);
        if (text == null) {
            return -1;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
