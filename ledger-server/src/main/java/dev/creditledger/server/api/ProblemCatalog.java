package dev.creditledger.server.api;

import dev.creditledger.core.Reason;
import org.springframework.http.HttpStatus;

/**
 * The one table that maps every domain reason to its HTTP status. Input that is wrong in itself is 400;
 * a missing referenced object is 404; a conflict with what exists (a taken code, a reused idempotency
 * key, a hold already resolved) is 409; a well-formed request the ledger's state refuses is 422.
 */
public final class ProblemCatalog {
    private ProblemCatalog() {}

    public static HttpStatus statusOf(Reason reason) {
        return switch (reason) {
            case AMOUNT_NOT_POSITIVE, AMOUNT_EXCEEDS_LIMIT, AMOUNT_OVERFLOW, SAME_ACCOUNT, METADATA_INVALID,
                 ACCOUNT_CODE_INVALID, OVERDRAFT_LIMIT_INVALID, HOLD_TIMEOUT_INVALID, ENTRY_TOO_FEW_POSTINGS,
                 ENTRY_TOO_MANY_POSTINGS, ENTRY_NOT_BALANCED, ASSET_INVALID, LEDGER_NAME_INVALID, GRANT_SOURCE_INVALID,
                 GRANT_EXPIRY_INVALID, ESCROW_ORDER_ID_INVALID, ESCROW_FEE_INVALID, ALERT_THRESHOLDS_INVALID,
                 REVERSAL_INVALID -> HttpStatus.BAD_REQUEST;
            case LEDGER_NOT_FOUND, ASSET_NOT_FOUND, ACCOUNT_NOT_FOUND, TRANSFER_NOT_FOUND, GRANT_NOT_FOUND,
                 ESCROW_NOT_FOUND, ENTRY_NOT_FOUND, CLUSTER_NOT_FOUND -> HttpStatus.NOT_FOUND;
            case LEDGER_NAME_TAKEN, ASSET_ALREADY_EXISTS, ACCOUNT_ALREADY_EXISTS, ACCOUNT_CODE_TAKEN,
                 IDEMPOTENCY_KEY_REUSED, HOLD_NOT_PENDING, ESCROW_ALREADY_EXISTS, ESCROW_ALREADY_RELEASED,
                 ESCROW_REFUNDED, HOLD_OWNED_BY_SAGA, LEDGER_MOVE_REFUSED -> HttpStatus.CONFLICT;
            case ACCOUNT_CLOSED, ACCOUNT_BALANCE_NOT_ZERO, ASSET_MISMATCH, INSUFFICIENT_FUNDS, BALANCE_OVERFLOW,
                 TRANSFER_NOT_A_HOLD, HOLD_EXPIRED, HOLD_NOT_EXPIRED, CAPTURE_EXCEEDS_HOLD, TRANSFER_NOT_POSTED,
                 REVERSAL_EXCEEDS_ORIGINAL, LINKED_COMMAND_FAILED, GRANT_ACCOUNT_NOT_CREDIT_NORMAL, GRANT_LIMIT_REACHED,
                 GRANT_NOT_EXPIRED, ESCROW_FEE_TOO_HIGH, REFUND_EXCEEDS_ESCROW,
                 OVERAGE_LIMIT_EXCEEDED, LOYALTY_RULE_MISSING, EARN_BELOW_ONE_POINT, ENTRY_NOT_REVERSIBLE, REVERSAL_NOT_BALANCED,
                 REVERSAL_MUST_BE_WHOLE, GRANT_ALREADY_USED, SAGA_DEADLINE_PASSED -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
    }
}
