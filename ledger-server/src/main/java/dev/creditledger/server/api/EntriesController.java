package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
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

/** Multi-leg entries: any number of postings that balance per asset, applied atomically. */
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

    @GetMapping("/{entryId}")
    @Operation(summary = "Get any journal entry with its postings")
    public Responses.EntryJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                   @PathVariable UUID entryId) {
        return queries.entry(caller.ledgerId(), entryId).map(v -> Responses.EntryJson.of(v.entry()))
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "entry " + entryId + " does not exist in this ledger"));
    }
}
