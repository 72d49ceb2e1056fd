package dev.creditledger.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.creditledger.core.Account;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.Balance;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.GrantChange;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.Side;
import dev.creditledger.postgres.ExplainQueries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Turns an account's journal into an answer to "why is the balance what it is?": every change in order,
 * with its kind in plain terms, the signed amount, the running balance, the grants it touched, the
 * other accounts (by code), the request's idempotency key and metadata, and one sentence a support
 * person can read out. Amounts are in the account's minor units, signed by the account's normal side
 * (positive: the balance went up).
 */
final class Explanations {
    private Explanations() {}

    /** What a change was, from the account's point of view. */
    enum ChangeKind {
        /** A grant was given to the account (or, for the issuing account, given from it). */
        GRANT,
        /** Money left the account: a transfer out, or its debit in a multi-leg entry. */
        SPEND,
        /** Money arrived that is not a grant or a refund: a transfer in, a top-up, a multi-leg credit. */
        RECEIPT,
        /** An amount was reserved by a hold (out of the account, or promised to it). */
        HOLD,
        /** A hold was captured: the reserved amount (or part of it) was paid. */
        CAPTURE,
        /** A hold was voided: the reserved amount was released. */
        VOID,
        /** A hold passed its timeout, or what was left of a grant expired. */
        EXPIRY,
        /** A payment was reversed in the account's favour: money came back. */
        REFUND,
        /** A payment the account received was reversed: money went back. */
        CORRECTION
    }

    record BalanceJson(long posted, long available) {
        static BalanceJson of(Balance b, Side side) {
            return new BalanceJson(b.posted(side), b.available(side));
        }
    }

    record CounterpartyJson(UUID account, String code) {}

    record GrantTouchJson(UUID grant, GrantChangeKind kind, long amount) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ChangeJson(long seq, long version, Instant at, ChangeKind kind, EntryKind entryKind, UUID entryId, UUID transferId,
                      long amount, long pendingChange, long balance, long available, List<GrantTouchJson> grants,
                      List<CounterpartyJson> counterparties, String idempotencyKey, Map<String, String> metadata,
                      String description) {}

    record ExplanationJson(UUID accountId, String code, String asset, Instant from, Instant to, BalanceJson openingBalance,
                           BalanceJson closingBalance, List<ChangeJson> changes, String nextCursor) {}

    static ExplanationJson of(AccountState account, Instant from, Instant to, List<ExplainQueries.Change> changes, String nextCursor) {
        var a = account.account();
        List<ChangeJson> lines = changes.stream().map(c -> change(a, c)).toList();
        BalanceJson opening;
        BalanceJson closing;
        if (changes.isEmpty()) {
            opening = null;
            closing = null;
        } else {
            var first = changes.getFirst().line();
            opening = BalanceJson.of(before(first.balanceAfter(), first.side(), first.postedMinor(), first.pendingDeltaMinor()),
                    a.normalSide());
            closing = BalanceJson.of(changes.getLast().line().balanceAfter(), a.normalSide());
        }
        return new ExplanationJson(a.id(), a.code(), a.asset(), from, to, opening, closing, lines, nextCursor);
    }

    private static ChangeJson change(Account account, ExplainQueries.Change c) {
        var line = c.line();
        var side = account.normalSide();
        long sign = line.side() == side ? 1 : -1;
        long amount = sign * line.postedMinor();
        long pendingChange = sign * line.pendingDeltaMinor();
        var kind = kindOf(line.kind(), line.side() == side);
        List<GrantTouchJson> grants = c.entry().grantChanges().stream()
                .filter(g -> g.accountId().equals(account.id()))
                .map(g -> new GrantTouchJson(g.grantId(), g.kind(), g.amountMinor())).toList();
        var counterparties = c.counterparties().stream().map(o -> new CounterpartyJson(o.id(), o.code())).toList();
        var after = line.balanceAfter();
        return new ChangeJson(line.entrySeq(), line.accountVersion(), line.createdAt(), kind, line.kind(), line.entryId(),
                c.entry().referenceId(), amount, pendingChange, after.posted(side), after.available(side),
                grants.isEmpty() ? null : grants, counterparties, c.idempotencyKey(),
                c.entry().metadata().isEmpty() ? null : Responses.sorted(c.entry().metadata()),
                describe(kind, account, c, Math.abs(amount), Math.abs(pendingChange)));
    }

