package dev.creditledger.server.grpc;

import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.server.auth.Authenticator;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;

/**
 * The door of every ledger.v1 call, as {@link dev.creditledger.server.auth.AuthInterceptor} is of every HTTP
 * request: authenticates the {@code authorization: Bearer <key>} metadata with the shared {@link Authenticator}
 * (the same keys, rate limits and bad-key throttle, counted per remote address as over HTTP) and checks the
 * service's role (read for Accounts, write for Transfers; the operator key belongs to no ledger). A refused call
 * ends at once with the problem's status (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED) before any
 * message is read. A call let through gets its {@link CallContext}, and its trailers are added to whatever
 * status ends it.
 */
final class LedgerCallInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> IDEMPOTENCY_KEY = Metadata.Key.of("idempotency-key", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    private final Authenticator authenticator;
    private final ApiKeyRole role;

    /** @param role what every method of the intercepted service needs */
    LedgerCallInterceptor(Authenticator authenticator, ApiKeyRole role) {
        this.authenticator = authenticator;
        this.role = role;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        var receivedAt = Instant.now();
        var trailers = new Metadata();
        ServerCall<ReqT, RespT> withTrailers = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata closing) {
                closing.merge(trailers);
                super.close(status, closing);
            }
        };
        var authorization = headers.get(AUTHORIZATION);
        var address = address(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        dev.creditledger.server.auth.Caller caller;
        try {
            caller = authenticator.authenticate(authorization, address);
            Authenticator.requireLedgerRole(caller, role, "call " + call.getMethodDescriptor().getFullMethodName());
        } catch (RuntimeException refused) {
            var problem = GrpcProblems.exception(refused);
            withTrailers.close(problem.getStatus(), problem.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        var incoming = TraceContext.parse(headers.get(TRACEPARENT));
        var trace = incoming != null ? incoming : TraceContext.newTrace();
        var context = Context.current().withValue(CallContext.KEY, new CallContext(caller, authorization, address,
                headers.get(IDEMPOTENCY_KEY), trace.traceparent(), receivedAt, trailers));
        return Contexts.interceptCall(context, withTrailers, headers, next);
    }

    /** The remote address as the HTTP API names it (the IP address), so both transports count an address once. */
    static String address(SocketAddress remote) {
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(remote);
    }
}
