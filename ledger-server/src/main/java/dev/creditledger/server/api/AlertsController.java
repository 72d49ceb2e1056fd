package dev.creditledger.server.api;

import dev.creditledger.core.Reason;
import dev.creditledger.postgres.AlertStore;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Low-balance alerts: an account's thresholds on its available balance, and the crossings its entries
 * made (each also published once as a {@code ledger.balance.threshold_crossed} event). The crossing rule
 * lives in the core ({@code AlertThresholds}); this controller maps HTTP to the store.
 */
@RestController
@RequestMapping("/v1/accounts/{accountId}")
@Tag(name = "Alerts")
public class AlertsController {

    private final AlertStore alerts;
    private final LedgerQueries queries;

    public AlertsController(AlertStore alerts, LedgerQueries queries) {
        this.alerts = alerts;
        this.queries = queries;
    }

    @PutMapping("/alert-thresholds")
    @Operation(summary = "Replace the account's low-balance alert thresholds",
            description = "Each threshold alerts when the available balance falls below it and again when it comes back "
                    + "to it or above; a balance that keeps falling below it does not alert again. Setting thresholds "
                    + "alerts nothing by itself. [] removes them. Answers the account.")
    public Responses.AccountJson setThresholds(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                               @PathVariable UUID accountId,
                                               @RequestBody Requests.SetAlertThresholds body) {
        Inputs.body(body);
        alerts.setThresholds(caller.ledgerId(), accountId, Inputs.required(body.thresholds(), "thresholds"));
        return Responses.AccountJson.of(queries.account(caller.ledgerId(), accountId).orElseThrow(
                () -> ApiException.of(Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger")));
    }

    @GetMapping("/alerts")
    @Operation(summary = "List the account's threshold crossings in journal order",
            description = "Every time an entry moved the available balance across one of the account's thresholds; pass "
                    + "nextCursor back as cursor.")
    public Responses.PageJson<Responses.AlertJson> list(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                                        @PathVariable UUID accountId,
                                                        @RequestParam(required = false) String cursor,
                                                        @RequestParam(required = false) Integer limit) {
        queries.account(caller.ledgerId(), accountId).orElseThrow(
                () -> ApiException.of(Reason.ACCOUNT_NOT_FOUND, "account " + accountId + " does not exist in this ledger"));
        var after = AlertCursor.parse(cursor);
        int pageSize = Inputs.limit(limit);
        var crossings = alerts.crossings(caller.ledgerId(), accountId, after.seq(), after.alertNo(), pageSize + 1);
        var items = crossings.stream().limit(pageSize).map(Responses.AlertJson::of).toList();
        String next = null;
        if (crossings.size() > pageSize) {
            var last = crossings.get(pageSize - 1);
            next = new AlertCursor(last.seq(), last.alertNo()).toString();
        }
        return new Responses.PageJson<>(items, next);
    }

    /** A position in an account's crossings: the entry's sequence and the crossing's order in it, as "seq.alertNo". */
    record AlertCursor(long seq, int alertNo) {
        static AlertCursor parse(String cursor) {
            if (cursor == null) {
                return new AlertCursor(0, -1);
            }
            var parts = cursor.split("\\.", -1);
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                var parsed = new AlertCursor(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
                if (parsed.seq < 0 || parsed.alertNo < 0) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw ApiException.validation("cursor '" + cursor + "' is not one this API returned");
            }
        }

        @Override
        public String toString() {
            return seq + "." + alertNo;
        }
    }
}
