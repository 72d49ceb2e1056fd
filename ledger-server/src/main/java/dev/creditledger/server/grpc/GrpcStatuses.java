package dev.creditledger.server.grpc;

import io.grpc.Status;
import org.springframework.http.HttpStatus;

/**
 * The one table from a problem's HTTP status (decided by {@link dev.creditledger.server.api.ProblemCatalog} for
 * the domain's reasons and by {@link dev.creditledger.server.api.ApiError} for the API's own codes) to the gRPC
 * status code the gRPC API answers with. A switch over every {@link HttpStatus} with no default: a status Spring
 * adds does not compile until it is placed here.
 *
 * 409 is ALREADY_EXISTS for every conflict, including the few that are state conflicts (HOLD_NOT_PENDING,
 * ESCROW_ALREADY_RELEASED, ESCROW_REFUNDED): one status, one code, and clients branch on the problem code in
 * the status details. Statuses no problem carries (successes, redirects, HTTP-only refusals) still get the
 * nearest code, so nothing can end as UNKNOWN; a problem never is a success, so those map to INTERNAL.
 */
final class GrpcStatuses {
    private GrpcStatuses() {}

    static Status.Code of(HttpStatus status) {
        return switch (status) {
            case BAD_REQUEST, URI_TOO_LONG, UNSUPPORTED_MEDIA_TYPE, NOT_ACCEPTABLE, LENGTH_REQUIRED, EXPECTATION_FAILED,
                 REQUESTED_RANGE_NOT_SATISFIABLE, MISDIRECTED_REQUEST, I_AM_A_TEAPOT, UPGRADE_REQUIRED, PAYMENT_REQUIRED,
                 UNAVAILABLE_FOR_LEGAL_REASONS -> Status.Code.INVALID_ARGUMENT;
            case UNAUTHORIZED, PROXY_AUTHENTICATION_REQUIRED, NETWORK_AUTHENTICATION_REQUIRED -> Status.Code.UNAUTHENTICATED;
            case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
            case NOT_FOUND, GONE -> Status.Code.NOT_FOUND;
            case CONFLICT -> Status.Code.ALREADY_EXISTS;
            case UNPROCESSABLE_CONTENT, UNPROCESSABLE_ENTITY, PRECONDITION_FAILED, PRECONDITION_REQUIRED, LOCKED,
                 FAILED_DEPENDENCY, TOO_EARLY -> Status.Code.FAILED_PRECONDITION;
            case TOO_MANY_REQUESTS, CONTENT_TOO_LARGE, PAYLOAD_TOO_LARGE, REQUEST_HEADER_FIELDS_TOO_LARGE,
                 INSUFFICIENT_STORAGE, BANDWIDTH_LIMIT_EXCEEDED -> Status.Code.RESOURCE_EXHAUSTED;
            case SERVICE_UNAVAILABLE, BAD_GATEWAY -> Status.Code.UNAVAILABLE;
            case REQUEST_TIMEOUT, GATEWAY_TIMEOUT -> Status.Code.DEADLINE_EXCEEDED;
            case METHOD_NOT_ALLOWED, NOT_IMPLEMENTED, HTTP_VERSION_NOT_SUPPORTED, NOT_EXTENDED -> Status.Code.UNIMPLEMENTED;
            case INTERNAL_SERVER_ERROR, VARIANT_ALSO_NEGOTIATES, LOOP_DETECTED,
                 CONTINUE, SWITCHING_PROTOCOLS, PROCESSING, EARLY_HINTS, OK, CREATED, ACCEPTED, NON_AUTHORITATIVE_INFORMATION,
                 NO_CONTENT, RESET_CONTENT, PARTIAL_CONTENT, MULTI_STATUS, ALREADY_REPORTED, IM_USED, MULTIPLE_CHOICES,
                 MOVED_PERMANENTLY, FOUND, SEE_OTHER, NOT_MODIFIED, TEMPORARY_REDIRECT, PERMANENT_REDIRECT -> Status.Code.INTERNAL;
        };
    }
}
