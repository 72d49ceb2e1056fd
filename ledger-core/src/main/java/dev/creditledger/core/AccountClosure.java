package dev.creditledger.core;

import java.time.Instant;
import java.util.UUID;

/**
 * An account closed by a batch: which, by which sequence number of its ledger, and when. The batch writer
 * stores it and the account.closed event describes it, both from this one value ({@link BatchOutcome#closedAccounts()}).
 */
public record AccountClosure(UUID ledgerId, UUID accountId, long seq, Instant closedAt) {}
