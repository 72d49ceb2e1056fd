package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.GrantStatus;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Reason;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
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

/**
 * Grants: credit given to an account as a lot with its own expiry. Debits of the account (transfers,
 * captures, multi-leg entries) draw its grants down soonest expiry first; what remains at expiry moves
 * to the ledger's breakage account. The rules live in the core's state machine; this controller only
 * maps HTTP to commands and reads.
 */
@RestController
@RequestMapping("/v1")
@Tag(name = "Grants")
public class GrantsController {

    private final CommandGateway gateway;
    private final GrantQueries grants;
    private final LedgerQueries queries;
    private final IdGenerator ids;

    public GrantsController(CommandGateway gateway, GrantQueries grants, LedgerQueries queries, IdGenerator ids) {
        this.gateway = gateway;
        this.grants = grants;
        this.queries = queries;
        this.ids = ids;
    }

    @PostMapping("/grants")
    @Operation(summary = "Give credit to an account as a grant (a lot with its own expiry)",
            description = "Moves 'amount' from 'from' to 'account'. Debits of the account spend its grants soonest expiry "
                    + "first (grants without expiry last, equal expiries in the order they were made), then the rest of its "
                    + "balance. At expiresAt what remains moves to the ledger's breakage account (code breakage.ASSET).")
    public ResponseEntity<Object> create(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @RequestBody Requests.CreateGrant body) {
        Inputs.body(body);
        var command = new Command.IssueGrant(ids.next(), Inputs.required(body.account(), "account"),
                Inputs.required(body.from(), "from"), Inputs.required(body.amount(), "amount"),
                Inputs.asset(body.asset(), body.currency(), "asset"), body.expiresAt(), body.source(), Inputs.metadata(body.metadata()));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/grants", body.hashed());
        var posted = gateway.submit(caller.ledgerId(), key, command);
        return CommandGateway.respond(posted, p -> Responses.GrantJson.asMade(grants.grant(caller.ledgerId(), p.entry().id())
                .orElseThrow(() -> new IllegalStateException("grant " + p.entry().id() + " was journaled without its grant row"))));
    }

    @GetMapping("/grants/{grantId}")
    @Operation(summary = "Get a grant with what remains, is reserved, was consumed and expired")
    public Responses.GrantJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                   @PathVariable UUID grantId) {
        return Responses.GrantJson.of(grants.grant(caller.ledgerId(), grantId).orElseThrow(
                () -> ApiException.of(Reason.GRANT_NOT_FOUND, "grant " + grantId + " does not exist in this ledger")));
    }

    @GetMapping("/accounts/{accountId}/grants")
    @Operation(summary = "List an account's grants in the order they were made",
            description = "Filter by status (ACTIVE, CONSUMED, EXPIRED); pass nextCursor back as cursor.")
    public Responses.PageJson<Responses.GrantJson> ofAccount(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                             @PathVariable UUID accountId,
                                                             @RequestParam(required = false) GrantStatus status,
                                                             @RequestParam(required = false) String cursor,
                                                             @RequestParam(required = false) Integer limit) {
        queries.account(caller.ledgerId(), accountId).orElseThrow(
                () -> ApiException.of(Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger"));
        var page = grants.grantsOfAccount(caller.ledgerId(), accountId, status, Inputs.versionCursor(cursor), Inputs.limit(limit));
        return new Responses.PageJson<>(page.items().stream().map(Responses.GrantJson::of).toList(), page.nextCursor());
    }
}
