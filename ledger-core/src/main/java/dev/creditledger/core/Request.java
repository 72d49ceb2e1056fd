package dev.creditledger.core;

import java.util.UUID;

/** A command addressed to one ledger, with an optional idempotency key. */
public record Request(UUID ledgerId, IdempotencyKey idempotency, Command command) {
    public Request {
        if (ledgerId == null || command == null) {
            throw new IllegalArgumentException("ledgerId and command are required");
        }
    }
}
