package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
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
 * Usage-based billing: a usage record is charged to revenue, paid from the customer's credits (grants
 * first, never below zero) and owed on the overage account for the rest, up to that account's limit.
 * Usage records are idempotent by key, like every write; give each its usage event id as the key.
 */
@RestController
@RequestMapping("/v1/usage")
@Tag(name = "Usage")
public class UsageController {

    private final CommandGateway gateway;
    private final IdGenerator ids;

    public UsageController(CommandGateway gateway, IdGenerator ids) {
        this.gateway = gateway;
        this.ids = ids;
    }

    @PostMapping
    @Operation(summary = "Record usage: paid from credits, the rest owed as overage up to its limit",
            description = "One USAGE entry: the account debited what its available balance covers (its grants spent soonest "
                    + "expiry first), the overage account debited the rest, the revenue account credited the whole amount. "
                    + "Beyond the overage account's limit the usage is refused with OVERAGE_LIMIT_EXCEEDED and nothing is written.")
    public ResponseEntity<Object> record(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @RequestBody Requests.RecordUsage body) {
        Inputs.body(body);
        var command = new Command.RecordUsage(ids.next(), Inputs.required(body.account(), "account"),
                Inputs.required(body.overageAccount(), "overageAccount"), Inputs.required(body.revenueAccount(), "revenueAccount"),
                Inputs.required(body.amount(), "amount"), Inputs.asset(body.asset(), body.currency(), "asset"), Inputs.metadata(body.metadata()));
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/usage", body.hashed());
        return CommandGateway.respond(gateway.submit(caller.ledgerId(), key, command), p -> Responses.EntryJson.of(p.entry()));
    }
}
