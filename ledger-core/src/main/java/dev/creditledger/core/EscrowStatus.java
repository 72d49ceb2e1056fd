package dev.creditledger.core;

/** Where an order's escrow stands: HELD (all or part still held), RELEASED to the seller, or REFUNDED in full. */
public enum EscrowStatus {
    HELD,
    RELEASED,
    REFUNDED
}
