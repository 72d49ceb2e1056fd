package dev.creditledger.server;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A plain gRPC client of the service under test (grpc-java over Netty, plaintext, on 127.0.0.1), with helpers
 * that give every call's outcome: the answer or the status, with the trailers and the problem in the details.
 */
final class GrpcTestClient implements AutoCloseable {

    static final long DEADLINE_SECONDS = 60;
    static final Metadata.Key<String> SEQ = key("ledger-seq");
    static final Metadata.Key<String> PROBLEM_CODE = key("ledger-problem-code");
    static final Metadata.Key<String> REPLAYED = key("ledger-replayed");
    static final Metadata.Key<String> RETRY_AFTER = key("retry-after");

    final ManagedChannel channel;

    GrpcTestClient(int port) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    static Metadata.Key<String> key(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    /** A call's outcome: the answer (null when refused), its status and trailers. */
    record Outcome<T>(T answer, Status status, Metadata trailers) {
        Status.Code code() {
            return status.getCode();
        }

        String trailer(Metadata.Key<String> key) {
            return trailers == null ? null : trailers.get(key);
        }

        /** The problem's ErrorInfo from the status details, or null. */
        ErrorInfo errorInfo() {
            var details = StatusProto.fromStatusAndTrailers(status, trailers);
            if (details == null) {
                return null;
            }
            for (var any : details.getDetailsList()) {
                if (any.is(ErrorInfo.class)) {
                    try {
                        return any.unpack(ErrorInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            return null;
        }

        RetryInfo retryInfo() {
            var details = StatusProto.fromStatusAndTrailers(status, trailers);
            for (var any : details.getDetailsList()) {
                if (any.is(RetryInfo.class)) {
                    try {
                        return any.unpack(RetryInfo.class);
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            return null;
        }
    }

    /** The channel with the key (null: none) and more metadata, recording the trailers of each call in {@code trailers}. */
    Channel with(String key, Map<String, String> metadata, AtomicReference<Metadata> trailers) {
        var headers = new Metadata();
        if (key != null) {
            headers.put(key("authorization"), "Bearer " + key);
        }
        metadata.forEach((name, value) -> headers.put(key(name), value));
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers),
                MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers));
    }

    /** One unary call through a stub made on the channel {@link #with} gives. */
    <T> Outcome<T> unary(String key, Map<String, String> metadata, Function<Channel, T> call) {
        var trailers = new AtomicReference<Metadata>();
        try {
            var answer = call.apply(with(key, metadata, trailers));
            return new Outcome<>(answer, Status.OK, trailers.get());
        } catch (StatusRuntimeException e) {
            return new Outcome<>(null, e.getStatus(), e.getTrailers() != null ? e.getTrailers() : trailers.get());
        }
    }

    <T> Outcome<T> unary(String key, Function<Channel, T> call) {
        return unary(key, Map.of(), call);
    }

    /** Bytes as they are, in and out: for messages no stub would send. */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static MethodDescriptor<byte[], byte[]> raw(String fullMethodName, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(type).setFullMethodName(fullMethodName)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    }

    static CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** A unary call of raw bytes. */
    Outcome<byte[]> rawUnary(String fullMethodName, String key, Map<String, String> metadata, byte[] message) {
        return unary(key, metadata, channel -> ClientCalls.blockingUnaryCall(channel,
                raw(fullMethodName, MethodDescriptor.MethodType.UNARY), deadline(), message));
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
