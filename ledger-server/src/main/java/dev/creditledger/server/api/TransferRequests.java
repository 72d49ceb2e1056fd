package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Limits;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.postgres.SagaStore;
import java.time.Duration;
import java.util.UUID;

/**
 * Turns a transfer request of either transport (the HTTP API's JSON body, or a gRPC message converted to the
 * same {@link Requests} record) into the engine's {@link Request}: its required fields and limits checked, its
 * command built, and its idempotency key resolved with the request's hash. One place, so both transports
 * refuse the same input with the same problem, and a request hashes the same whichever way it came (the
 * operation names below are part of every stored hash: never change them).
 *
 * What can go wrong: every refusal is an {@link ApiException} (400, or the named reason's status), thrown
 * before anything is queued.
 */
public final class TransferRequests {

    /** The operation of a transfer's request hash. */
    public static final String CREATE_OPERATION = "POST /v1/transfers";

    private final CommandGateway gateway;
    private final IdGenerator ids;
    private final SagaStore sagas;

    public TransferRequests(CommandGateway gateway, IdGenerator ids, SagaStore sagas) {
        this.gateway = gateway;
        this.ids = ids;
        this.sagas = sagas;
    }

    /** A transfer or hold; {@code keyHeader} is the transport's idempotency key (header or metadata), or null. */
    public Request create(UUID ledgerId, String keyHeader, Requests.CreateTransfer body) {
        Inputs.body(body);
        var command = toCommand(body);
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), CREATE_OPERATION, body.hashed());
        return new Request(ledgerId, key, command);
    }

    /** Captures a hold, fully or partly; a null body is an empty one. */
    public Request capture(UUID ledgerId, String keyHeader, UUID holdId, Requests.Capture body) {
        var b = body == null ? new Requests.Capture(null, null, null) : body;
        requireNotASagasHold(ledgerId, holdId);
        var command = new Command.CaptureHold(ids.next(), holdId, b.amount(), Inputs.metadata(b.metadata()));
        return action(ledgerId, keyHeader, holdId, "capture", b, b.idempotencyKey(), command);
    }

    /** Voids a hold; a null body is an empty one. */
    public Request voidHold(UUID ledgerId, String keyHeader, UUID holdId, Requests.Void body) {
        var b = body == null ? new Requests.Void(null, null) : body;
        requireNotASagasHold(ledgerId, holdId);
        var command = new Command.VoidHold(ids.next(), holdId, Inputs.metadata(b.metadata()));
        return action(ledgerId, keyHeader, holdId, "void", b, b.idempotencyKey(), command);
    }

    /** A saga's reserve is captured or voided by its saga alone, or the money in transit would no longer add up (ADR 0021). */
    private void requireNotASagasHold(UUID ledgerId, UUID holdId) {
        if (sagas.ownsHold(ledgerId, holdId)) {
            throw ApiException.of(Reason.HOLD_OWNED_BY_SAGA, "hold " + holdId + " is the reserve of a transfer between ledgers");
        }
    }

    /** Reverses a posted transfer, fully or partly; a null body is an empty one. */
    public Request reverse(UUID ledgerId, String keyHeader, UUID transferId, Requests.Reverse body) {
        var b = body == null ? new Requests.Reverse(null, null, null) : body;
        var command = new Command.ReverseTransfer(ids.next(), transferId, b.amount(), Inputs.metadata(b.metadata()));
        return action(ledgerId, keyHeader, transferId, "reverse", b, b.idempotencyKey(), command);
    }

    /** The common tail of capture, void and reverse: the key, hashed with the operation on this transfer. */
    private Request action(UUID ledgerId, String keyHeader, UUID transferId, String action, Object body, String bodyKey,
                           Command command) {
        var key = gateway.idempotency(keyHeader, bodyKey, "POST /v1/transfers/" + transferId + "/" + action, body);
        return new Request(ledgerId, key, command);
    }

    Command.PostTransfer toCommand(Requests.CreateTransfer body) {
        if (body.toLedger() != null) {
            throw ApiException.validation("toLedger (a transfer between ledgers) is taken by POST /v1/transfers alone, not in a batch");
        }
        boolean pending = Boolean.TRUE.equals(body.pending());
        Long timeout = body.timeoutSeconds();
        if (timeout != null && (timeout < 1 || timeout > Limits.HOLD_TIMEOUT_SECONDS_MAX)) {
            throw ApiException.of(Reason.HOLD_TIMEOUT_INVALID, "timeoutSeconds must be between 1 and HOLD_TIMEOUT_SECONDS_MAX "
                    + Limits.HOLD_TIMEOUT_SECONDS_MAX);
        }
        return new Command.PostTransfer(ids.next(), Inputs.required(body.from(), "from"), Inputs.required(body.to(), "to"),
                Inputs.required(body.amount(), "amount"), Inputs.asset(body.asset(), body.currency(), "asset"), pending,
                timeout == null ? null : Duration.ofSeconds(timeout), Inputs.metadata(body.metadata()));
    }

    /** The answer of an accepted transfer write (and of its replays): the entry as it was written. */
    public static Responses.TransferJson written(PostedResult posted) {
        return Responses.TransferJson.asWritten(posted.entry());
    }
}
