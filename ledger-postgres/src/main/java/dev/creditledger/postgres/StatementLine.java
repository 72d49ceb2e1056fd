package dev.creditledger.postgres;

import dev.creditledger.core.Balance;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Side;
import java.time.Instant;
import java.util.UUID;

/** One posting on an account, with the account's balances right after it. */
public record StatementLine(
        long accountVersion,
        UUID entryId,
        long entrySeq,
        EntryKind kind,
        Side side,
        long postedMinor,
        long pendingDeltaMinor,
        Balance balanceAfter,
        Instant createdAt) {}
