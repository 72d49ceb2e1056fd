package dev.creditledger.postgres;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/** A ledger: an isolated set of accounts and journal entries, with its own sequence of changes, on one cluster. */
public record Ledger(UUID id, String name, long lastSeq, Instant createdAt, ZoneId closeTimeZone, String cluster) {}
