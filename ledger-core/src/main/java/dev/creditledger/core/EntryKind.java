package dev.creditledger.core;

/** What a journal entry records. Every entry balances per asset; none is ever changed after it is written. */
public enum EntryKind {
    /** A transfer posted at once. */
    TRANSFER,
    /** A pending transfer: the amount is reserved on both accounts until captured, voided or expired. */
    HOLD,
    /** Posts all or part of a hold and releases the rest. */
    CAPTURE,
    /** Releases a hold without posting anything. */
    VOID,
    /** Releases a hold whose timeout passed. */
    EXPIRY,
    /** A multi-leg entry: any number of postings that balance per asset. */
    ENTRY,
    /** Moves all or part of a posted transfer back, as a new entry. */
    REVERSAL,
    /** Gives credit to an account as a grant (a lot with its own remaining amount and expiry). */
    GRANT,
    /** Moves what is left of a grant at its expiry to the ledger's breakage account. */
    GRANT_EXPIRY,
    /** A buyer pays into escrow for an order (buyer to the ledger's escrow account). */
    ESCROW_FUND,
    /** An order's escrow goes to the seller, minus the platform's fee: two or three postings. */
    ESCROW_RELEASE,
    /** All or part of an order's escrow goes back to the buyer. */
    ESCROW_REFUND,
    /** Usage charged to revenue: paid by the account as far as it can, the rest owed as overage (two or three postings). */
    USAGE
}
