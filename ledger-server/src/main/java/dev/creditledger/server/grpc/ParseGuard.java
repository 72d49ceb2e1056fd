package dev.creditledger.server.grpc;

import dev.creditledger.server.api.ApiError;
import dev.creditledger.server.api.ApiException;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Makes malformed requests answer INVALID_ARGUMENT (MALFORMED_MESSAGE) instead of grpc-java's own statuses for
 * them, which are INTERNAL or UNKNOWN: bytes that do not parse as the request message ("Invalid protobuf byte
 * sequence", a string that is not UTF-8), and a call that takes one message but half-closes with none
 * ("Half-closed without a request"). (A second message on such a call never gets here: grpc-java's transport
 * resets the stream, and the client sees CANCELLED.)
 *
 * How: each method of the service reads its requests as raw bytes (so the transport never parses them) and this
 * guard parses them with the method's own marshaller, between the transport and the service's handler; a parse
 * failure or a missing message closes the call with the problem, and the handler never sees it. The
 * answers keep the method's own marshaller, and the service keeps its schema (server reflection shows the real
 * message types). Costs one copy of each request's bytes.
 */
final class ParseGuard {
    private ParseGuard() {}

    /** The service with every method's requests parsed by the guard. */
    static ServerServiceDefinition guard(ServerServiceDefinition service) {
        var original = service.getServiceDescriptor();
        var descriptor = ServiceDescriptor.newBuilder(original.getName()).setSchemaDescriptor(original.getSchemaDescriptor());
        var methods = service.getMethods().stream().map(ParseGuard::guard).toList();
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        var guarded = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(guarded::addMethod);
        return guarded.build();
    }

    private static <ReqT, RespT> ServerMethodDefinition<byte[], RespT> guard(ServerMethodDefinition<ReqT, RespT> method) {
        var original = method.getMethodDescriptor();
        var raw = original.toBuilder(BYTES, original.getResponseMarshaller()).build();
        ServerCallHandler<byte[], RespT> handler = (call, headers) -> guardedCall(call, headers, original, method.getServerCallHandler());
        return ServerMethodDefinition.create(raw, handler);
    }

    private static <ReqT, RespT> ServerCall.Listener<byte[]> guardedCall(ServerCall<byte[], RespT> call, Metadata headers,
                                                                        MethodDescriptor<ReqT, RespT> method,
                                                                        ServerCallHandler<ReqT, RespT> handler) {
        var parsedCall = new ParsedCall<>(call, method);
        var listener = handler.startCall(parsedCall, headers);
        boolean oneRequest = method.getType().clientSendsOneMessage();
        return new ServerCall.Listener<>() {
            private int messages;
            private boolean refused;

            @Override
            public void onMessage(byte[] bytes) {
                if (refused) {
                    return;
                }
                messages++;
                ReqT request;
                try {
                    request = method.parseRequest(new ByteArrayInputStream(bytes));
                } catch (RuntimeException malformed) {
                    refuse("the request is not a valid " + method.getFullMethodName() + " message (protobuf encoding, UTF-8 strings)");
                    return;
                }
                listener.onMessage(request);
            }

            @Override
            public void onHalfClose() {
                if (refused) {
                    return;
                }
                if (oneRequest && messages == 0) {
                    refuse("a " + method.getFullMethodName() + " call takes one request message; it sent none");
                    return;
                }
                listener.onHalfClose();
            }

            @Override
            public void onCancel() {
                if (!refused) {
                    listener.onCancel();
                }
            }

            @Override
            public void onComplete() {
                // A refused call was ended for the handler as cancelled: it hears of its end once.
                if (!refused) {
                    listener.onComplete();
                }
            }

            @Override
            public void onReady() {
                if (!refused) {
                    listener.onReady();
                }
            }

            /**
             * Ends the call with the problem; the handler hears it as a cancel (a stream stops writing answers; its
             * writes in flight still commit or not, as on any cancel).
             */
            private void refuse(String detail) {
                refused = true;
                var problem = GrpcProblems.exception(ApiException.of(ApiError.MALFORMED_MESSAGE, detail), false);
                parsedCall.close(problem.getStatus(), problem.getTrailers());
                listener.onCancel();
            }
        };
    }

    /** The transport's call, seen by the handler as a call of the method's own request type. */
    private static final class ParsedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
        private final ServerCall<byte[], RespT> call;
        private final MethodDescriptor<ReqT, RespT> method;
        private boolean closed;

        ParsedCall(ServerCall<byte[], RespT> call, MethodDescriptor<ReqT, RespT> method) {
            this.call = call;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            call.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            call.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            call.sendMessage(message);
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            // The guard and the handler may both end a call that the guard refused; the first close wins.
            if (!closed) {
                closed = true;
                call.close(status, trailers);
            }
        }

        @Override
        public boolean isReady() {
            return call.isReady();
        }

        @Override
        public boolean isCancelled() {
            return call.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            call.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            call.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            call.setOnReadyThreshold(numBytes);
        }

        @Override
        public io.grpc.SecurityLevel getSecurityLevel() {
            return call.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return call.getAttributes();
        }

        @Override
        public String getAuthority() {
            return call.getAuthority();
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }

    /** Request bytes as they came (the transport has already refused messages over the size limit). */
    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
