package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.UUID;

/**
 * Who is calling, for every transport (the HTTP {@link AuthInterceptor}, the gRPC API): the bearer key of an
 * {@code Authorization} header or metadata value, checked against the operator key and the {@link ApiKeyCache},
 * with the {@link RateLimiter}'s limits applied, and the role checks of ledger operations. One instance serves
 * both transports, so a key's rate and an address's bad keys are counted once whichever way they come.
 *
 * No key or a bad one is 401 UNAUTHORIZED; a key beyond its rate is 429 RATE_LIMITED; an address that presented
 * too many unknown or revoked keys gets 429 AUTH_THROTTLED for keys this instance does not know (each with the
 * time to wait). Secrets are compared as SHA-256 digests with {@link MessageDigest#isEqual} (constant time) or
 * looked up by digest; no secret is logged.
 */
public final class Authenticator {

    private static final String BEARER = "Bearer ";
    /** The operator key's bucket: it belongs to no ledger and has no key id. */
    private static final UUID OPERATOR = new UUID(0, 0);
    /** A key that authenticated on this instance within this window passes the bad-key throttle of its address. */
    static final Duration KNOWN_KEY_WINDOW = Duration.ofMinutes(10);

    private final ApiKeyCache keys;
    private final byte[] operatorKeyHash;
    private final RateLimiter limits;

    /** @param operatorKey the service's admin key, or null/blank when no operator key is configured */
    public Authenticator(ApiKeyCache keys, String operatorKey, RateLimiter limits) {
        this.keys = keys;
        this.operatorKeyHash = operatorKey == null || operatorKey.isBlank() ? null : LedgerAdmin.sha256(operatorKey);
        this.limits = limits;
    }

    /**
     * The caller presenting {@code authorization} ({@code Bearer <key>}) from {@code address}; takes one request
     * from the key's rate.
     */
    public Caller authenticate(String authorization, String address) {
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

    /**
     * 403 FORBIDDEN unless the caller is a key of a ledger whose role allows {@code needed}: the operator key
     * belongs to no ledger, and a read key cannot write. {@code operation} names what was refused, e.g.
     * {@code POST /v1/transfers}.
     */
    public static void requireLedgerRole(Caller caller, ApiKeyRole needed, String operation) {
        if (caller.operator()) {
            throw ApiException.of(ApiError.FORBIDDEN, "the operator key belongs to no ledger; use an API key of the ledger");
        }
        if (!caller.role().allows(needed)) {
            throw ApiException.of(ApiError.FORBIDDEN, "this " + caller.role().name().toLowerCase() + " key cannot " + operation);
        }
    }

    private void limit(UUID keyId, Integer ratePerSecond) {
        limits.takeRequest(keyId, ratePerSecond).ifPresent(wait -> {
            throw ApiException.retryAfter(ApiError.RATE_LIMITED, "this key may send "
                    + (ratePerSecond == null ? "the service's default number of" : ratePerSecond.toString())
                    + " requests per second to this instance", wait);
        });
    }
}
