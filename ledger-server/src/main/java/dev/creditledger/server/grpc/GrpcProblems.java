package dev.creditledger.server.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.server.api.Problems;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * A problem ({@link ApiException}: a stable code, its HTTP status, a title and a sentence) as the gRPC API answers
 * it: the status code of {@link GrpcStatuses}, the sentence as the status message, and in the status details
 * (a google.rpc.Status, sent as {@code grpc-status-details-bin}) an ErrorInfo whose {@code reason} is the code,
 * plus a RetryInfo when the client may retry (429 and 503). The trailers repeat what a client without the
 * details reader needs: {@code ledger-problem-code}, {@code retry-after} (whole seconds) and
 * {@code ledger-replayed}. A stream answers a refused transfer with the same google.rpc.Status in place.
 *
 * The sentence is cut to {@value #DETAIL_CHARS_MAX} characters: it travels in trailers, which a client reads only
 * up to its metadata limit (8 KiB by default), and it may quote a hostile value.
 */
final class GrpcProblems {
    private GrpcProblems() {}

    static final String ERROR_DOMAIN = "creditledger.dev";
    static final int DETAIL_CHARS_MAX = 256;
    static final Metadata.Key<String> PROBLEM_CODE = Metadata.Key.of("ledger-problem-code", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> REPLAYED = Metadata.Key.of("ledger-replayed", Metadata.ASCII_STRING_MARSHALLER);

    /** The google.rpc.Status of a problem; {@code replayed} when it was answered from an idempotency key. */
    static com.google.rpc.Status status(ApiException problem, boolean replayed) {
        var info = ErrorInfo.newBuilder().setReason(problem.code()).setDomain(ERROR_DOMAIN)
                .putMetadata("title", problem.title())
                .putMetadata("httpStatus", Integer.toString(problem.status().value()))
                .putMetadata("type", Problems.typeOf(problem.code()));
        if (replayed) {
            info.putMetadata("replayed", "true");
        }
        var status = com.google.rpc.Status.newBuilder().setCode(GrpcStatuses.of(problem.status()).value())
                .setMessage(cut(problem.getMessage() == null ? problem.title() : problem.getMessage()))
                .addDetails(Any.pack(info.build()));
        Problems.retryAfterSeconds(problem).ifPresent(seconds -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(seconds)).build())));
        return status.build();
    }

    /** The exception that ends a call with the problem, its details and its trailers. */
    static StatusRuntimeException exception(ApiException problem, boolean replayed) {
        var trailers = new Metadata();
        trailers.put(PROBLEM_CODE, problem.code());
        Problems.retryAfterSeconds(problem).ifPresent(seconds -> trailers.put(RETRY_AFTER, Long.toString(seconds)));
        if (replayed) {
            trailers.put(REPLAYED, "true");
        }
        return StatusProto.toStatusRuntimeException(status(problem, replayed), trailers);
    }

    /** The exception that ends a call that failed: {@link Problems#of} decides the problem (INTERNAL only for a defect). */
    static StatusRuntimeException exception(Throwable failure) {
        return exception(Problems.of(failure), false);
    }

    private static String cut(String detail) {
        if (detail.length() <= DETAIL_CHARS_MAX) {
            return detail;
        }
        int end = DETAIL_CHARS_MAX - 1;
        if (Character.isHighSurrogate(detail.charAt(end - 1))) {
            end--;
        }
        return detail.substring(0, end) + "…";
    }
}
