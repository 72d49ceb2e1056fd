package dev.creditledger.server.api;

import dev.creditledger.postgres.DailyCloser;
import dev.creditledger.server.ClusterJournals;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Daily closes: the snapshot the worker wrote at the end of a UTC day ({@link DailyCloser}): the day's range of
 * ledger sequences, the SHA-256 of its journal, the trial balance per asset, and every account's closing
 * balances, paged by account id.
 */
@RestController
@RequestMapping("/v1/closes")
@Tag(name = "Closes")
public class ClosesController {

    private final ClusterJournals journals;

    public ClosesController(ClusterJournals journals) {
        this.journals = journals;
    }

    /**
     * A day's close.
     *
     * @param chainHead the journal's hash chain head at the day's end (the link of its last entry up to {@code lastSeq}),
     *                  lower-case hex; null while the ledger had no entry
     */
    public record CloseJson(LocalDate date, UUID ledgerId, String timeZone, Instant startsAt, Instant endsAt, Instant closedAt,
                            long firstSeq, long lastSeq, String journalSha256,
                            @Schema(nullable = true, description = "The hash chain's head at the day's end (the link of the last entry "
                                    + "up to lastSeq, docs/operations.md), lower-case hex; null while the ledger had no entry")
                            String chainHead,
                            long accounts, List<TotalJson> totals, Responses.PageJson<BalanceJson> balances) {}

    /** The trial balance of one asset: credits equal debits, posted and pending. */
    public record TotalJson(String asset, long accounts, BigInteger debitsPosted, BigInteger creditsPosted, BigInteger debitsPending,
                            BigInteger creditsPending) {}

    /** One account's balances at the end of the day. */
    public record BalanceJson(UUID account, String asset, long version, long debitsPosted, long creditsPosted, long debitsPending,
                              long creditsPending) {}

    @GetMapping("/{date}")
    @Operation(summary = "The close of a day of the ledger's close time zone: trial balance, journal hash and every account's "
            + "closing balance",
            description = "Written by the worker once the day has ended (plus ledger.closes.grace-ms) and never changed. "
                    + "404 until then. Closing balances are paged by account id: pass nextCursor back as cursor.")
    public CloseJson get(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                         @PathVariable String date,
                         @RequestParam(required = false) String cursor,
                         @RequestParam(required = false) Integer limit) {
        LocalDate day;
        try {
            day = LocalDate.parse(date);
        } catch (DateTimeParseException e) {
            throw ApiException.validation("date '" + date + "' is not a day as YYYY-MM-DD");
        }
        int pageSize = Inputs.limit(limit);
        var closes = journals.forLedger(caller.ledgerId()).closer();
        var close = closes.find(caller.ledgerId(), day).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND,
                day + " is not closed in this ledger (a day is closed after it has ended, by the worker)"));
        var page = closes.balances(caller.ledgerId(), day, Inputs.uuidCursor(cursor), pageSize);
        var items = page.stream().map(b -> new BalanceJson(b.accountId(), b.asset(), b.version(), b.debitsPosted(), b.creditsPosted(),
                b.debitsPending(), b.creditsPending())).toList();
        var next = items.size() == pageSize ? items.getLast().account().toString() : null;
        return new CloseJson(day, close.ledgerId(), close.timeZone().getId(), close.startsAt(), close.endsAt(), close.closedAt(),
                close.firstSeq(), close.lastSeq(),
                HexFormat.of().formatHex(close.journalSha256()),
                close.chainHead() == null ? null : HexFormat.of().formatHex(close.chainHead()), close.accounts(),
                close.totals().stream().map(t -> new TotalJson(t.asset(), t.accounts(), t.debitsPosted(), t.creditsPosted(),
                        t.debitsPending(), t.creditsPending())).toList(), new Responses.PageJson<>(items, next));
    }
}
