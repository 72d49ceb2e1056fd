package dev.creditledger.postgres;

import java.util.UUID;

/** A pending hold whose expiry time has passed, to be expired by the worker. */
public record ExpiredHold(UUID ledgerId, UUID transferId) {}
