package dev.creditledger.server.api;

import dev.creditledger.core.Side;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Bodies the API reads. Amounts are integers in the asset's minor unit (cents for USD). Unknown fields
 * are refused, as are fractions and strings where numbers belong, so a typo never moves money silently.
 *
 * The asset is {@code asset} in every body. {@code currency}, the name transfers, postings, grants, escrows and
 * usage had before ADR 0019, is a deprecated input alias: a component of its own rather than a
 * {@code @JsonAlias}, because an alias lets whichever of the two comes last win in silence, and a body that
 * names the asset twice differently must be refused ({@code Inputs.asset}: ASSET_ALIAS_CONFLICT). No answer
 * carries {@code currency}.
 *
 * A body's {@code hashed()} form is what its idempotency hash covers: the asset resolved from either name,
 * written under the name it had when the service first stored hashes of that body ({@code asset} for accounts,
 * {@code currency} for the others). So the two spellings hash the same, and a retry within the retention that
 * crosses the upgrade (or moves between an old and a new instance during a rolling one) still replays instead
 * of answering IDEMPOTENCY_KEY_REUSED. Call it after the body passed its checks.
 */
public final class Requests {
    private Requests() {}

    /** The OpenAPI description of every {@code currency} alias. */
    static final String CURRENCY_ALIAS = "Deprecated alias of 'asset' (ADR 0019), accepted on input until at least 2027-07-01 "
            + "and never in an answer; send 'asset'. Given with 'asset', the two must be equal (else 400 ASSET_ALIAS_CONFLICT).";

    /** The asset of an already checked body, from whichever name carried it. */
    private static String resolved(String asset, String currencyAlias) {
        return asset != null ? asset : currencyAlias;
    }

    @Schema(example = """
            {"asset": "USD", "code": "wallet:alice", "noOverdraft": true, "metadata": {"customer": "alice"}}""")
    public record CreateAccount(
            @Schema(description = "Asset code, e.g. USD, JPY, CREDITS (required)", example = "USD") String asset,
            @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency,
            @Schema(description = "Optional code, unique in the ledger", example = "wallet:alice") String code,
            @Schema(description = "CREDIT (default: wallets, liabilities) or DEBIT (cash, assets)") Side normalSide,
            @Schema(description = "The available balance may not go below zero") Boolean noOverdraft,
            @Schema(description = "The available balance may go down to minus this many minor units") Long overdraftLimit,
            Map<String, String> metadata,
            @Schema(description = "Low-balance alert thresholds in minor units (at most ALERT_THRESHOLDS_PER_ACCOUNT_MAX, distinct): "
                    + "the available balance crossing one, down or back up, publishes a ledger.balance.threshold_crossed event",
                    example = "[1000, 100]") List<Long> alertThresholds,
            String idempotencyKey) {

        /** The body its idempotency hash covers: the asset under {@code asset} (see the class comment). */
        CreateAccount hashed() {
            return new CreateAccount(resolved(asset, currency), null, code, normalSide, noOverdraft, overdraftLimit, metadata,
                    alertThresholds, idempotencyKey);
        }
    }

    public record SetAlertThresholds(
            @Schema(description = "The account's new thresholds in minor units, replacing the old ones; [] removes them",
                    example = "[1000, 100]") List<Long> thresholds) {}

    @Schema(example = """
            {"from": "0193a1c2-...", "to": "0193a1c2-...", "amount": 1234, "asset": "USD", "idempotencyKey": "demo-1"}""")
    public record CreateTransfer(
            @Schema(description = "Account debited") UUID from,
            @Schema(description = "Account credited") UUID to,
            @Schema(description = "Minor units, 1 to AMOUNT_MINOR_MAX (10^18)", example = "1234") Long amount,
            @Schema(description = "Asset code of both accounts (required)", example = "USD") String asset,
            @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency,
            @Schema(description = "Reserve the amount (a hold) instead of posting it") Boolean pending,
            @Schema(description = "Hold only: seconds until it expires (1 to HOLD_TIMEOUT_SECONDS_MAX)") Long timeoutSeconds,
            Map<String, String> metadata,
            String idempotencyKey,
            @Schema(description = "Another ledger whose account 'to' is: a transfer between ledgers, carried by a saga (ADR 0021); "
                    + "the operator must have linked this ledger to it (otherwise 404 ACCOUNT_NOT_FOUND); not with pending, and not in a batch",
                    nullable = true) UUID toLedger) {

        /** The body its idempotency hash covers: the asset under {@code currency} (see the class comment). */
        CreateTransfer hashed() {
            return new CreateTransfer(from, to, amount, null, resolved(asset, currency), pending, timeoutSeconds, metadata,
                    idempotencyKey, toLedger);
        }
    }

