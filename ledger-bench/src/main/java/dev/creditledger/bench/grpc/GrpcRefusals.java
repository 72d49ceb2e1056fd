package dev.creditledger.bench.grpc;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * How the kit counts a call that did not end OK, the same way as an HTTP answer: a status whose HTTP twin is a
 * 4xx (docs/grpc.md, "Status codes") is a <b>rejection</b> (the service refused and wrote nothing); a status whose
 * twin is a 5xx ({@code INTERNAL}, {@code UNAVAILABLE}: QUEUE_FULL, STORAGE_UNAVAILABLE, or a connection that
 * failed) and every status of the transport itself (deadline, cancel, reset) is an <b>unknown</b> outcome: the write
 * may have committed. Counting a 5xx as a rejection would make the journal check fail on a write that did commit.
 */
public final class GrpcRefusals {

    public enum Kind { REJECTED, UNKNOWN }

    private GrpcRefusals() {}

    /** Every code is mapped here, without a default, so a new code of grpc-java does not compile until it is. */
    public static Kind kind(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION,
                 RESOURCE_EXHAUSTED, OUT_OF_RANGE, UNIMPLEMENTED, ABORTED -> Kind.REJECTED;
            case INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, UNKNOWN, DATA_LOSS -> Kind.UNKNOWN;
            case OK -> throw new IllegalArgumentException("OK is not a refusal");
        };
    }

    /** A failure's text for the report: the status, the problem code and the start of the message, ids left out. */
    public static String describe(String rpc, Status.Code code, String problemCode, String message) {
        var text = rpc + " " + code + (problemCode == null ? "" : " " + problemCode)
                + (message == null ? "" : " " + (message.length() > 120 ? message.substring(0, 120) : message));
        return text.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>");
    }

    public static String describe(String rpc, StatusRuntimeException e) {
        var trailers = e.getTrailers();
        return describe(rpc, e.getStatus().getCode(), trailers == null ? null : trailers.get(GrpcChannels.PROBLEM_CODE),
                e.getStatus().getDescription());
    }

    /** A stream's refused answer: its problem code is the ErrorInfo's reason in the details. */
    public static String describe(String rpc, com.google.rpc.Status refused) {
        String problem = null;
        for (var any : refused.getDetailsList()) {
            if (any.is(ErrorInfo.class)) {
                try {
                    problem = any.unpack(ErrorInfo.class).getReason();
                } catch (InvalidProtocolBufferException e) {
                    problem = "(unreadable ErrorInfo)";
                }
            }
        }
        return describe(rpc, Status.fromCodeValue(refused.getCode()).getCode(), problem, refused.getMessage());
    }
}
