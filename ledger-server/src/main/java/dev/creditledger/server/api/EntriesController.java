package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.ArrayList;
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
import org.springframework.web.bind.annotation.RestController;

/** Multi-leg entries: any number of postings that balance per asset, applied atomically; and the reversal of any entry. */
@RestController
@RequestMapping("/v1/entries")
@Tag(name = "Entries")
public class EntriesController {

    private final CommandGateway gateway;
    private final LedgerQueries queries;
    private final IdGenerator ids;

    public EntriesController(CommandGateway gateway, LedgerQueries queries, IdGenerator ids) {
        this.gateway = gateway;
        this.queries = queries;
        this.ids = ids;
    }

    @PostMapping
    @Operation(summary = "Post a multi-leg entry", description = "2 to ENTRY_POSTINGS_MAX (64) postings; debits equal credits per asset.")
    public ResponseEntity<Object> create(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @RequestBody Requests.CreateEntry body) {
        Inputs.body(body);
        var lines = Inputs.required(body.postings(), "postings");
        List<Command.PostingLine> postings = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            var line = Inputs.required(lines.get(i), "postings[" + i + "]");
            postings.add(new Command.PostingLine(Inputs.required(line.account(), "postings[" + i + "].account"),
                    Inputs.required(line.side(), "postings[" + i + "].side"), Inputs.required(line.amount(), "postings[" + i + "].amount"),
                    Inputs.asset(line.asset(), line.currency(), "postings[" + i + "].asset")));
        }
        var command = new Command.PostEntry(ids.next(), postings, Inputs.metadata(body.metadata()));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/entries", body.hashed());
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.EntryJson.of(p.entry()));
    }

    /** The operation of an entry reversal's request hash (part of every stored hash: never change it). */
    static String reverseOperation(UUID entryId) {
        return "POST /v1/entries/" + entryId + "/reverse";
    }

    @PostMapping("/{entryId}/reverse")
    @Operation(summary = "Reverse any posted entry, whole or per posting, with a new REVERSAL entry",
            description = "A correction is a new entry (ADR 0018): its referenceId is the reversed entry's id (for a transfer, "
                    + "hold or capture: the transfer's, exactly as POST /v1/transfers/{id}/reverse writes it). Without amount "
                    + "and postings it takes back all that is not reversed yet; amount takes back that much of every posting; "
                    + "postings names what to take back of each posting (account and side as in the entry), balanced per asset. "
                    + "Credit given back to an account the entry had spent grants of goes back to those grants (the last drawn "
                    + "first); a GRANT's reversal takes back its own grant's remaining credit; an escrow funding's reversal is a "
                    + "refund to the buyer, a refund's holds the money again, a release is reversed whole and holds the order "
                    + "again. VOID, EXPIRY, GRANT_EXPIRY and REVERSAL entries are refused ENTRY_NOT_REVERSIBLE. Retrying with "
                    + "the same Idempotency-Key and body replays the first answer; a different body answers 409.")
    @ApiResponse(responseCode = "201", description = "The reversal as written (a replay: header Idempotent-Replayed: true)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Responses.ReversalJson.class)))
    @ApiResponse(responseCode = "400", description = "VALIDATION_FAILED, MALFORMED_JSON, REVERSAL_INVALID (both amount and postings, "
            + "no postings, a posting named twice or more than ENTRY_POSTINGS_MAX), AMOUNT_NOT_POSITIVE, AMOUNT_EXCEEDS_LIMIT, "
            + "METADATA_INVALID; nothing is stored",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = org.springframework.http.ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "UNAUTHORIZED", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "403", description = "FORBIDDEN: the key's role cannot write", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "404", description = "ENTRY_NOT_FOUND: no such entry in this ledger",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "409", description = "IDEMPOTENCY_KEY_REUSED; ESCROW_ALREADY_RELEASED (a funding or refund of an "
            + "order released since); ESCROW_REFUNDED (a funding whose order was refunded in full)",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "422", description = "ENTRY_NOT_REVERSIBLE (VOID, EXPIRY, GRANT_EXPIRY, REVERSAL); TRANSFER_NOT_POSTED "
            + "(a pending, voided or expired hold: capture or void it instead); REVERSAL_EXCEEDS_ORIGINAL (more than is left of "
            + "a posting, or a posting the entry does not have); REVERSAL_NOT_BALANCED; REVERSAL_MUST_BE_WHOLE (an escrow "
            + "release); GRANT_ALREADY_USED (more of a grant than remains of it); REFUND_EXCEEDS_ESCROW; INSUFFICIENT_FUNDS; "
            + "ACCOUNT_CLOSED; BALANCE_OVERFLOW",
            content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "429", description = "RATE_LIMITED, with Retry-After", content = @Content(mediaType = "application/problem+json"))
    @ApiResponse(responseCode = "503", description = "QUEUE_FULL or STORAGE_UNAVAILABLE, with Retry-After",
            content = @Content(mediaType = "application/problem+json"))
    public ResponseEntity<Object> reverse(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                          @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                          @PathVariable UUID entryId,
                                          @RequestBody(required = false) Requests.ReverseEntry body) {
        var b = body == null ? new Requests.ReverseEntry(null, null, null, null) : body;
        List<Command.ReversalLine> postings = null;
        if (b.postings() != null) {
            postings = new ArrayList<>(b.postings().size());
            for (int i = 0; i < b.postings().size(); i++) {
                var line = Inputs.required(b.postings().get(i), "postings[" + i + "]");
                postings.add(new Command.ReversalLine(Inputs.required(line.account(), "postings[" + i + "].account"),
                        Inputs.required(line.side(), "postings[" + i + "].side"), Inputs.required(line.amount(), "postings[" + i + "].amount")));
            }
        }
        var command = new Command.ReverseEntry(ids.next(), entryId, b.amount(), postings, Inputs.metadata(b.metadata()));
        var key = gateway.idempotency(keyHeader, b.idempotencyKey(), reverseOperation(entryId), b);
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.ReversalJson.of(p.entry()));
    }

    @GetMapping("/{entryId}")
    @Operation(summary = "Get any journal entry with its postings")
    public Responses.EntryJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                   @PathVariable UUID entryId) {
        return queries.entry(caller.ledgerId(), entryId).map(v -> Responses.EntryJson.of(v.entry()))
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "entry " + entryId + " does not exist in this ledger"));
    }
}