    private static ChangeKind kindOf(EntryKind entry, boolean increase) {
        return switch (entry) {
            case GRANT -> ChangeKind.GRANT;
            case TRANSFER, ENTRY, ESCROW_FUND, ESCROW_RELEASE, USAGE -> increase ? ChangeKind.RECEIPT : ChangeKind.SPEND;
            case HOLD -> ChangeKind.HOLD;
            case CAPTURE -> ChangeKind.CAPTURE;
            case VOID -> ChangeKind.VOID;
            case EXPIRY, GRANT_EXPIRY -> ChangeKind.EXPIRY;
            case REVERSAL, ESCROW_REFUND -> increase ? ChangeKind.REFUND : ChangeKind.CORRECTION;
        };
    }

    /** The posting's balance before it: its balance after, without its own amounts. */
    static Balance before(Balance after, Side side, long posted, long pendingDelta) {
        return side == Side.DEBIT
                ? new Balance(after.debitsPosted() - posted, after.creditsPosted(), after.debitsPending() - pendingDelta, after.creditsPending())
                : new Balance(after.debitsPosted(), after.creditsPosted() - posted, after.debitsPending(), after.creditsPending() - pendingDelta);
    }

    private static String describe(ChangeKind kind, Account account, ExplainQueries.Change c, long amount, long pending) {
        var asset = account.asset();
        var others = c.counterparties().stream().map(Explanations::name).collect(Collectors.joining(", "));
        var entry = c.entry();
        var grants = grantsPhrase(entry.grantChanges(), account.id());
        return switch (kind) {
            case GRANT -> amount > 0 && entry.toAccountId() != null && entry.toAccountId().equals(account.id())
                    ? "Received a grant of " + amount + " " + asset + " from " + others
                            + (entry.expiresAt() == null ? ", without expiry." : ", expiring at " + entry.expiresAt() + ".")
                    : "Gave a grant of " + amount + " " + asset + " to " + others + grants + ".";
            case SPEND -> "Spent " + amount + " " + asset + (others.isEmpty() ? "" : " to " + others) + grants + ".";
            case RECEIPT -> "Received " + amount + " " + asset + (others.isEmpty() ? "" : " from " + others) + ".";
            case HOLD -> "A hold of " + pending + " " + asset + (others.isEmpty() ? "" : " with " + others)
                    + " reserved the amount until it is captured, voided or expires" + grants + ".";
            case CAPTURE -> "Hold " + entry.referenceId() + " captured: " + amount + " " + asset + " paid"
                    + (others.isEmpty() ? "" : " between this account and " + others) + ", " + pending + " released in all" + grants + ".";
            case VOID -> "Hold " + entry.referenceId() + " voided: " + pending + " " + asset + " released" + grants + ".";
            case EXPIRY -> entry.kind() == EntryKind.GRANT_EXPIRY
                    ? "Grant " + entry.referenceId() + " expired: the " + amount + " " + asset + " left of it moved to " + others + "."
                    : "Hold " + entry.referenceId() + " expired: " + pending + " " + asset + " released" + grants + ".";
            case REFUND -> "Refund of " + entry.referenceId() + ": " + amount + " " + asset + " came back"
                    + (others.isEmpty() ? "" : " from " + others) + grants + ".";
            case CORRECTION -> "Correction of " + entry.referenceId() + ": " + amount + " " + asset + " went back"
                    + (others.isEmpty() ? "" : " to " + others) + grants + ".";
        };
    }

    /** ", 30 from grant G, 10 from the balance" style detail of what the change did to the account's grants. */
    private static String grantsPhrase(List<GrantChange> changes, UUID accountId) {
        List<String> parts = new ArrayList<>();
        for (var g : changes) {
            if (!g.accountId().equals(accountId)) {
                continue;
            }
            parts.add(switch (g.kind()) {
                case GRANTED -> g.amountMinor() + " granted as " + g.grantId();
                case CONSUMED -> g.amountMinor() + " from grant " + g.grantId();
                case RESERVED -> g.amountMinor() + " reserved from grant " + g.grantId();
                case RELEASED -> g.amountMinor() + " back to grant " + g.grantId();
                case CAPTURED -> g.amountMinor() + " of grant " + g.grantId() + " used";
                case RESTORED -> g.amountMinor() + " restored to grant " + g.grantId();
                case EXPIRED -> g.amountMinor() + " of grant " + g.grantId() + " expired";
            });
        }
        return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
    }

    private static String name(Account account) {
        return account.code() != null ? account.code() : account.id().toString();
    }
}
