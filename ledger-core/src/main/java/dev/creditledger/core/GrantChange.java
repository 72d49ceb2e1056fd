package dev.creditledger.core;

import java.util.UUID;

/** One change an entry made to one grant of {@code accountId}: {@code amountMinor} (positive) moved as {@code kind} says. */
public record GrantChange(UUID grantId, UUID accountId, GrantChangeKind kind, long amountMinor) {}
