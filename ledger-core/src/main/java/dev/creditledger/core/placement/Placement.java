package dev.creditledger.core.placement;

import java.util.Objects;

/**
 * Where one ledger lives: the name of its cluster, and the version of that placement. The version starts at 1
 * and grows by one each time the ledger moves, so a cached placement that is older than the directory's can be
 * told apart from the current one (ADR 0020).
 */
public record Placement(String cluster, long version) {
    public Placement {
        Objects.requireNonNull(cluster, "cluster");
        if (version < 1) {
            throw new IllegalArgumentException("a placement version starts at 1: " + version);
        }
    }
}
