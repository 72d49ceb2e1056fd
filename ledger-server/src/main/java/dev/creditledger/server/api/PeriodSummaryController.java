package dev.creditledger.server.api;

import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.PeriodSummaries;
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

/**
 * The invoicing summary of a credits account over a billing period: what the period included (grants),
 * what usage took from the credits and what it left owed as overage, what expired, what else came and
 * went, and the balance carried over; it reconciles to the unit with the journal, and says so.
 */
@RestController
@RequestMapping("/v1/accounts")
@Tag(name = "Usage")
public class PeriodSummaryController {

    private final LedgerQueries queries;
    private final PeriodSummaries summaries;

    public PeriodSummaryController(LedgerQueries queries, PeriodSummaries summaries) {
        this.queries = queries;
        this.summaries = summaries;
    }

    /**
     * Amounts of the period, in the asset's minor units, signed by nothing: each is what moved that way.
     * {@code openingBalance + included + otherCredits - usedFromCredits - expired - otherDebits = carriedOver}.
     */
    public record PeriodSummaryJson(UUID account, UUID overageAccount, String asset, Instant from, Instant to,
                                    long openingBalance, long included, long otherCredits, long used, long usedFromCredits,
                                    long overage, long expired, long otherDebits, long carriedOver) {}

    @GetMapping("/{accountId}/period-summary")
    @Operation(summary = "Invoicing summary of a credits account for a period: included, used, overage, expired, carried over",
            description = "from inclusive, to exclusive (ISO-8601). included: grants received; usedFromCredits: usage the account "
                    + "paid; overage: usage owed on overageAccount (optional); expired: grants that expired; carriedOver: the "
                    + "balance at the end. openingBalance + included + otherCredits - usedFromCredits - expired - otherDebits "
                    + "= carriedOver, to the unit.")
    public PeriodSummaryJson summary(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                     @PathVariable UUID accountId,
                                     @RequestParam Instant from,
                                     @RequestParam Instant to,
                                     @RequestParam(required = false) UUID overageAccount) {
        if (!from.isBefore(to)) {
            throw ApiException.validation("'from' must be before 'to'");
        }
        var account = queries.account(caller.ledgerId(), accountId).orElseThrow(() -> AccountsController.notFound(accountId));
        long overage = 0;
        if (overageAccount != null) {
            queries.account(caller.ledgerId(), overageAccount).orElseThrow(() -> AccountsController.notFound(overageAccount));
            overage = summaries.sums(caller.ledgerId(), overageAccount, from, to).posted(EntryKind.USAGE, Side.DEBIT);
        }
        var side = account.account().normalSide();
        var opposite = side == Side.CREDIT ? Side.DEBIT : Side.CREDIT;
        var sums = summaries.sums(caller.ledgerId(), accountId, from, to);
        long in = sums.postedByKind().values().stream().mapToLong(s -> s[side == Side.DEBIT ? 0 : 1]).sum();
        long out = sums.postedByKind().values().stream().mapToLong(s -> s[opposite == Side.DEBIT ? 0 : 1]).sum();
        long included = sums.posted(EntryKind.GRANT, side);
        long usedFromCredits = sums.posted(EntryKind.USAGE, opposite);
        long expired = sums.posted(EntryKind.GRANT_EXPIRY, opposite);
        long opening = sums.opening().posted(side);
        long carriedOver = sums.closing().posted(side);
        var summary = new PeriodSummaryJson(accountId, overageAccount, account.account().asset(), from, to, opening, included,
                in - included, usedFromCredits + overage, usedFromCredits, overage, expired, out - usedFromCredits - expired,
                carriedOver);
        if (opening + in - out != carriedOver) {
            throw new IllegalStateException("the period summary of account " + accountId + " does not reconcile: " + summary);
        }
        return summary;
    }
}
