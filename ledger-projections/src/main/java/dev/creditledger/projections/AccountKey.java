package dev.creditledger.projections;

import java.util.UUID;

/** An account of a ledger: the key by which the writers collapse a poll's events. */
record AccountKey(UUID ledgerId, UUID accountId) {}
