package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.CommandValidator;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Reason;
import dev.creditledger.postgres.EscrowQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Escrow per order: the buyer pays in, then the funds are released to the seller minus a platform fee
 * (once), or refunded to the buyer in full or in parts (until a release). The rules live in the core's
 * state machine; the answers of release and refund are the entries they wrote.
 */
@RestController
@RequestMapping("/v1/escrows")
@Tag(name = "Escrow")
public class EscrowsController {

    private final CommandGateway gateway;
    private final EscrowQueries escrows;
    private final IdGenerator ids;

    public EscrowsController(CommandGateway gateway, EscrowQueries escrows, IdGenerator ids) {
        this.gateway = gateway;
        this.escrows = escrows;
        this.ids = ids;
    }

    @PostMapping
    @Operation(summary = "Pay into escrow for an order", description = "Moves 'amount' from the buyer to the ledger's escrow account "
            + "for the asset (code escrow.ASSET), held for the order until released or refunded. 201 with the funding entry.")
    public ResponseEntity<Object> fund(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                       @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                       @RequestBody Requests.FundEscrow body) {
        Inputs.body(body);
        var command = new Command.FundEscrow(ids.next(), Inputs.required(body.orderId(), "orderId"), Inputs.required(body.buyer(), "buyer"),
                Inputs.required(body.seller(), "seller"), Inputs.required(body.amount(), "amount"),
                Inputs.asset(body.asset(), body.currency(), "asset"), Inputs.metadata(body.metadata()));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/escrows", body.hashed());
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.TransferJson.asWritten(p.entry()));
    }

    @PostMapping("/{orderId}/release")
    @Operation(summary = "Release an order's escrow to the seller, minus a platform fee, in one entry",
            description = "Refused once released (ESCROW_ALREADY_RELEASED) or refunded in full (ESCROW_REFUNDED).")
    public ResponseEntity<Object> release(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                          @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                          @PathVariable String orderId,
                                          @RequestBody(required = false) Requests.ReleaseEscrow body) {
        var b = body == null ? new Requests.ReleaseEscrow(null, null, null, null) : body;
        var command = new Command.ReleaseEscrow(ids.next(), validOrderId(orderId), b.fee() == null ? 0 : b.fee(), b.feeAccount(),
                Inputs.metadata(b.metadata()));
        var key = gateway.idempotency(keyHeader, b.idempotencyKey(), "POST /v1/escrows/" + orderId + "/release", b);
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.EntryJson.of(p.entry()));
    }

    @PostMapping("/{orderId}/refund")
    @Operation(summary = "Refund all or part of an order's escrow to the buyer",
            description = "Refused after a release (ESCROW_ALREADY_RELEASED) and beyond what is held (REFUND_EXCEEDS_ESCROW).")
    public ResponseEntity<Object> refund(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @PathVariable String orderId,
                                         @RequestBody(required = false) Requests.RefundEscrow body) {
        var b = body == null ? new Requests.RefundEscrow(null, null, null) : body;
        var command = new Command.RefundEscrow(ids.next(), validOrderId(orderId), b.amount(), Inputs.metadata(b.metadata()));
        var key = gateway.idempotency(keyHeader, b.idempotencyKey(), "POST /v1/escrows/" + orderId + "/refund", b);
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.TransferJson.asWritten(p.entry()));
    }

    @GetMapping("/{orderId}")
    @Operation(summary = "What an order holds in escrow, and what was released or refunded")
    public Responses.EscrowJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                    @PathVariable String orderId) {
        return Responses.EscrowJson.of(escrows.escrow(caller.ledgerId(), validOrderId(orderId)).orElseThrow(
                () -> ApiException.of(Reason.ESCROW_NOT_FOUND, "order '" + orderId + "' has no escrow in this ledger")));
    }

    private static String validOrderId(String orderId) {
        var violation = CommandValidator.checkOrderId(orderId);
        if (violation != null) {
            throw ApiException.of(violation);
        }
        return orderId;
    }
}
