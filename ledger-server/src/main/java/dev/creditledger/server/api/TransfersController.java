package dev.creditledger.server.api;

import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Limits;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Transfers: post at once or hold; capture, void and reverse; batches of up to {@link Limits#TRANSFERS_PER_REQUEST_MAX}. */
@RestController
@RequestMapping("/v1/transfers")
@Tag(name = "Transfers")
public class TransfersController {

    private final CommandGateway gateway;
    private final TransferRequests transfers;
    private final LedgerQueries queries;
    private final AccountsController accounts;
    private final CrossLedgerTransfers crossLedger;

    public TransfersController(CommandGateway gateway, TransferRequests transfers, LedgerQueries queries, AccountsController accounts,
                               CrossLedgerTransfers crossLedger) {
        this.crossLedger = crossLedger;
        this.gateway = gateway;
        this.transfers = transfers;
        this.queries = queries;
        this.accounts = accounts;
    }

    @PostMapping
    @Operation(summary = "Move money from one account to another, or hold it (pending: true)",
            description = "'from' is debited and 'to' credited. Retrying with the same Idempotency-Key (header or "
                    + "idempotencyKey field) and the same body replays the first answer; a different body answers 409. With "
                    + "'toLedger', 'to' is an account of another ledger this one is linked to: a saga carries the transfer (201 when "
                    + "it completed within the write timeout, 202 with its sagaId while it is on its way; GET /v1/sagas/{id}).")
    @ApiResponse(responseCode = "201", description = "The transfer as written; with toLedger, the completed transfer between ledgers and "
            + "its saga (a replay: header Idempotent-Replayed: true)",
            content = @Content(mediaType = "application/json", schema = @Schema(oneOf = {Responses.TransferJson.class,
                    Responses.CrossLedgerTransferJson.class})))
    @ApiResponse(responseCode = "202", description = "With toLedger: the saga is still on its way (sagaStatus PENDING or COMPENSATING); "
            + "the worker finishes it, GET /v1/sagas/{sagaId} follows it",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Responses.CrossLedgerTransferJson.class)))
    @ApiResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, AMOUNT_NOT_POSITIVE, AMOUNT_EXCEEDS_LIMIT, "
            + "METADATA_INVALID; nothing is stored",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = org.springframework.http.ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "UNAUTHORIZED", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "403", description = "FORBIDDEN: the key's role cannot write", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "404", description = "ACCOUNT_NOT_FOUND (with toLedger: also when the ledgers are not linked)",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "422", description = "INSUFFICIENT_FUNDS, ASSET_MISMATCH, ACCOUNT_CLOSED, BALANCE_OVERFLOW, ...; with "
            + "toLedger, the refusal that ended the saga (nothing moved), or SAGA_DEADLINE_PASSED",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "429", description = "RATE_LIMITED, with Retry-After", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "503", description = "QUEUE_FULL or STORAGE_UNAVAILABLE (the ledger's cluster down, or a move's fence), "
            + "with Retry-After", content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<Object> create(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @RequestBody Requests.CreateTransfer body) {
        if (body != null && body.toLedger() != null) {
            return crossLedger.create(caller.ledgerId(), keyHeader, body);
        }
        return CommandGateway.respond(gateway.submit(transfers.create(caller.ledgerId(), keyHeader, body)), TransferRequests::written);
    }

    @PostMapping("/batch")
    @Operation(summary = "Create up to " + Limits.TRANSFERS_PER_REQUEST_MAX + " transfers in one request, with a result per item",
            description = "Each item may carry its own idempotencyKey. With atomic: true they are all applied or none is.")
    public Responses.BatchJson batch(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                     @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                     @RequestBody Requests.CreateTransfers body) {
        Inputs.body(body);
        if (keyHeader != null) {
            throw ApiException.validation("a batch has no single Idempotency-Key; give each transfer its own idempotencyKey");
        }
        var items = Inputs.required(body.transfers(), "transfers");
        if (items.isEmpty() || items.size() > Limits.TRANSFERS_PER_REQUEST_MAX) {
            throw ApiException.validation("a batch holds 1 to TRANSFERS_PER_REQUEST_MAX " + Limits.TRANSFERS_PER_REQUEST_MAX
                    + " transfers, got " + items.size());
        }
        boolean atomic = Boolean.TRUE.equals(body.atomic());
        var keys = new HashSet<String>();
        List<Request> requests = new ArrayList<>();
        List<Integer> requestIndexes = new ArrayList<>();
        var results = new Responses.BatchItemJson[items.size()];
        for (int i = 0; i < items.size(); i++) {
            var item = items.get(i);
            try {
                Inputs.required(item, "transfers[" + i + "]");
                if (item.idempotencyKey() != null && !keys.add(item.idempotencyKey())) {
                    throw ApiException.validation("idempotency key '" + item.idempotencyKey() + "' appears twice in the batch");
                }
                var request = transfers.create(caller.ledgerId(), null, item);
                CommandGateway.requireValid(request.command());
                requests.add(request);
                requestIndexes.add(i);
            } catch (ApiException e) {
                results[i] = problemItem(i, e, false);
            }
        }
        boolean someInvalid = requests.size() < items.size();
        if (atomic && someInvalid) {
            // Nothing is queued: the invalid items say why, the others that they were not applied.
            for (int i = 0; i < items.size(); i++) {
                if (results[i] == null) {
                    results[i] = problemItem(i, ApiException.of(Reason.LINKED_COMMAND_FAILED,
                            "another transfer of this all-or-nothing batch is invalid"), false);
                }
            }
        } else if (!requests.isEmpty()) {
            var posted = gateway.submitAll(requests, atomic);
            for (int r = 0; r < posted.size(); r++) {
                results[requestIndexes.get(r)] = item(requestIndexes.get(r), posted.get(r));
            }
        }
        int accepted = (int) java.util.Arrays.stream(results).filter(x -> x.transfer() != null).count();
        return new Responses.BatchJson(atomic, accepted, items.size() - accepted, List.of(results));
    }

    @GetMapping("/{transferId}")
    @Operation(summary = "Get a transfer (or capture, void, expiry, reversal) with its current status")
    public Responses.TransferJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                      @PathVariable UUID transferId) {
        var view = queries.entry(caller.ledgerId(), transferId)
                .filter(v -> v.entry().kind() != dev.creditledger.core.EntryKind.ENTRY)
                .orElseThrow(() -> ApiException.of(Reason.TRANSFER_NOT_FOUND, "transfer " + transferId + " does not exist in this ledger"));
        return Responses.TransferJson.of(view.entry(), view.state());
    }

    @GetMapping
    @Operation(summary = "List the transfers of an account (same as /v1/accounts/{id}/transfers)")
    public Responses.PageJson<Responses.TransferJson> list(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                           @RequestParam UUID account,
                                                           @RequestParam(required = false) String cursor,
                                                           @RequestParam(required = false) Integer limit) {
        return accounts.transfers(caller, account, cursor, limit);
    }

    @PostMapping("/{transferId}/capture")
    @Operation(summary = "Capture a hold, fully or partly (the rest is released)")
    public ResponseEntity<Object> capture(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                          @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                          @PathVariable UUID transferId,
                                          @RequestBody(required = false) Requests.Capture body) {
        return CommandGateway.respond(gateway.submit(transfers.capture(caller.ledgerId(), keyHeader, transferId, body)),
                TransferRequests::written);
    }

    @PostMapping("/{transferId}/void")
    @Operation(summary = "Void a hold: release it without posting")
    public ResponseEntity<Object> voidHold(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                           @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                           @PathVariable UUID transferId,
                                           @RequestBody(required = false) Requests.Void body) {
        return CommandGateway.respond(gateway.submit(transfers.voidHold(caller.ledgerId(), keyHeader, transferId, body)),
                TransferRequests::written);
    }

    @PostMapping("/{transferId}/reverse")
    @Operation(summary = "Reverse a posted transfer, fully or partly, with a new entry")
    public ResponseEntity<Object> reverse(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                          @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                          @PathVariable UUID transferId,
                                          @RequestBody(required = false) Requests.Reverse body) {
        return CommandGateway.respond(gateway.submit(transfers.reverse(caller.ledgerId(), keyHeader, transferId, body)),
                TransferRequests::written);
    }

    private static Responses.BatchItemJson item(int index, PostedResult posted) {
        return switch (posted.result()) {
            case CommandResult.Accepted a -> new Responses.BatchItemJson(index, 201, a.replayed(), TransferRequests.written(posted), null);
            case CommandResult.Rejected r -> problemItem(index, ApiException.of(r.reason(), r.detail()), r.replayed());
        };
    }

    private static Responses.BatchItemJson problemItem(int index, ApiException e, boolean replayed) {
        return new Responses.BatchItemJson(index, e.status().value(), replayed, null,
                Problems.detail(e.code(), e.status(), e.title(), e.getMessage()));
    }
}