    public record CreateTransfers(
            @Schema(description = "1 to TRANSFERS_PER_REQUEST_MAX (" + dev.creditledger.core.Limits.TRANSFERS_PER_REQUEST_MAX + ") transfers, each with its own idempotency key") List<CreateTransfer> transfers,
            @Schema(description = "All or nothing: if one fails, none is applied") Boolean atomic) {}

    public record Capture(@Schema(description = "Minor units to post; omitted: the whole hold") Long amount,
                          Map<String, String> metadata, String idempotencyKey) {}

    public record Void(Map<String, String> metadata, String idempotencyKey) {}

    public record Reverse(@Schema(description = "Minor units to move back; omitted: all not reversed yet") Long amount,
                          Map<String, String> metadata, String idempotencyKey) {}

    @Schema(description = "Omit both amount and postings to reverse all that is not reversed yet; give one of them for a "
            + "partial reversal (ADR 0018).", example = """
            {"postings": [{"account": "0193...", "side": "DEBIT", "amount": 50},
                          {"account": "0193...", "side": "CREDIT", "amount": 50}], "metadata": {"reason": "fee refunded"}}""")
    public record ReverseEntry(
            @Schema(description = "Minor units to take back of every posting of the entry (so it balances only for an entry "
                    + "with one debit and one credit); omitted: see postings") Long amount,
            @Schema(description = "What to take back of each named posting of the entry (account and side as in the entry; "
                    + "the reversal posts the other side); the amounts must balance per asset") List<ReversedPosting> postings,
            Map<String, String> metadata,
            String idempotencyKey) {}

    public record ReversedPosting(
            @Schema(description = "The account of the entry's posting") UUID account,
            @Schema(description = "The side of the entry's posting (the reversal posts the other side)") Side side,
            @Schema(description = "Minor units to take back of it, at most what it posted less earlier reversals", example = "50")
            Long amount) {}

    @Schema(example = """
            {"postings": [{"account": "0193...", "side": "DEBIT", "amount": 500, "asset": "USD"},
                          {"account": "0193...", "side": "CREDIT", "amount": 450, "asset": "USD"},
                          {"account": "0193...", "side": "CREDIT", "amount": 50, "asset": "USD"}]}""")
    public record CreateEntry(List<PostingLine> postings, Map<String, String> metadata, String idempotencyKey) {

        /** The body its idempotency hash covers: each posting's asset under {@code currency} (see the class comment). */
        CreateEntry hashed() {
            return new CreateEntry(postings.stream().map(PostingLine::hashed).toList(), metadata, idempotencyKey);
        }
    }

    public record PostingLine(UUID account, Side side, Long amount,
                              @Schema(description = "Asset code of the account (required)", example = "USD") String asset,
                              @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency) {

        PostingLine hashed() {
            return new PostingLine(account, side, amount, null, resolved(asset, currency));
        }
    }

    @Schema(example = """
            {"account": "0193a1c2-...", "from": "0193a1c2-...", "amount": 1000, "asset": "CREDITS",
             "expiresAt": "2027-01-01T00:00:00Z", "source": "plan:pro:2026-12", "idempotencyKey": "grant-acme-2026-12"}""")
    public record CreateGrant(
            @Schema(description = "Account credited with the grant (credit-normal: a wallet or credit balance)") UUID account,
            @Schema(description = "Account debited: an issuing or plan account") UUID from,
            @Schema(description = "Minor units, 1 to AMOUNT_MINOR_MAX (10^18)", example = "1000") Long amount,
            @Schema(description = "Asset code of both accounts (required)", example = "CREDITS") String asset,
            @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency,
            @Schema(description = "When what remains expires (ISO-8601, after now, kept to the microsecond); omitted: never") java.time.Instant expiresAt,
            @Schema(description = "What the grant came from (1 to GRANT_SOURCE_LENGTH_MAX characters)", example = "plan:pro:2026-12") String source,
            Map<String, String> metadata,
            String idempotencyKey) {

        /** The body its idempotency hash covers: the asset under {@code currency} (see the class comment). */
        CreateGrant hashed() {
            return new CreateGrant(account, from, amount, null, resolved(asset, currency), expiresAt, source, metadata, idempotencyKey);
        }
    }

