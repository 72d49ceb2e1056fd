package dev.creditledger.core;

import java.util.UUID;

/**
 * What a transfer holds of one grant: for a pending hold the amount it reserved, for a posted transfer
 * the amount it consumed that a reversal can still give back.
 */
public record GrantDraw(UUID grantId, long amountMinor) {}
