package dev.creditledger.server.api;

import dev.creditledger.postgres.LedgerRejection;
import dev.creditledger.server.BodySizeLimitFilter;
import dev.creditledger.postgres.QueueFullException;
import dev.creditledger.postgres.StorageUnavailableException;
import dev.creditledger.projections.ProjectionUnavailableException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Turns every failure into an {@code application/problem+json} response with a stable {@code code}:
 * our own {@link ApiException}s, the engine's overload and storage errors ({@link Problems#of}, shared with
 * the gRPC API), and Spring MVC's own exceptions (malformed JSON, wrong method, unknown path...). Bad input
 * therefore never yields a 5xx.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Object> api(ApiException e) {
        return Problems.response(e);
    }

    @ExceptionHandler(LedgerRejection.class)
    ResponseEntity<Object> rejection(LedgerRejection e) {
        return Problems.response(Problems.of(e));
    }

    @ExceptionHandler(QueueFullException.class)
    ResponseEntity<Object> queueFull(QueueFullException e) {
        return Problems.response(Problems.of(e));
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<Object> storage(StorageUnavailableException e) {
        return Problems.response(Problems.of(e));
    }

    @ExceptionHandler(ProjectionUnavailableException.class)
    ResponseEntity<Object> projections(ProjectionUnavailableException e) {
        return Problems.response(Problems.of(e));
    }

    @ExceptionHandler(CompletionException.class)
    ResponseEntity<Object> completion(CompletionException e) {
        return Problems.response(Problems.of(e));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Throwable e) {
        return Problems.response(Problems.of(e));
    }

    /** A chunked body that grew past the limit surfaces as unreadable JSON; it is a 413, not a 400. */
    private static boolean causedByTooLargeBody(Throwable e) {
        for (var cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodySizeLimitFilter.BodyTooLargeException) {
                return true;
            }
        }
        return false;
    }

    /** Spring MVC's own exceptions, mapped to our codes. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode statusCode, WebRequest request) {
        ApiError error = switch (ex) {
            case HttpMessageNotReadableException m when causedByTooLargeBody(m) -> ApiError.REQUEST_TOO_LARGE;
            case HttpMessageNotReadableException m -> ApiError.MALFORMED_JSON;
            case HttpRequestMethodNotSupportedException m -> ApiError.METHOD_NOT_ALLOWED;
            case HttpMediaTypeNotSupportedException m -> ApiError.UNSUPPORTED_MEDIA_TYPE;
            case HttpMediaTypeNotAcceptableException m -> ApiError.NOT_ACCEPTABLE;
            case NoResourceFoundException m -> ApiError.NOT_FOUND;
            default -> statusCode.is4xxClientError() ? ApiError.VALIDATION_FAILED : ApiError.INTERNAL_ERROR;
        };
        String detail = switch (ex) {
            case HttpMessageNotReadableException m when causedByTooLargeBody(m) ->
                    new BodySizeLimitFilter.BodyTooLargeException().getMessage();
            case HttpMessageNotReadableException m -> JsonErrors.describe(m);
            case NoResourceFoundException m -> "no resource at " + m.getResourcePath();
            default -> ex.getMessage();
        };
        if (error == ApiError.INTERNAL_ERROR) {
            log.error("unexpected MVC error", ex);
        }
        var response = Problems.response(ApiException.of(error, detail));
        var merged = new HttpHeaders();
        merged.putAll(headers);
        merged.putAll(response.getHeaders());
        return new ResponseEntity<>(response.getBody(), merged, error.status());
    }
}
