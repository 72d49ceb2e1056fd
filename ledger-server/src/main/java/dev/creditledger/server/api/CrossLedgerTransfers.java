package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.Reason;
import dev.creditledger.core.saga.SagaStep;
import dev.creditledger.postgres.Saga;
import dev.creditledger.postgres.SagaRunner;
import dev.creditledger.server.TraceContextFilter;
import java.time.Duration;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * {@code POST /v1/transfers} with {@code toLedger}: a transfer to an account of another ledger, carried by a saga
 * (ADR 0021). The request starts the saga (or finds the one its idempotency key started) and drives it for at most
 * the write timeout: 201 when it completed, 202 while it is still on its way (the worker finishes it), or the
 * problem that ended it (the source's refusal of the reserve, or the destination's refusal of the credit, after
 * which nothing moved).
 */
public final class CrossLedgerTransfers {

    private final CommandGateway gateway;
    private final SagaRunner runner;
    private final Duration writeTimeout;

    public CrossLedgerTransfers(CommandGateway gateway, SagaRunner runner, Duration writeTimeout) {
        this.gateway = gateway;
        this.runner = runner;
        this.writeTimeout = writeTimeout;
    }

    public ResponseEntity<Object> create(UUID ledgerId, String keyHeader, Requests.CreateTransfer body) {
        if (body.toLedger().equals(ledgerId)) {
            throw ApiException.validation("toLedger names this key's own ledger: omit it for a transfer within the ledger");
        }
        if (body.pending() != null || body.timeoutSeconds() != null) {
            throw ApiException.validation("a transfer between ledgers is posted, never held: pending and timeoutSeconds are not taken");
        }
        var asset = Inputs.asset(body.asset(), body.currency(), "asset");
        var from = Inputs.required(body.from(), "from");
        var to = Inputs.required(body.to(), "to");
        long amount = Inputs.required(body.amount(), "amount");
        var metadata = Inputs.metadata(body.metadata());
        // The same checks as any transfer (amount, asset, metadata): refused here, before a saga exists.
        CommandGateway.requireValid(new Command.PostTransfer(UUID.randomUUID(), from, to, amount, asset, false, null, metadata));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), TransferRequests.CREATE_OPERATION, body.hashed());
        var started = runner.start(ledgerId, key, from, body.toLedger(), to, amount, asset, metadata, TraceContextFilter.current());
        var saga = started.saga().status().finished() ? started.saga() : runner.drive(ledgerId, started.saga().id(), writeTimeout);
        return respond(saga, started.replayed());
    }

    private static ResponseEntity<Object> respond(Saga saga, boolean replayed) {
        var headers = new HttpHeaders();
        if (replayed) {
            headers.set(CommandGateway.REPLAYED_HEADER, "true");
        }
        return switch (saga.status()) {
            case COMPLETED -> {
                headers.set(CommandGateway.SEQ_HEADER, String.valueOf(saga.steps().get(SagaStep.CAPTURE).seq()));
                yield new ResponseEntity<>(Responses.CrossLedgerTransferJson.of(saga), headers, HttpStatus.CREATED);
            }
            case PENDING, COMPENSATING -> new ResponseEntity<>(Responses.CrossLedgerTransferJson.of(saga), headers, HttpStatus.ACCEPTED);
            case FAILED -> problem(saga, SagaStep.RESERVE, headers);
            case COMPENSATED -> problem(saga, SagaStep.CREDIT, headers);
        };
    }

    private static ResponseEntity<Object> problem(Saga saga, SagaStep step, HttpHeaders headers) {
        var record = saga.steps().get(step);
        var reason = Reason.valueOf(record.problemCode());
        var problem = Problems.response(ApiException.of(reason, record.problemDetail() + " (saga " + saga.id() + "; nothing moved)"));
        headers.putAll(problem.getHeaders());
        return new ResponseEntity<>(problem.getBody(), headers, problem.getStatusCode());
    }
}
