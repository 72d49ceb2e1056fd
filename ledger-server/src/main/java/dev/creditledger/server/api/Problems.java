package dev.creditledger.server.api;

import dev.creditledger.core.JsonText;
import dev.creditledger.postgres.LedgerRejection;
import dev.creditledger.postgres.QueueFullException;
import dev.creditledger.postgres.StorageUnavailableException;
import dev.creditledger.projections.ProjectionUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Builds RFC 9457 problem responses with the stable {@code code} member every client can branch on, and decides
 * for both transports which problem a failure is ({@link #of(Throwable)}) and when a client may retry.
 */
public final class Problems {
    private Problems() {}

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    public static final String RETRY_AFTER_SECONDS = "1";

    public static ProblemDetail detail(String code, HttpStatusCode status, String title, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(typeOf(code)));
        problem.setProperty("code", code);
        return problem;
    }

    /** The problem type URI of a code: its documentation page. */
    public static String typeOf(String code) {
        return "https://docs.creditledger.dev/problems/" + code.toLowerCase().replace('_', '-');
    }

    /**
     * Writes a problem response from a servlet filter, which runs before Spring MVC and its exception
     * handler: the same members (type, title, status, detail, instance, code) as every other problem.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, ApiError error, String detail)
            throws IOException {
        response.setStatus(error.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        var json = new StringBuilder("{");
        JsonText.string(JsonText.string(json, "type").append(':'), typeOf(error.name())).append(',');
        JsonText.string(JsonText.string(json, "title").append(':'), error.title()).append(',');
        JsonText.string(json, "status").append(':').append(error.status().value()).append(',');
        JsonText.string(JsonText.string(json, "detail").append(':'), detail).append(',');
        JsonText.string(JsonText.string(json, "instance").append(':'), request.getRequestURI()).append(',');
        JsonText.string(JsonText.string(json, "code").append(':'), error.name()).append('}');
        response.getWriter().write(json.toString());
    }

    public static ResponseEntity<Object> response(ApiException e) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        retryAfterSeconds(e).ifPresent(seconds -> headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        return new ResponseEntity<>(detail(e.code(), e.status(), e.title(), e.getMessage()), headers, e.status());
    }

    /**
     * When a client may retry, in whole seconds (at least 1), for either transport (HTTP Retry-After, the gRPC
     * trailer and RetryInfo): the problem's own delay, else {@value #RETRY_AFTER_SECONDS} s for every 429 and 503;
     * empty for other problems.
     */
    public static OptionalLong retryAfterSeconds(ApiException e) {
        if (e.retryAfter() != null) {
            return OptionalLong.of(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000));
        }
        if (e.status().value() == 503 || e.status().value() == 429) {
            return OptionalLong.of(Long.parseLong(RETRY_AFTER_SECONDS));
        }
        return OptionalLong.empty();
    }

    /**
     * The problem a failure to serve a request answers, for either transport: our own problems as they are, the
     * engine's overload and storage failures and the read models' unavailability as their 503s (logged), an
     * administrative refusal as its reason, the cause of a failed future; anything else is a defect of the
     * service, logged with its stack and answered INTERNAL_ERROR.
     */
    public static ApiException of(Throwable failure) {
        return switch (failure) {
            case ApiException e -> e;
            case LedgerRejection e -> ApiException.of(e.violation());
            case QueueFullException e -> ApiException.of(ApiError.QUEUE_FULL, e.getMessage());
            case StorageUnavailableException e -> {
                log.warn("storage unavailable: {}", e.getMessage());
                yield ApiException.of(ApiError.STORAGE_UNAVAILABLE, "the database is unavailable; retry with the same idempotency key");
            }
            case ProjectionUnavailableException e -> {
                log.warn("read-model database unavailable: {}", e.getMessage());
                yield ApiException.of(ApiError.PROJECTIONS_UNAVAILABLE, "the read-model database is unavailable; retry");
            }
            case CompletionException e when e.getCause() != null -> of(e.getCause());
            case ExecutionException e when e.getCause() != null -> of(e.getCause());
            default -> {
                log.error("unexpected error", failure);
                yield ApiException.of(ApiError.INTERNAL_ERROR, "unexpected error; see the service log");
            }
        };
    }
}
