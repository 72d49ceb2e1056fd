package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Side;
import dev.creditledger.postgres.AccountFilter;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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

/** Accounts: open, read, list, balances (also at a point in time), statements, close. */
@RestController
@RequestMapping("/v1/accounts")
@Tag(name = "Accounts")
public class AccountsController {

    private static final String METADATA_FILTER_PREFIX = "metadata.";

    private final CommandGateway gateway;
    private final LedgerQueries queries;
    private final AccountReads reads;
    private final IdGenerator ids;

    public AccountsController(CommandGateway gateway, LedgerQueries queries, AccountReads reads, IdGenerator ids) {
        this.gateway = gateway;
        this.queries = queries;
        this.reads = reads;
        this.ids = ids;
    }

    @PostMapping
    @Operation(summary = "Open an account", description = "Balance constraint: noOverdraft, or an overdraftLimit, or none (may go negative).")
    public ResponseEntity<Object> create(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                         @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                         @RequestBody Requests.CreateAccount body) {
        Inputs.body(body);
        if (Boolean.TRUE.equals(body.noOverdraft()) && body.overdraftLimit() != null && body.overdraftLimit() != 0) {
            throw ApiException.validation("give noOverdraft or an overdraftLimit, not both");
        }
        Long limit = Boolean.TRUE.equals(body.noOverdraft()) ? Long.valueOf(0) : body.overdraftLimit();
        var command = new Command.CreateAccount(ids.next(), body.code(), Inputs.asset(body.asset(), body.currency(), "asset"),
                body.normalSide() == null ? Side.CREDIT : body.normalSide(), limit, Inputs.metadata(body.metadata()),
                body.alertThresholds());
        var key = gateway.idempotency(keyHeader, body.idempotencyKey(), "POST /v1/accounts", body.hashed());
        var posted = gateway.submit(caller.ledgerId(), key, command);
        return CommandGateway.respond(posted, p -> Responses.AccountJson.created(p.account(), command.alertThresholds()));
    }

    @GetMapping("/{accountId}")
    @Operation(summary = "Get an account with its current balances")
    public Responses.AccountJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                     @PathVariable UUID accountId) {
        return Responses.AccountJson.of(queries.account(caller.ledgerId(), accountId).orElseThrow(() -> notFound(accountId)));
    }

    @GetMapping
    @Operation(summary = "List accounts", description = "Filters: asset, code, and metadata.KEY=VALUE (every pair must match). "
            + "Pages in creation order; pass nextCursor back as cursor.")
    public Responses.PageJson<Responses.AccountJson> list(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                          @RequestParam(required = false) String asset,
                                                          @RequestParam(required = false) String code,
                                                          @RequestParam(required = false) String cursor,
                                                          @RequestParam(required = false) Integer limit,
                                                          @Parameter(hidden = true) @RequestParam Map<String, String> parameters) {
        Map<String, String> metadata = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            if (name.startsWith(METADATA_FILTER_PREFIX)) {
                metadata.put(name.substring(METADATA_FILTER_PREFIX.length()), value);
            }
        });
        var page = queries.accounts(caller.ledgerId(), new AccountFilter(asset, code, metadata), Inputs.uuidCursor(cursor),
                Inputs.limit(limit));
        return new Responses.PageJson<>(page.items().stream().map(Responses.AccountJson::of).toList(), page.nextCursor());
    }

    @GetMapping("/{accountId}/balance")
    @Operation(summary = "Balance now, or at a point in time (asOf, ISO-8601)")
    public Responses.PointInTimeBalanceJson balance(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                    @PathVariable UUID accountId,
                                                    @RequestParam(required = false) Instant asOf) {
        return reads.balance(caller.ledgerId(), accountId, asOf);
    }

    @GetMapping("/{accountId}/statement")
    @Operation(summary = "Statement: every posting in order with the running balance", description = "from inclusive, to exclusive (ISO-8601).")
    public Responses.StatementJson statement(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                             @PathVariable UUID accountId,
                                             @RequestParam(required = false) Instant from,
                                             @RequestParam(required = false) Instant to,
                                             @RequestParam(required = false) String cursor,
                                             @RequestParam(required = false) Integer limit) {
        return reads.statement(caller.ledgerId(), accountId, from, to, cursor, limit);
    }

    @GetMapping("/{accountId}/transfers")
    @Operation(summary = "Transfers and entries that touched the account, in order")
    public Responses.PageJson<Responses.TransferJson> transfers(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                                @PathVariable UUID accountId,
                                                                @RequestParam(required = false) String cursor,
                                                                @RequestParam(required = false) Integer limit) {
        queries.account(caller.ledgerId(), accountId).orElseThrow(() -> notFound(accountId));
        var page = queries.entriesOfAccount(caller.ledgerId(), accountId, Inputs.versionCursor(cursor), Inputs.limit(limit));
        return new Responses.PageJson<>(page.items().stream().map(v -> Responses.TransferJson.of(v.entry(), v.state())).toList(),
                page.nextCursor());
    }

    @PostMapping("/{accountId}/close")
    @Operation(summary = "Close an account whose balances are zero")
    public ResponseEntity<Object> close(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                        @RequestHeader(value = CommandGateway.IDEMPOTENCY_HEADER, required = false) String keyHeader,
                                        @PathVariable UUID accountId) {
        var key = gateway.idempotency(keyHeader, null, "POST /v1/accounts/" + accountId + "/close", null);
        var posted = gateway.submit(caller.ledgerId(), key, new Command.CloseAccount(accountId));
        // A closed account never changes again, so its current state is what the close wrote.
        return CommandGateway.respond(posted, p -> Responses.AccountJson.of(queries.account(caller.ledgerId(), accountId).orElseThrow()));
    }

    static ApiException notFound(UUID accountId) {
        return ApiException.of(dev.creditledger.core.Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger");
    }
}
