package dev.creditledger.server.grpc;

import dev.creditledger.server.auth.Caller;
import io.grpc.Context;
import io.grpc.Metadata;
import java.time.Instant;
import java.util.UUID;

/**
 * What the {@link LedgerCallInterceptor} learned about one call, for the services: who calls (authenticated,
 * role checked), from where and with which credentials (a stream authenticates each of its requests again),
 * the idempotency key of the {@code idempotency-key} metadata, the trace context the call's writes pass on, when
 * it arrived, and the trailers the services add (sent with whatever status ends the call).
 *
 * @param idempotencyKey the {@code idempotency-key} metadata value, or null
 * @param traceparent    the caller's valid {@code traceparent}, or a new trace's
 * @param trailers       added to the call's trailers when it closes; written by one thread at a time (the call's)
 */
record CallContext(Caller caller, String authorization, String address, String idempotencyKey, String traceparent,
                   Instant receivedAt, Metadata trailers) {

    static final Context.Key<CallContext> KEY = Context.key("ledger.call");

    /** The context of the call being served on this thread; set by the interceptor for every call it lets through. */
    static CallContext current() {
        var call = KEY.get();
        if (call == null) {
            throw new IllegalStateException("no ledger call context: is the service registered behind LedgerCallInterceptor?");
        }
        return call;
    }

    UUID ledgerId() {
        return caller.ledgerId();
    }
}
