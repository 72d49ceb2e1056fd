package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /v1} request by its bearer key ({@link Authenticator}: rate limits and the bad-key
 * throttle included) and enforces roles: reads need a read key, anything else a write key; {@code /v1/admin}
 * needs the operator key or a ledger admin key (the controllers check which ledger). No key or a bad one is 401;
 * a key whose role is too weak is 403; a key beyond its rate is 429 RATE_LIMITED, and an address that presented
 * too many unknown or revoked keys gets 429 AUTH_THROTTLED for keys this instance does not know, each with
 * Retry-After. Keys come from an {@link ApiKeyCache}: no database read per request, and a revocation applies at
 * once on this instance and within the cache's time to live on the others.
 */
public final class AuthInterceptor implements HandlerInterceptor {

    /** The one ledger path the operator key may read: a saga, whichever ledger it belongs to. */
    static final String OPERATOR_READABLE_SAGAS = "/v1/sagas/";

    private final Authenticator authenticator;

    public AuthInterceptor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        var caller = authenticator.authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), request.getRemoteAddr());
        var path = request.getRequestURI();
        boolean adminPath = path.startsWith("/v1/admin");
        if (adminPath) {
            if (!caller.operator() && caller.role() != ApiKeyRole.ADMIN) {
                throw ApiException.of(ApiError.FORBIDDEN, "administration needs the operator key or a ledger admin key");
            }
        } else if (caller.operator() && isRead(request.getMethod()) && path.startsWith(OPERATOR_READABLE_SAGAS)) {
            // A saga may be looked up by the operator as well as by its source ledger's keys (ADR 0021).
        } else {
            var needed = isRead(request.getMethod()) ? ApiKeyRole.READ : ApiKeyRole.WRITE;
            Authenticator.requireLedgerRole(caller, needed, request.getMethod() + " " + path);
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        if (caller.ledgerId() != null) {
            org.slf4j.MDC.put(dev.creditledger.server.TraceContextFilter.LEDGER_ID, caller.ledgerId().toString());
        }
        return true;
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }
}
