package dev.creditledger.core;

import java.time.Instant;
import java.util.UUID;

/** The first result given for an idempotency key in a ledger, kept to answer retries the same way. */
public record IdempotencyRecord(UUID ledgerId, String key, String requestHash, CommandResult result, Instant createdAt) {}