    @Schema(example = """
            {"orderId": "ord_7731", "buyer": "0193a1c2-...", "seller": "0193a1c2-...", "amount": 2500, "asset": "USD"}""")
    public record FundEscrow(
            @Schema(description = "The order's id, unique in the ledger (1 to ESCROW_ORDER_ID_LENGTH_MAX characters)", example = "ord_7731") String orderId,
            @Schema(description = "Account debited: the buyer's wallet") UUID buyer,
            @Schema(description = "Account that receives the funds on release") UUID seller,
            @Schema(description = "Minor units", example = "2500") Long amount,
            @Schema(description = "Asset code of both accounts (required)", example = "USD") String asset,
            @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency,
            Map<String, String> metadata,
            String idempotencyKey) {

        /** The body its idempotency hash covers: the asset under {@code currency} (see the class comment). */
        FundEscrow hashed() {
            return new FundEscrow(orderId, buyer, seller, amount, null, resolved(asset, currency), metadata, idempotencyKey);
        }
    }

    public record ReleaseEscrow(
            @Schema(description = "Platform fee in minor units, kept from what goes to the seller (default 0)") Long fee,
            @Schema(description = "Account credited with the fee; required when fee is above 0") UUID feeAccount,
            Map<String, String> metadata,
            String idempotencyKey) {}

    public record RefundEscrow(@Schema(description = "Minor units to refund; omitted: everything still held") Long amount,
                               Map<String, String> metadata, String idempotencyKey) {}

    @Schema(example = """
            {"account": "0193a1c2-...", "overageAccount": "0193a1c2-...", "revenueAccount": "0193a1c2-...", "amount": 120,
             "asset": "CREDITS", "idempotencyKey": "usage-evt-8812"}""")
    public record RecordUsage(
            @Schema(description = "The customer's credits account: pays what its available balance allows, grants first") UUID account,
            @Schema(description = "Where the rest is owed; its overdraft limit is the overage limit (none: unlimited)") UUID overageAccount,
            @Schema(description = "Account credited with the whole usage") UUID revenueAccount,
            @Schema(description = "Minor units of usage", example = "120") Long amount,
            @Schema(description = "Asset code of the three accounts (required)", example = "CREDITS") String asset,
            @Schema(description = CURRENCY_ALIAS, deprecated = true) String currency,
            Map<String, String> metadata,
            String idempotencyKey) {

        /** The body its idempotency hash covers: the asset under {@code currency} (see the class comment). */
        RecordUsage hashed() {
            return new RecordUsage(account, overageAccount, revenueAccount, amount, null, resolved(asset, currency), metadata,
                    idempotencyKey);
        }
    }

    @Schema(example = """
            {"member": "0193a1c2-...", "program": "0193a1c2-...", "spend": 4250, "idempotencyKey": "earn-ord_7731"}""")
    public record EarnPoints(
            @Schema(description = "The member's points account (credit-normal)") UUID member,
            @Schema(description = "The program's account, whose metadata holds the loyalty rule") UUID program,
            @Schema(description = "The spend that earns points, in the minor units the rule counts", example = "4250") Long spend,
            Map<String, String> metadata,
            String idempotencyKey) {}

    public record CreateLedger(@Schema(example = "acme-credits") String name,
                               @Schema(example = "Europe/Paris", description = "the time zone whose calendar days the daily "
                                       + "closes follow, fixed for the ledger's life (default UTC)") String closeTimeZone,
                               @Schema(example = "main", description = "the cluster the ledger lives on (GET /v1/admin/clusters "
                                       + "lists them); absent: the one rendezvous hashing of the ledger's id chooses") String cluster) {}

    public record MoveLedger(@Schema(description = "The cluster to move the ledger to", example = "c2") String cluster) {}

    public record LinkLedgers(@Schema(description = "The ledger whose keys may send") UUID from,
                              @Schema(description = "The ledger that may receive") UUID to) {}

    public record CreateKey(@Schema(description = "read, write or admin", example = "write") String role,
                            @Schema(example = "billing-service") String name,
                            @Schema(description = "Requests per second the key may send to each service instance (1 to "
                                    + "KEY_RATE_PER_SECOND_MAX); absent: ledger.rate-limit.per-key-per-second", example = "100")
                            Integer ratePerSecond) {}

    public record DefineAsset(@Schema(example = "GEMS") String code, @Schema(example = "0") Integer exponent) {}
}
