package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.MessageDigest;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Authenticates every {@code /v1} request by its bearer key and enforces roles: reads need a read key,
 * anything else a write key; {@code /v1/admin} needs the operator key or a ledger admin key (the
 * controllers check which ledger). No key or a bad one is 401; a key whose role is too weak is 403.
 * Keys come from an {@link ApiKeyCache}: no database read per request, and a revocation applies at
 * once on this instance and within the cache's time to live on the others.
 */
public final class AuthInterceptor implements HandlerInterceptor {

    private static final String BEARER = "Bearer ";
    private final ApiKeyCache keys;
    private final byte[] operatorKeyHash;

    /** @param operatorKey the service's admin key, or null/blank when no operator key is configured */
    public AuthInterceptor(ApiKeyCache keys, String operatorKey) {
        this.keys = keys;
        this.operatorKeyHash = operatorKey == null || operatorKey.isBlank() ? null : LedgerAdmin.sha256(operatorKey);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        var caller = authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
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
        return true;
    }

    private Caller authenticate(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw ApiException.of(ApiError.UNAUTHORIZED, "send 'Authorization: Bearer <api key>'");
        }
        var secret = authorization.substring(BEARER.length()).trim();
        if (operatorKeyHash != null && MessageDigest.isEqual(operatorKeyHash, LedgerAdmin.sha256(secret))) {
            return Caller.operatorKey();
        }
        return keys.authenticate(secret)
                .map(key -> new Caller(false, key.ledgerId(), key.role(), key.id()))
                .orElseThrow(() -> ApiException.of(ApiError.UNAUTHORIZED, "unknown or revoked API key"));
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method);
    }
}
