package dev.creditledger.server.api;

import dev.creditledger.postgres.ExplainQueries;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** "What happened to my credit?": an account's changes in order, explained ({@link Explanations}). */
@RestController
@RequestMapping("/v1/accounts")
@Tag(name = "Accounts")
public class ExplainController {

    private final LedgerQueries queries;
    private final ExplainQueries explain;

    public ExplainController(LedgerQueries queries, ExplainQueries explain) {
        this.queries = queries;
        this.explain = explain;
    }

    @GetMapping("/{accountId}/explain")
    @Operation(summary = "Why the balance is what it is: every change in order, in plain terms",
            description = "Each change has its kind (GRANT, SPEND, RECEIPT, HOLD, CAPTURE, VOID, EXPIRY, REFUND, CORRECTION), "
                    + "the signed amount and the running balance, the grants it touched, the other accounts by code, the "
                    + "request's idempotency key and metadata, and a sentence. from inclusive, to exclusive (ISO-8601); "
                    + "pages by account version (pass nextCursor back as cursor).")
    public Explanations.ExplanationJson explain(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                @PathVariable UUID accountId,
                                                @RequestParam(required = false) Instant from,
                                                @RequestParam(required = false) Instant to,
                                                @RequestParam(required = false) String cursor,
                                                @RequestParam(required = false) Integer limit) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.validation("'from' must be before 'to'");
        }
        var account = queries.account(caller.ledgerId(), accountId).orElseThrow(() -> AccountsController.notFound(accountId));
        var page = explain.changes(caller.ledgerId(), accountId, from, to, Inputs.versionCursor(cursor), Inputs.limit(limit));
        return Explanations.of(account, from, to, page.items(), page.nextCursor());
    }
}
