package dev.creditledger.core;

/**
 * Named reasons for rejecting a command. A reason is a stable API code: clients branch on it, so a
 * name is never reused for another meaning. The HTTP status of each reason is decided in one table of
 * the server ({@code ProblemCatalog}); the core only names the reason.
 */
public enum Reason {
    // Input that is wrong whatever the ledger holds (checked before anything is queued or written).
    AMOUNT_NOT_POSITIVE("The amount must be greater than zero."),
    AMOUNT_EXCEEDS_LIMIT("The amount is larger than the limit AMOUNT_MINOR_MAX."),
    AMOUNT_OVERFLOW("A total of the amounts does not fit in a 64-bit integer."),
    SAME_ACCOUNT("A transfer must move money between two different accounts."),
    METADATA_INVALID("Metadata exceeds a limit (keys, key length or value length), has an empty key, or a NUL character or unpaired surrogate."),
    ACCOUNT_CODE_INVALID("The account code is empty, too long, or has a NUL character or unpaired surrogate."),
    OVERDRAFT_LIMIT_INVALID("The overdraft limit must be between 0 and OVERDRAFT_LIMIT_MINOR_MAX."),
    HOLD_TIMEOUT_INVALID("The hold timeout must be between 1 second and HOLD_TIMEOUT_SECONDS_MAX."),
    ENTRY_TOO_FEW_POSTINGS("A multi-leg entry needs at least ENTRY_POSTINGS_MIN postings."),
    ENTRY_TOO_MANY_POSTINGS("A multi-leg entry has more postings than ENTRY_POSTINGS_MAX."),
    ENTRY_NOT_BALANCED("The debits and credits of the entry differ for at least one asset."),
    ASSET_INVALID("The asset code or exponent is not valid."),
    GRANT_SOURCE_INVALID("The grant source is empty, longer than GRANT_SOURCE_LENGTH_MAX, or has a NUL character or unpaired surrogate."),
    GRANT_EXPIRY_INVALID("A grant's expiry must lie after the time it is made."),
    ESCROW_ORDER_ID_INVALID("An escrow's order id has 1 to ESCROW_ORDER_ID_LENGTH_MAX characters, no control characters and no '/'."),
    ESCROW_FEE_INVALID("A release's fee must be zero or more, with a fee account when it is more than zero."),
    ALERT_THRESHOLDS_INVALID("An account has at most ALERT_THRESHOLDS_PER_ACCOUNT_MAX alert thresholds, distinct, each within ±AMOUNT_MINOR_MAX."),
    LEDGER_NAME_INVALID("A ledger name has 1 to LEDGER_NAME_LENGTH_MAX characters: lower-case letters, digits, '-' or '_'."),
    REVERSAL_INVALID("A reversal gives an amount or postings, not both; its postings name each account and side once, at most ENTRY_POSTINGS_MAX of them."),

    // Rejections that depend on the state of the ledger.
    LEDGER_NOT_FOUND("The ledger does not exist."),
    LEDGER_NAME_TAKEN("Another ledger already has this name."),
    HOLD_OWNED_BY_SAGA("The hold is the reserve of a transfer between ledgers: only its saga captures or voids it (GET /v1/sagas/{id})."),
    SAGA_DEADLINE_PASSED("The destination ledger did not take the transfer before the saga's deadline; the reserve was released and nothing moved."),
    LEDGER_MOVE_REFUSED("The ledger cannot be moved now: it already lives there, a move of it is running, transfers between ledgers from it are in flight, or the target holds an old copy of it."),
    CLUSTER_NOT_FOUND("No database cluster of this service has this name (GET /v1/admin/clusters lists them)."),
    ASSET_NOT_FOUND("The asset is not defined in this ledger."),
    ASSET_ALREADY_EXISTS("An asset with this code is already defined in this ledger."),
    ACCOUNT_NOT_FOUND("The account does not exist in this ledger."),
    ACCOUNT_ALREADY_EXISTS("An account with this id already exists."),
    ACCOUNT_CODE_TAKEN("Another account of this ledger already has this code."),
    ACCOUNT_CLOSED("The account is closed."),
    ACCOUNT_BALANCE_NOT_ZERO("An account can be closed only when its posted and pending balances are zero."),
    ASSET_MISMATCH("The asset of the command differs from the asset of an account."),
    INSUFFICIENT_FUNDS("The available balance would fall below what the account's balance constraint allows."),
    BALANCE_OVERFLOW("A balance would no longer fit in a 64-bit integer."),
    TRANSFER_NOT_FOUND("The transfer does not exist in this ledger."),
    TRANSFER_NOT_A_HOLD("The transfer was posted at once; only pending transfers (holds) can be captured or voided."),
    HOLD_NOT_PENDING("The hold was already captured, voided or expired."),
    HOLD_EXPIRED("The hold has passed its expiry time."),
    HOLD_NOT_EXPIRED("The hold has no expiry or has not reached it yet."),
    CAPTURE_EXCEEDS_HOLD("The capture amount is larger than the held amount."),
    TRANSFER_NOT_POSTED("Only posted transfers (or captured holds) can be reversed."),
    REVERSAL_EXCEEDS_ORIGINAL("The reversals of a transfer or of an entry's posting would exceed the amount it posted."),
    ENTRY_NOT_FOUND("The entry does not exist in this ledger."),
    ENTRY_NOT_REVERSIBLE("The entry moves no posted money back or is itself a reversal (VOID, EXPIRY, REVERSAL, GRANT_EXPIRY): it cannot be reversed."),
    REVERSAL_NOT_BALANCED("The amounts a partial reversal takes back do not balance per asset."),
    REVERSAL_MUST_BE_WHOLE("This kind of entry (an escrow release) is reversed whole or not at all."),
    GRANT_ALREADY_USED("Part of the grant was spent, reserved or expired: its reversal can take back only what remains of it."),
    GRANT_NOT_FOUND("The grant does not exist in this ledger."),
    GRANT_ACCOUNT_NOT_CREDIT_NORMAL("Grants are given to credit-normal accounts (wallets, credit balances): a debit of the account spends them."),
    GRANT_LIMIT_REACHED("The account already has GRANTS_ACTIVE_PER_ACCOUNT_MAX active grants."),
    LOYALTY_RULE_MISSING("The program account defines no valid loyalty rule in its metadata."),
    EARN_BELOW_ONE_POINT("The spend is less than one unit of the loyalty rule: it earns no point."),
    GRANT_NOT_EXPIRED("The grant has no expiry, has not reached it yet, or has nothing left to expire."),
    ESCROW_NOT_FOUND("No escrow exists for this order in this ledger."),
    ESCROW_ALREADY_EXISTS("This order already has an escrow."),
    ESCROW_ALREADY_RELEASED("The order's escrow was already released to the seller: it cannot be released again or refunded."),
    ESCROW_REFUNDED("The order's escrow was refunded in full: nothing is held."),
    ESCROW_FEE_TOO_HIGH("The platform fee must be less than what the order holds."),
    OVERAGE_LIMIT_EXCEEDED("The usage would take the overage owed beyond the overage account's limit."),
    REFUND_EXCEEDS_ESCROW("The refund is larger than what the order still holds."),
    IDEMPOTENCY_KEY_REUSED("The idempotency key was already used with a different request."),
    LINKED_COMMAND_FAILED("Another command of the same all-or-nothing batch failed, so none was applied.");

    private final String description;

    Reason(String description) {
        this.description = description;
    }

    /** A sentence for people, also used as the {@code title} of problem responses. */
    public String description() {
        return description;
    }
}
