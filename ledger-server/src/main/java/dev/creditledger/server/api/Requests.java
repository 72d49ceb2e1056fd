package dev.creditledger.server.api;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.creditledger.core.Side;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Bodies the API reads. Amounts are integers in the asset's minor unit (cents for USD). Unknown fields
 * are refused, as are fractions and strings where numbers belong, so a typo never moves money silently.
 */
public final class Requests {
    private Requests() {}

    @Schema(example = """
            {"asset": "USD", "code": "wallet:alice", "noOverdraft": true, "metadata": {"customer": "alice"}}""")
    public record CreateAccount(
            @Schema(description = "Asset code, e.g. USD, JPY, CREDITS; 'currency' is accepted too", example = "USD")
            @JsonAlias("currency") String asset,
            @Schema(description = "Optional code, unique in the ledger", example = "wallet:alice") String code,
            @Schema(description = "CREDIT (default: wallets, liabilities) or DEBIT (cash, assets)") Side normalSide,
            @Schema(description = "The available balance may not go below zero") Boolean noOverdraft,
            @Schema(description = "The available balance may go down to minus this many minor units") Long overdraftLimit,
            Map<String, String> metadata,
            @Schema(description = "Low-balance alert thresholds in minor units (at most ALERT_THRESHOLDS_PER_ACCOUNT_MAX, distinct): "
                    + "the available balance crossing one, down or back up, publishes a ledger.balance.threshold_crossed event",
                    example = "[1000, 100]") List<Long> alertThresholds,
            String idempotencyKey) {}

    public record SetAlertThresholds(
            @Schema(description = "The account's new thresholds in minor units, replacing the old ones; [] removes them",
                    example = "[1000, 100]") List<Long> thresholds) {}

    @Schema(example = """
            {"from": "0193a1c2-...", "to": "0193a1c2-...", "amount": 1234, "currency": "USD", "idempotencyKey": "demo-1"}""")
    public record CreateTransfer(
            @Schema(description = "Account debited") UUID from,
            @Schema(description = "Account credited") UUID to,
            @Schema(description = "Minor units, 1 to AMOUNT_MINOR_MAX (10^18)", example = "1234") Long amount,
            @Schema(description = "Asset code; 'asset' is accepted too", example = "USD") @JsonAlias("asset") String currency,
            @Schema(description = "Reserve the amount (a hold) instead of posting it") Boolean pending,
            @Schema(description = "Hold only: seconds until it expires (1 to HOLD_TIMEOUT_SECONDS_MAX)") Long timeoutSeconds,
            Map<String, String> metadata,
            String idempotencyKey) {}

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
            {"postings": [{"account": "0193...", "side": "DEBIT", "amount": 500, "currency": "USD"},
                          {"account": "0193...", "side": "CREDIT", "amount": 450, "currency": "USD"},
                          {"account": "0193...", "side": "CREDIT", "amount": 50, "currency": "USD"}]}""")
    public record CreateEntry(List<PostingLine> postings, Map<String, String> metadata, String idempotencyKey) {}

    public record PostingLine(UUID account, Side side, Long amount, @JsonAlias("asset") String currency) {}

    @Schema(example = """
            {"account": "0193a1c2-...", "from": "0193a1c2-...", "amount": 1000, "currency": "CREDITS",
             "expiresAt": "2027-01-01T00:00:00Z", "source": "plan:pro:2026-12", "idempotencyKey": "grant-acme-2026-12"}""")
    public record CreateGrant(
            @Schema(description = "Account credited with the grant (credit-normal: a wallet or credit balance)") UUID account,
            @Schema(description = "Account debited: an issuing or plan account") UUID from,
            @Schema(description = "Minor units, 1 to AMOUNT_MINOR_MAX (10^18)", example = "1000") Long amount,
            @Schema(description = "Asset code; 'asset' is accepted too", example = "CREDITS") @JsonAlias("asset") String currency,
            @Schema(description = "When what remains expires (ISO-8601, after now, kept to the microsecond); omitted: never") java.time.Instant expiresAt,
            @Schema(description = "What the grant came from (1 to GRANT_SOURCE_LENGTH_MAX characters)", example = "plan:pro:2026-12") String source,
            Map<String, String> metadata,
            String idempotencyKey) {}

    @Schema(example = """
            {"orderId": "ord_7731", "buyer": "0193a1c2-...", "seller": "0193a1c2-...", "amount": 2500, "currency": "USD"}""")
    public record FundEscrow(
            @Schema(description = "The order's id, unique in the ledger (1 to ESCROW_ORDER_ID_LENGTH_MAX characters)", example = "ord_7731") String orderId,
            @Schema(description = "Account debited: the buyer's wallet") UUID buyer,
            @Schema(description = "Account that receives the funds on release") UUID seller,
            @Schema(description = "Minor units", example = "2500") Long amount,
            @Schema(description = "Asset code; 'asset' is accepted too", example = "USD") @JsonAlias("asset") String currency,
            Map<String, String> metadata,
            String idempotencyKey) {}

    public record ReleaseEscrow(
            @Schema(description = "Platform fee in minor units, kept from what goes to the seller (default 0)") Long fee,
            @Schema(description = "Account credited with the fee; required when fee is above 0") UUID feeAccount,
            Map<String, String> metadata,
            String idempotencyKey) {}

    public record RefundEscrow(@Schema(description = "Minor units to refund; omitted: everything still held") Long amount,
                               Map<String, String> metadata, String idempotencyKey) {}

    @Schema(example = """
            {"account": "0193a1c2-...", "overageAccount": "0193a1c2-...", "revenueAccount": "0193a1c2-...", "amount": 120,
             "currency": "CREDITS", "idempotencyKey": "usage-evt-8812"}""")
    public record RecordUsage(
            @Schema(description = "The customer's credits account: pays what its available balance allows, grants first") UUID account,
            @Schema(description = "Where the rest is owed; its overdraft limit is the overage limit (none: unlimited)") UUID overageAccount,
            @Schema(description = "Account credited with the whole usage") UUID revenueAccount,
            @Schema(description = "Minor units of usage", example = "120") Long amount,
            @Schema(description = "Asset code; 'asset' is accepted too", example = "CREDITS") @JsonAlias("asset") String currency,
            Map<String, String> metadata,
            String idempotencyKey) {}

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
                                       + "closes follow, fixed for the ledger's life (default UTC)") String closeTimeZone) {}

    public record CreateKey(@Schema(description = "read, write or admin", example = "write") String role,
                            @Schema(example = "billing-service") String name,
                            @Schema(description = "Requests per second the key may send to each service instance (1 to "
                                    + "KEY_RATE_PER_SECOND_MAX); absent: ledger.rate-limit.per-key-per-second", example = "100")
                            Integer ratePerSecond) {}

    public record DefineAsset(@Schema(example = "GEMS") String code, @Schema(example = "0") Integer exponent) {}
}
