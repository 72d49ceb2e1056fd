package dev.creditledger.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import dev.creditledger.core.Reason;
import dev.creditledger.postgres.QueueFullException;
import dev.creditledger.postgres.StorageUnavailableException;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import dev.creditledger.server.api.ProblemCatalog;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** Problems as gRPC statuses: the status table, the code in the details and trailers, retry hints, and no INTERNAL for input. */
class GrpcProblemsTest {

    @Test
    void theStatusTableOfTheApi() {
        assertThat(GrpcStatuses.of(HttpStatus.BAD_REQUEST)).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(GrpcStatuses.of(HttpStatus.UNAUTHORIZED)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(GrpcStatuses.of(HttpStatus.FORBIDDEN)).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(GrpcStatuses.of(HttpStatus.NOT_FOUND)).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(GrpcStatuses.of(HttpStatus.CONFLICT)).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcStatuses.of(HttpStatus.UNPROCESSABLE_CONTENT)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(GrpcStatuses.of(HttpStatus.TOO_MANY_REQUESTS)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(GrpcStatuses.of(HttpStatus.SERVICE_UNAVAILABLE)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(GrpcStatuses.of(HttpStatus.INTERNAL_SERVER_ERROR)).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void noProblemButAnInternalErrorIsInternalUnknownOrOk() {
        for (var reason : Reason.values()) {
            assertThat(GrpcStatuses.of(ProblemCatalog.statusOf(reason))).as("%s", reason)
                    .isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.OK);
        }
        for (var error : ApiError.values()) {
            var code = GrpcStatuses.of(error.status());
            if (error == ApiError.INTERNAL_ERROR) {
                assertThat(code).isEqualTo(Status.Code.INTERNAL);
            } else {
                assertThat(code).as("%s", error).isNotIn(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.OK);
            }
        }
        // The examples the brief names for 409 and 422.
        assertThat(GrpcStatuses.of(ProblemCatalog.statusOf(Reason.IDEMPOTENCY_KEY_REUSED))).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(GrpcStatuses.of(ProblemCatalog.statusOf(Reason.INSUFFICIENT_FUNDS))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void theProblemCodeIsInTheDetailsAndTheTrailers() throws Exception {
        var e = GrpcProblems.exception(ApiException.of(Reason.INSUFFICIENT_FUNDS, "account x would go below zero"), false);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("account x would go below zero");
        assertThat(e.getTrailers().get(GrpcProblems.PROBLEM_CODE)).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(e.getTrailers().get(GrpcProblems.REPLAYED)).isNull();
        assertThat(e.getTrailers().get(GrpcProblems.RETRY_AFTER)).isNull();
        var details = StatusProto.fromThrowable(e);
        assertThat(details).isNotNull();
        assertThat(details.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        assertThat(details.getDetailsList()).hasSize(1);
        var info = details.getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getReason()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(info.getDomain()).isEqualTo(GrpcProblems.ERROR_DOMAIN);
        assertThat(info.getMetadataMap()).containsEntry("httpStatus", "422").doesNotContainKey("replayed");
    }

    @Test
    void aReplayedProblemSaysSo() throws Exception {
        var e = GrpcProblems.exception(ApiException.of(Reason.INSUFFICIENT_FUNDS, "no"), true);
        assertThat(e.getTrailers().get(GrpcProblems.REPLAYED)).isEqualTo("true");
        assertThat(StatusProto.fromThrowable(e).getDetails(0).unpack(ErrorInfo.class).getMetadataMap()).containsEntry("replayed", "true");
    }

    @Test
    void overloadIsUnavailableOrResourceExhaustedWithARetryHint() throws Exception {
        var full = GrpcProblems.exception(new CompletionException(new QueueFullException("the posting queue is full")));
        assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(full.getTrailers().get(GrpcProblems.PROBLEM_CODE)).isEqualTo("QUEUE_FULL");
        assertThat(full.getTrailers().get(GrpcProblems.RETRY_AFTER)).isEqualTo("1");
        var retry = StatusProto.fromThrowable(full).getDetails(1).unpack(RetryInfo.class);
        assertThat(retry.getRetryDelay().getSeconds()).isEqualTo(1);

        var storage = GrpcProblems.exception(new StorageUnavailableException("down", new java.sql.SQLException("refused")));
        assertThat(storage.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(storage.getTrailers().get(GrpcProblems.PROBLEM_CODE)).isEqualTo("STORAGE_UNAVAILABLE");

        var limited = GrpcProblems.exception(ApiException.retryAfter(ApiError.RATE_LIMITED, "slow down", Duration.ofMillis(2_500)), false);
        assertThat(limited.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limited.getTrailers().get(GrpcProblems.RETRY_AFTER)).isEqualTo("3");
        assertThat(StatusProto.fromThrowable(limited).getDetails(1).unpack(RetryInfo.class).getRetryDelay().getSeconds()).isEqualTo(3);
    }

    @Test
    void onlyADefectIsInternal() {
        var defect = GrpcProblems.exception(new NullPointerException("a bug"));
        assertThat(defect.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(defect.getTrailers().get(GrpcProblems.PROBLEM_CODE)).isEqualTo("INTERNAL_ERROR");
        assertThat(defect.getStatus().getDescription()).doesNotContain("a bug");
    }

    @Test
    void aLongDetailIsCutToItsLimit() {
        var detail = "cursor '" + "\uD83D\uDCB0".repeat(10_000) + "' is not one this API returned";
        var e = GrpcProblems.exception(ApiException.validation(detail), false);
        assertThat(e.getStatus().getDescription()).hasSizeLessThanOrEqualTo(GrpcProblems.DETAIL_CHARS_MAX).endsWith("…");
        assertThat(e.getStatus().getDescription()).startsWith("cursor '\uD83D\uDCB0");
        // No lone surrogate where it was cut.
        var cut = e.getStatus().getDescription();
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 2))).isFalse();
        assertThat(GrpcProblems.exception(ApiException.validation("short"), false).getStatus().getDescription()).isEqualTo("short");
    }
}
