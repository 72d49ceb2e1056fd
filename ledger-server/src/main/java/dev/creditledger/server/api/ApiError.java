package dev.creditledger.server.api;

import org.springframework.http.HttpStatus;

/**
 * Error codes of the API layer itself, HTTP and gRPC (the domain's are {@link dev.creditledger.core.Reason}).
 * Both kinds appear as the {@code code} of a problem response (over gRPC: the ErrorInfo reason and the
 * {@code ledger-problem-code} trailer) and never change meaning.
 */
public enum ApiError {
    MALFORMED_JSON(HttpStatus.BAD_REQUEST, "The body is not valid JSON, or a value has the wrong type."),
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "A field is missing, unknown or out of range."),
    ASSET_ALIAS_CONFLICT(HttpStatus.BAD_REQUEST,
            "The body gives both 'asset' and its deprecated alias 'currency', with different values; send 'asset' alone."),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST,
            "The request line or a header cannot be read: for example a path that is not UTF-8 once decoded, or an encoded NUL."),
    URI_TOO_LONG(HttpStatus.URI_TOO_LONG, "The request line is longer than the server reads."),
    HEADERS_TOO_LARGE(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "The request's headers are larger than the server reads."),
    MALFORMED_QUERY(HttpStatus.BAD_REQUEST,
            "The query string has a malformed percent-escape, is not UTF-8 once decoded, or has a control character."),
    MALFORMED_MESSAGE(HttpStatus.BAD_REQUEST,
            "gRPC only: the request message is not a valid protobuf encoding of its type (or a string in it is not UTF-8), "
                    + "or a call that takes one request message sent none."),
    REQUEST_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The body is larger than REQUEST_BODY_BYTES_MAX."),
    UNAUTHORIZED(HttpStatus.UNAUTHORIZED, "No API key, or an unknown or revoked one."),
    FORBIDDEN(HttpStatus.FORBIDDEN, "The API key's role does not allow this operation."),
    NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource in this ledger."),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "The resource does not support this method."),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json."),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "The API answers application/json or application/problem+json only."),
    ROLE_NOT_SERVED(HttpStatus.NOT_FOUND, "This instance does not run the api role; send API requests to one that does."),
    SEQ_NOT_COMMITTED(HttpStatus.BAD_REQUEST, "minSeq is beyond the ledger's last committed sequence."),
    PROJECTION_BEHIND(HttpStatus.SERVICE_UNAVAILABLE,
            "The read models did not reach minSeq within ledger.projections.read-wait-ms-max; retry after the indicated delay."),
    PROJECTIONS_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The read-model database is not configured on this instance, or unavailable."),
    DEAD_LETTER_NOT_FOUND(HttpStatus.NOT_FOUND, "No dead letter has this id."),
    TRACE_NOT_FOUND(HttpStatus.NOT_FOUND,
            "No span of this trace is kept in memory (ledger.tracing.memory-spans is 0, or the trace was forgotten)."),
    QUEUE_FULL(HttpStatus.SERVICE_UNAVAILABLE, "The posting queue is full; retry after the indicated delay."),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "This API key sent more requests than its rate limit; retry after the indicated delay."),
    AUTH_THROTTLED(HttpStatus.TOO_MANY_REQUESTS,
            "Too many unknown or revoked keys came from this address; retry after the indicated delay."),
    STORAGE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "The database did not accept the write; retry with the same idempotency key."),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error; it has been logged.");

    private final HttpStatus status;
    private final String title;

    ApiError(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
