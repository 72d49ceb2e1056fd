package dev.creditledger.server.api;

import java.time.Duration;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Violation;
import org.springframework.http.HttpStatus;

/**
 * Ends a request with a problem response: a stable code, its HTTP status and a sentence about this
 * case. Thrown by controllers, the auth interceptor and request parsing; rendered by {@link ApiExceptionHandler}.
 */
public final class ApiException extends RuntimeException {
    private final String code;
    private final HttpStatus status;
    private final String title;
    private final Duration retryAfter;

    private ApiException(String code, HttpStatus status, String title, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.code = code;
        this.status = status;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    public static ApiException of(ApiError error, String detail) {
        return new ApiException(error.name(), error.status(), error.title(), detail, null);
    }

    /** A 429 or 503 that says when to retry; the Retry-After header rounds it up to whole seconds, at least 1. */
    public static ApiException retryAfter(ApiError error, String detail, Duration retryAfter) {
        return new ApiException(error.name(), error.status(), error.title(), detail, retryAfter);
    }

    public static ApiException of(Reason reason, String detail) {
        return new ApiException(reason.name(), ProblemCatalog.statusOf(reason), reason.description(), detail, null);
    }

    public static ApiException of(Violation violation) {
        return of(violation.reason(), violation.detail());
    }

    public static ApiException validation(String detail) {
        return of(ApiError.VALIDATION_FAILED, detail);
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** When the client may retry, if this problem says; null otherwise. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
