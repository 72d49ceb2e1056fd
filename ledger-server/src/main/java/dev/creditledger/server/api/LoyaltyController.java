package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.GrantQueries;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Loyalty points: earning applies the program account's rule (in the core's state machine) and gives the
 * points as a grant, so they expire and are spent soonest expiry first; burning is a transfer from the
 * member to a redemption account (refused beyond the balance when the member's account has no overdraft).
 */
@RestController
@RequestMapping("/v1/loyalty")
@Tag(name = "Loyalty")
public class LoyaltyController {

    private final CommandGateway gateway;
    private final LedgerQueries queries;
    private final GrantQueries grants;
    private final IdGenerator ids;

    public LoyaltyController(CommandGateway gateway, LedgerQueries queries, GrantQueries grants, IdGenerator ids) {
        this.gateway = gateway;
        this.queries = queries;
        this.grants = grants;
        this.ids = ids;
    }

    @PostMapping("/earn")
    @Operation(summary = "Earn points for a spend, by the program account's loyalty rule",
            description = "The program account's metadata holds the rule: loyalty.pointsPerUnit points for every whole "
                    + "loyalty.unitMinor of spend (rounded down), valid loyalty.expiresAfterDays days (0 or absent: no expiry). "
                    + "201 with the grant of points. LOYALTY_RULE_MISSING, EARN_BELOW_ONE_POINT otherwise.")
    public ResponseEntity<Object> earn(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                       @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                       @RequestBody Requests.EarnPoints body) {
        Inputs.body(body);
        var program = Inputs.required(body.program(), "program");
        var asset = queries.account(caller.ledgerId(), program).orElseThrow(() -> AccountsController.notFound(program)).account().asset();
        var command = new Command.EarnPoints(ids.next(), Inputs.required(body.member(), "member"), program,
                Inputs.required(body.spend(), "spend"), asset, Inputs.metadata(body.metadata()));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/loyalty/earn", body);
        var posted = gateway.submit(caller.ledgerId(), key, command);
        return CommandGateway.respond(posted, p -> Responses.GrantJson.asMade(grants.grant(caller.ledgerId(), p.entry().id())
                .orElseThrow(() -> new IllegalStateException("points " + p.entry().id() + " were journaled without their grant row"))));
    }
}
