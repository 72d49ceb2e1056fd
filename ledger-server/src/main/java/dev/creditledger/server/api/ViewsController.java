package dev.creditledger.server.api;

import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Side;
import dev.creditledger.projections.AccountBalanceView;
import dev.creditledger.projections.ProjectionQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read models (CQRS) built by the projector from the event topics: balances, statement lines, daily
 * closing balances and totals per asset. They trail the journal by the time an event takes from commit
 * to projection; {@code minSeq} makes a query wait for a write's {@code Ledger-Seq} (see
 * {@link ReadYourWrites}). Every answer carries the sequence the read models had reached before they
 * were read, in {@code Ledger-Projected-Seq}.
 */
@RestController
@RequestMapping("/v1/views")
@Tag(name = "Read models")
public class ViewsController {

    private final ReadYourWrites readYourWrites;

    public ViewsController(ReadYourWrites readYourWrites) {
        this.readYourWrites = readYourWrites;
    }

    public record BalanceViewJson(UUID accountId, String asset, Side normalSide, AccountStatus status,
                                  Responses.BalanceJson balance, long version, long lastSeq) {}

    public record StatementViewLineJson(long version, UUID entryId, long seq, EntryKind type, Side side, long amount,
                                        long pendingDelta, long balance, long available, Instant createdAt,
                                        Map<String, String> metadata) {}

    public record StatementViewJson(UUID accountId, String asset, List<StatementViewLineJson> lines, Long nextAfterVersion) {}

    public record DailyBalanceJson(LocalDate day, Responses.BalanceJson balance, long version) {}

    public record DailyBalancesJson(UUID accountId, String asset, List<DailyBalanceJson> days) {}

    public record AssetTotalJson(String asset, long debitsPosted, long creditsPosted, long debitsPending, long creditsPending,
                                 long accounts) {}

    public record TotalsJson(List<AssetTotalJson> assets) {}

    @GetMapping("/accounts/{accountId}/balance")
    @Operation(summary = "An account's balance from the read model; minSeq waits for a write's Ledger-Seq")
    public ResponseEntity<BalanceViewJson> balance(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                   @PathVariable UUID accountId, @RequestParam(required = false) Long minSeq) {
        return readYourWrites.read(caller.ledgerId(), minSeq, queries -> {
            var view = account(queries, caller, accountId);
            return new BalanceViewJson(view.accountId(), view.asset(), view.normalSide(), view.status(),
                    Responses.BalanceJson.of(view.balance(), view.normalSide()), view.version(), view.lastSeq());
        });
    }

    @GetMapping("/accounts/{accountId}/statement")
    @Operation(summary = "Statement lines from the read model, in account-version order after afterVersion")
    public ResponseEntity<StatementViewJson> statement(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                       @PathVariable UUID accountId,
                                                       @RequestParam(defaultValue = "0") long afterVersion,
                                                       @RequestParam(required = false) Integer limit,
                                                       @RequestParam(required = false) Long minSeq) {
        int pageSize = Inputs.limit(limit);
        if (afterVersion < 0) {
            throw ApiException.validation("afterVersion is 0 or more");
        }
        return readYourWrites.read(caller.ledgerId(), minSeq, queries -> {
            var view = account(queries, caller, accountId);
            var side = view.normalSide();
            var lines = queries.statement(caller.ledgerId(), accountId, afterVersion, pageSize).stream()
                    .map(l -> new StatementViewLineJson(l.accountVersion(), l.entryId(), l.entrySeq(), l.kind(), l.side(),
                            l.postedMinor(), l.pendingDeltaMinor(), l.balanceAfter().posted(side), l.balanceAfter().available(side),
                            l.createdAt(), new java.util.TreeMap<>(l.metadata())))
                    .toList();
            Long next = lines.size() == pageSize ? lines.getLast().version() : null;
            return new StatementViewJson(accountId, view.asset(), lines, next);
        });
    }

    @GetMapping("/accounts/{accountId}/daily-balances")
    @Operation(summary = "Closing balance per UTC day (days with postings) from the read model; at most DAILY_RANGE_DAYS_MAX days")
    public ResponseEntity<DailyBalancesJson> dailyBalances(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                           @PathVariable UUID accountId, @RequestParam String from,
                                                           @RequestParam String to, @RequestParam(required = false) Long minSeq) {
        var first = day("from", from);
        var last = day("to", to);
        if (first.isAfter(last)) {
            throw ApiException.validation("from " + first + " is after to " + last);
        }
        if (java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1 > ProjectionQueries.DAILY_RANGE_DAYS_MAX) {
            throw ApiException.validation("a daily-balances range covers at most DAILY_RANGE_DAYS_MAX "
                    + ProjectionQueries.DAILY_RANGE_DAYS_MAX + " days, both ends included");
        }
        return readYourWrites.read(caller.ledgerId(), minSeq, queries -> {
            var view = account(queries, caller, accountId);
            var days = queries.dailyBalances(caller.ledgerId(), accountId, first, last).stream()
                    .map(d -> new DailyBalanceJson(d.day(), Responses.BalanceJson.of(d.balance(), view.normalSide()), d.version()))
                    .toList();
            return new DailyBalancesJson(accountId, view.asset(), days);
        });
    }

    @GetMapping("/totals")
    @Operation(summary = "Debits and credits, posted and pending, per asset of the ledger, from the read model")
    public ResponseEntity<TotalsJson> totals(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                             @RequestParam(required = false) Long minSeq) {
        return readYourWrites.read(caller.ledgerId(), minSeq, queries -> new TotalsJson(queries.assetTotals(caller.ledgerId()).stream()
                .map(t -> new AssetTotalJson(t.asset(), t.debitsPosted(), t.creditsPosted(), t.debitsPending(), t.creditsPending(),
                        t.accounts()))
                .toList()));
    }

    private static AccountBalanceView account(ProjectionQueries queries, Caller caller, UUID accountId) {
        return queries.balance(caller.ledgerId(), accountId).orElseThrow(() -> ApiException.of(Reason.ACCOUNT_NOT_FOUND,
                "account " + accountId + " is not in this ledger's read model (ask with minSeq to wait for a recent write)"));
    }

    private static LocalDate day(String name, String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.validation(name + " is a date like 2026-11-21");
        }
    }
}
