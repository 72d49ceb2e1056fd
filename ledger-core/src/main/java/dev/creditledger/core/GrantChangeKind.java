package dev.creditledger.core;

/**
 * How an entry changed a grant. A grant's amount is always split into four parts: remaining (spendable),
 * reserved (by pending holds), consumed and expired; each kind moves an amount from one part to another.
 */
public enum GrantChangeKind {
    /** The grant was made: its whole amount becomes remaining. */
    GRANTED,
    /** A debit spent remaining credit: remaining to consumed. */
    CONSUMED,
    /** A hold reserved remaining credit: remaining to reserved. */
    RESERVED,
    /** A hold was voided, expired or captured for less: reserved back to remaining. */
    RELEASED,
    /** A hold was captured: reserved to consumed. */
    CAPTURED,
    /** A reversal (refund) gave back what a spend consumed: consumed to remaining. */
    RESTORED,
    /** The grant reached its expiry: remaining to expired, moved to the breakage account. */
    EXPIRED
}
