package dev.creditledger.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sagas' metrics (ADR 0021): {@code ledger_sagas_stuck{cluster}}, unfinished sagas past their deadline (waiting
 * for a cluster that does not answer), refreshed every few seconds; {@code ledger_sagas_driven_total}, sagas the
 * worker's passes drove. As the {@code sagas} health indicator it stays UP and gives the stuck count per cluster: a
 * stuck saga holds a reserve, not the service.
 */
public final class SagaMetrics implements HealthIndicator {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> stuck = new ConcurrentHashMap<>();
    private final Counter driven;

    SagaMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.driven = Counter.builder("ledger.sagas.driven").description("Sagas the worker's passes drove").register(registry);
    }

    void refresh(Map<String, Long> stuckPerCluster) {
        stuckPerCluster.forEach((cluster, count) -> stuck.computeIfAbsent(cluster, name -> {
            var value = new AtomicLong();
            Gauge.builder("ledger.sagas.stuck", value, AtomicLong::get).tag("cluster", name)
                    .description("Unfinished sagas past their deadline, waiting for a cluster that does not answer").register(registry);
            return value;
        }).set(count));
    }

    /** The stuck sagas last counted, over every cluster. */
    public long stuckTotal() {
        return stuck.values().stream().mapToLong(AtomicLong::get).sum();
    }

    @Override
    public Health health() {
        Map<String, Object> details = new java.util.TreeMap<>();
        stuck.forEach((cluster, count) -> details.put(cluster, count.get()));
        return Health.up().withDetail("stuckTotal", stuckTotal()).withDetail("stuckPerCluster", details).build();
    }

    void driven(int sagas) {
        driven.increment(sagas);
    }
}
