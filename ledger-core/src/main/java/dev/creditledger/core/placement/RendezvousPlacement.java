package dev.creditledger.core.placement;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.UUID;

/**
 * Where a new ledger goes when the operator names no cluster: rendezvous (highest random weight) hashing of the
 * ledger id over the cluster names. Every instance computes the same answer from the same list, in any order; a
 * cluster added later takes about 1/N of the new ledgers and moves none of the old (their placement is in the
 * directory, not recomputed). The weight of a cluster is the first 8 bytes of SHA-256(cluster name, 0, ledger id),
 * so it is documented and recomputable (ADR 0020).
 */
public final class RendezvousPlacement {

    private RendezvousPlacement() {}

    /** The cluster of {@code clusterNames} with the highest weight for the ledger; ties go to the smaller name. */
    public static String choose(UUID ledgerId, Collection<String> clusterNames) {
        if (clusterNames.isEmpty()) {
            throw new IllegalArgumentException("no cluster to place a ledger on");
        }
        String best = null;
        long bestWeight = 0;
        for (var name : clusterNames) {
            long weight = weight(name, ledgerId);
            if (best == null || Long.compareUnsigned(weight, bestWeight) > 0
                    || (weight == bestWeight && name.compareTo(best) < 0)) {
                best = name;
                bestWeight = weight;
            }
        }
        return best;
    }

    /** The unsigned weight of a cluster for a ledger. */
    static long weight(String clusterName, UUID ledgerId) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(clusterName.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(ByteBuffer.allocate(16).putLong(ledgerId.getMostSignificantBits())
                    .putLong(ledgerId.getLeastSignificantBits()).array());
            return ByteBuffer.wrap(digest.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
