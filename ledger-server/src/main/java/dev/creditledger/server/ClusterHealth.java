package dev.creditledger.server;

import dev.creditledger.postgres.ClusterProbe;
import dev.creditledger.postgres.Clusters;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The state of every cluster, probed on a schedule ({@link #refresh}, every {@code ledger.clusters} probe interval)
 * so that neither the health endpoint nor {@code GET /v1/admin/clusters} waits for a cluster that does not answer.
 * As the {@code clusters} health indicator (in the readiness group) it stays UP when some clusters are down, with
 * each cluster's state in its details: the ledgers of the other clusters are still served, and the down cluster's
 * ledgers answer 503 with Retry-After on their own (ADR 0020).
 */
public final class ClusterHealth implements HealthIndicator {

    private final Clusters clusters;
    private final Clock clock;
    private final AtomicReference<List<ClusterProbe.Status>> last = new AtomicReference<>(List.of());

    ClusterHealth(Clusters clusters, Clock clock) {
        this.clusters = clusters;
        this.clock = clock;
    }

    /** Probes every cluster once, and migrates a cluster that did not answer when this instance started once it does. */
    public void refresh() {
        clusters.migratePending();
        last.set(clusters.all().stream().map(c -> ClusterProbe.probe(c, clock.instant())).toList());
    }

    /** The last probe of every cluster, in configuration order (probed now if never before). */
    public List<ClusterProbe.Status> statuses() {
        if (last.get().isEmpty()) {
            refresh();
        }
        return last.get();
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        for (var status : statuses()) {
            details.put(status.cluster(), !status.up() ? "DOWN: " + status.problem() : status.primary() ? "UP" : "UP (standby, read-only)");
        }
        return Health.up().withDetails(details).build();
    }
}
