package dev.creditledger.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Rendezvous placement: deterministic, independent of the clusters' order, even, and stable when a cluster is added. */
class RendezvousPlacementTest {

    private static final List<String> THREE = List.of("main", "c2", "c3");

    @Test
    void theWeightIsTheDocumentedDigest() throws Exception {
        var ledger = UUID.fromString("0190c4d6-7f3a-7b2e-9c1d-4e5f60718293");
        // Recomputed from ADR 0020's words: the first 8 bytes of SHA-256(cluster name, a zero byte, the ledger id's 16 bytes).
        var digest = MessageDigest.getInstance("SHA-256");
        digest.update("c2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        digest.update(new byte[] {0});
        digest.update(ByteBuffer.allocate(16).putLong(ledger.getMostSignificantBits()).putLong(ledger.getLeastSignificantBits()).array());
        assertThat(RendezvousPlacement.weight("c2", ledger)).isEqualTo(ByteBuffer.wrap(digest.digest()).getLong());
    }

    @Test
    void everyOrderOfTheClustersGivesTheSameAnswer() {
        var random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            var ledger = new UUID(random.nextLong(), random.nextLong());
            var shuffled = new ArrayList<>(THREE);
            java.util.Collections.shuffle(shuffled, random);
            assertThat(RendezvousPlacement.choose(ledger, shuffled)).isEqualTo(RendezvousPlacement.choose(ledger, THREE));
        }
    }

    @Test
    void ledgersSpreadEvenlyAndAnAddedClusterTakesOnlyItsShare() {
        var random = new Random(11);
        int ledgers = 30_000;
        Map<String, Integer> counts = new HashMap<>();
        int moved = 0;
        var four = List.of("main", "c2", "c3", "c4");
        for (int i = 0; i < ledgers; i++) {
            var ledger = new UUID(random.nextLong(), random.nextLong());
            var before = RendezvousPlacement.choose(ledger, THREE);
            counts.merge(before, 1, Integer::sum);
            var after = RendezvousPlacement.choose(ledger, four);
            if (!after.equals(before)) {
                assertThat(after).as("a ledger that changes its cluster goes to the new one").isEqualTo("c4");
                moved++;
            }
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(THREE);
        counts.values().forEach(n -> assertThat(n).isBetween(ledgers / 3 - 600, ledgers / 3 + 600));
        assertThat(moved).as("about a quarter of new ledgers go to a fourth cluster").isBetween(ledgers / 4 - 600, ledgers / 4 + 600);
    }

    @Test
    void oneClusterTakesEverythingAndNoneIsRefused() {
        var ledger = UUID.randomUUID();
        assertThat(RendezvousPlacement.choose(ledger, List.of("main"))).isEqualTo("main");
        assertThatThrownBy(() -> RendezvousPlacement.choose(ledger, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new HashSet<>(List.of(RendezvousPlacement.choose(ledger, THREE)))).hasSize(1);
    }

    @Test
    void aPlacementVersionStartsAtOne() {
        assertThat(new Placement("main", 1).version()).isEqualTo(1);
        assertThatThrownBy(() -> new Placement("main", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
