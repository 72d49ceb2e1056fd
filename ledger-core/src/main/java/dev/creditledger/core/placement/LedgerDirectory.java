package dev.creditledger.core.placement;

import java.util.Optional;
import java.util.UUID;

/**
 * Where each ledger's journal lives (ADR 0020): the port every role asks before it touches a ledger's tables,
 * implemented over the catalog cluster's {@code ledger_directory} table in ledger-postgres.
 *
 * Contract: a ledger has at most one placement at a time, and only ledgers whose creation completed have one
 * (a ledger being created is not placed yet). Implementations may cache placements; a cached answer may be
 * older than the directory only in its version, never point to a cluster the ledger was not on at that
 * version. Implementations throw unchecked exceptions when the directory cannot be read and nothing is cached.
 */
public interface LedgerDirectory {

    /** The ledger's current placement, or empty when no such ledger exists (or its creation is not complete). */
    Optional<Placement> placementOf(UUID ledgerId);
}
