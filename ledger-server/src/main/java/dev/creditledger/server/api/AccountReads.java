package dev.creditledger.server.api;

import dev.creditledger.postgres.LedgerQueries;
import java.time.Instant;
import java.util.UUID;

/**
 * An account's balance (now or at an instant) and its statement, read from the journal for either transport
 * (the HTTP API's {@code /v1/accounts/{id}/balance} and {@code /statement}, the gRPC Accounts service): the
 * same checks of the paging and time arguments, the same answer. An account of another ledger is
 * ACCOUNT_NOT_FOUND, exactly as an unknown one.
 */
public final class AccountReads {

    private final LedgerQueries queries;

    public AccountReads(LedgerQueries queries) {
        this.queries = queries;
    }

    /** The balance now ({@code asOf} null) or after the last posting at or before {@code asOf}. */
    public Responses.PointInTimeBalanceJson balance(UUID ledgerId, UUID accountId, Instant asOf) {
        var account = queries.account(ledgerId, accountId).orElseThrow(() -> AccountsController.notFound(accountId));
        var side = account.account().normalSide();
        if (asOf == null) {
            return new Responses.PointInTimeBalanceJson(accountId, account.account().asset(), null,
                    Responses.BalanceJson.of(account.balance(), side));
        }
        var balance = queries.balanceAsOf(ledgerId, accountId, asOf).orElseThrow();
        return new Responses.PointInTimeBalanceJson(accountId, account.account().asset(), asOf, Responses.BalanceJson.of(balance, side));
    }

    /**
     * A page of the statement: postings from {@code from} (inclusive) to {@code to} (exclusive), after the cursor
     * (a version this API returned), at most {@code limit} (1 to PAGE_SIZE_MAX; null: PAGE_SIZE_DEFAULT).
     */
    public Responses.StatementJson statement(UUID ledgerId, UUID accountId, Instant from, Instant to, String cursor, Integer limit) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.validation("'from' must be before 'to'");
        }
        var account = queries.account(ledgerId, accountId).orElseThrow(() -> AccountsController.notFound(accountId));
        var side = account.account().normalSide();
        var page = queries.statement(ledgerId, accountId, from, to, Inputs.versionCursor(cursor), Inputs.limit(limit));
        return new Responses.StatementJson(accountId, account.account().asset(),
                page.items().stream().map(l -> Responses.StatementLineJson.of(l, side)).toList(), page.nextCursor());
    }
}
