package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /v1} request by its bearer key, applies the rate limits and enforces roles:
 * reads need a read key, anything else a write key; {@code /v1/admin} needs the operator key or a ledger
 * admin key (the controllers check which ledger). No key or a bad one is 401; a key whose role is too
 * weak is 403; a key beyond its rate is 429 RATE_LIMITED, and an address that presented too many unknown
 * or revoked keys gets 429 AUTH_THROTTLED for keys this instance does not know ({@link RateLimiter}),
 * each with Retry-After. Keys come from an {@link ApiKeyCache}: no database read per request, and a
 * revocation applies at once on this instance and within the cache's time to live on the others.
 * Secrets are compared as SHA-256 digests with {@link MessageDigest#isEqual} (constant time) or looked up
 * by digest; no secret is logged.
 */
public final class AuthInterceptor implements HandlerInterceptor {

    private static final String BEARER = "Bearer ";
    /** The operator key's bucket: it belongs to no ledger and has no key id. */
    private static final UUID OPERATOR = new UUID(0, 0);
    /** A key that authenticated on this instance within this window passes the bad-key throttle of its address. */
    static final Duration KNOWN_KEY_WINDOW = Duration.ofMinutes(10);
    private final ApiKeyCache keys;
    private final byte[] operatorKeyHash;
    private final RateLimiter limits;

    /** @param operatorKey the service's admin key, or null/blank when no operator key is configured */
    public AuthInterceptor(ApiKeyCache keys, String operatorKey, RateLimiter limits) {
        this.keys = keys;
        this.operatorKeyHash = operatorKey == null || operatorKey.isBlank() ? null : LedgerAdmin.sha256(operatorKey);
        this.limits = limits;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        var caller = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION), request.getRemoteAddr());
        var path = request.getRequestURI();
        boolean adminPath = path.startsWith("/v1/admin");
        if (adminPath) {
            if (!caller.operator() && caller.role() != ApiKeyRole.ADMIN) {
                throw ApiException.of(ApiError.FORBIDDEN, "administration needs the operator key or a ledger admin key");
            }
        } else {
            if (caller.operator()) {
                throw ApiException.of(ApiError.FORBIDDEN, "the operator key belongs to no ledger; use an API key of the ledger");
            }
            var needed = isRead(request.getMethod()) ? ApiKeyRole.READ : ApiKeyRole.WRITE;
            if (!caller.role().allows(needed)) {
                throw ApiException.of(ApiError.FORBIDDEN, "this " + caller.role().name().toLowerCase()
                        + " key cannot " + request.getMethod() + " " + path);
            }
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        if (caller.ledgerId() != null) {
            org.slf4j.MDC.put(dev.creditledger.server.TraceContextFilter.LEDGER_ID, caller.ledgerId().toString());
        }
        return true;
    }

    private Caller authenticate(String authorization, String address) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw ApiException.of(ApiError.UNAUTHORIZED, "send 'Authorization: Bearer <api key>'");
        }
        var secret = authorization.substring(BEARER.length()).trim();
        if (operatorKeyHash != null && MessageDigest.isEqual(operatorKeyHash, LedgerAdmin.sha256(secret))) {
            limit(OPERATOR, null);
            return Caller.operatorKey();
        }
        if (!keys.knownWithin(secret, KNOWN_KEY_WINDOW)) {
            limits.mayTryUnknownKey(address).ifPresent(wait -> {
                throw ApiException.retryAfter(ApiError.AUTH_THROTTLED, "too many unknown or revoked keys came from " + address
                        + "; keys this instance does not know are refused from it for now", wait);
            });
        }
        var key = keys.authenticate(secret);
        if (key.isEmpty()) {
            limits.failedAuthentication(address);
            throw ApiException.of(ApiError.UNAUTHORIZED, "unknown or revoked API key");
        }
        limit(key.get().id(), key.get().ratePerSecond());
        return new Caller(false, key.get().ledgerId(), key.get().role(), key.get().id());
    }

    private void limit(UUID keyId, Integer ratePerSecond) {
        limits.takeRequest(keyId, ratePerSecond).ifPresent(wait -> {
            throw ApiException.retryAfter(ApiError.RATE_LIMITED, "this key may send "
                    + (ratePerSecond == null ? "the service's default number of" : ratePerSecond.toString())
                    + " requests per second to this instance", wait);
        });
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }
}
