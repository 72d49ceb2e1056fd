package dev.creditledger.server.worker;

import dev.creditledger.postgres.JournalReconciler;
import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.projections.ReadModelReconciler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reconciles the ledger continuously (worker role): every {@code interval} a pass of the
 * {@link JournalReconciler} (the balances of the accounts written since the last pass, the trial balance per
 * asset, the new sequences, the published mark) and of the {@link ReadModelReconciler} (the balances read model
 * at equal versions); every {@code fullInterval} (the first one a full interval after the start) also the whole
 * {@link LedgerVerifier}. A difference is reported
 * on the pass that finds it:
 * <ul>
 *   <li>{@code ledger_reconciliation_mismatches}: the differences the last pass found;</li>
 *   <li>{@code ledger_reconciliation_last_clean_age_seconds}: how long ago the last pass that found none ended
 *       (-1 before the first);</li>
 *   <li>a WARN line per difference, with the account and the amounts, when it first appears (not again on
 *       every pass while it stays);</li>
 *   <li>this health indicator ({@code reconciliation}, in the readiness group): OUT_OF_SERVICE while the journal
 *       disagrees with itself, so this instance stops taking traffic until an operator looks; a read-model
 *       difference is reported but keeps the instance ready, since the journal, which answers writes, is sound.</li>
 * </ul>
 * What can go wrong: a pass that cannot read a database is logged and counted as failed; the last findings stay.
 */
public final class ReconciliationWorker implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationWorker.class);

    /** What the last pass found. */
    record Findings(List<String> journal, List<String> readModels, Instant at) {
        int size() {
            return journal.size() + readModels.size();
        }
    }

    /** What is reconciled on one cluster: its journal's own checks, its verifier, and the read models against it. */
    public record Cluster(String name, JournalReconciler journal, LedgerVerifier verifier, Optional<ReadModelReconciler> readModels) {}

    private final List<Cluster> clusters;
    private final Clock clock;
    private final Duration fullInterval;
    private final Counter passes;
    private final Counter failedPasses;
    private final AtomicReference<Findings> last = new AtomicReference<>();
    private volatile Instant lastClean;
    private Instant lastFull;
    /** What the last full pass found: part of every pass's findings until the next full pass. */
    private List<String> fullPassDifferences = List.of();
    private Set<String> reported = Set.of();

    public ReconciliationWorker(List<Cluster> clusters, Clock clock, Duration fullInterval, MeterRegistry registry) {
        this.clusters = List.copyOf(clusters);
        this.clock = clock;
        this.fullInterval = fullInterval;
        this.lastFull = clock.instant();
        passes = Counter.builder("ledger.reconciliation.passes").description("Reconciliation passes run").register(registry);
        failedPasses = Counter.builder("ledger.reconciliation.failures").description("Reconciliation passes that could not run")
                .register(registry);
        Gauge.builder("ledger.reconciliation.mismatches", last, f -> f.get() == null ? 0 : f.get().size())
                .description("Differences the last reconciliation pass found (journal and read models)").register(registry);
        Gauge.builder("ledger.reconciliation.last.clean.age.seconds", this,
                        w -> w.lastClean == null ? -1 : Duration.between(w.lastClean, clock.instant()).toMillis() / 1000.0)
                .description("How long ago the last reconciliation pass that found nothing ended; -1 before the first")
                .baseUnit("seconds").register(registry);
    }

    /**
     * One pass over every cluster; the scheduler calls it every interval. A cluster that cannot be read is logged
     * and counted as a failed pass, and the findings of the others are still reported (the unreadable cluster's
     * last findings are not kept: its trouble is its availability, which readiness reports per cluster).
     */
    public synchronized void pass() {
        List<String> journalDifferences = new ArrayList<>();
        List<String> readModelDifferences = new ArrayList<>();
        boolean full = fullPassDue();
        List<String> fullDifferences = new ArrayList<>();
        boolean anyFailed = false;
        for (var cluster : clusters) {
            try {
                journalDifferences.addAll(named(cluster, cluster.journal().pass().differences()));
                if (full) {
                    fullDifferences.addAll(named(cluster, fullPass(cluster)));
                }
                readModelDifferences.addAll(named(cluster, cluster.readModels()
                        .map(r -> r.differences(JournalReconciler.DIFFERENCES_LISTED_MAX)).orElse(List.of())));
            } catch (RuntimeException e) {
                anyFailed = true;
                failedPasses.increment();
                log.warn("reconciliation pass of cluster {} failed, the next one runs in the next interval: {}", cluster.name(), e.getMessage());
            }
        }
        if (full) {
            fullPassDifferences = List.copyOf(fullDifferences);
        }
        journalDifferences.addAll(fullPassDifferences);
        var findings = new Findings(List.copyOf(journalDifferences), List.copyOf(readModelDifferences), clock.instant());
        last.set(findings);
        if (!anyFailed) {
            passes.increment();
        }
        report(findings, !anyFailed);
    }

    private List<String> named(Cluster cluster, List<String> differences) {
        return clusters.size() == 1 ? differences : differences.stream().map(d -> "cluster " + cluster.name() + ": " + d).toList();
    }

    /** Logs what appeared; {@code complete}: every cluster was read, so a pass that found nothing counts as clean. */
    private void report(Findings findings, boolean complete) {
        Set<String> now = new HashSet<>(findings.journal());
        now.addAll(findings.readModels());
        for (var difference : findings.journal()) {
            if (!reported.contains(difference)) {
                log.warn("reconciliation: the journal disagrees with itself: {}", difference);
            }
        }
        for (var difference : findings.readModels()) {
            if (!reported.contains(difference)) {
                log.warn("reconciliation: a read model disagrees with the journal: {}", difference);
            }
        }
        if (now.isEmpty() && complete) {
            if (!reported.isEmpty()) {
                log.info("reconciliation: clean again");
            }
            lastClean = findings.at();
        }
        reported = now;
    }

    /**
     * The whole verifier, once every full interval (the first a full interval after the start, so that instances
     * starting together do not all verify the whole journal at once); what it finds stays among the findings
     * until the next full pass. Its failure on a cluster does not stop the pass: the cheap checks still report, and the full
     * pass waits for the next interval rather than running every pass.
     */
    private boolean fullPassDue() {
        var now = clock.instant();
        if (now.isBefore(lastFull.plus(fullInterval))) {
            return false;
        }
        lastFull = now;
        return true;
    }

    private List<String> fullPass(Cluster cluster) {
        try {
            return cluster.verifier().verifyAll().differences();
        } catch (RuntimeException e) {
            failedPasses.increment();
            log.warn("full reconciliation (the verifier) of cluster {} failed, it runs again in {}: {}", cluster.name(), fullInterval,
                    e.getMessage());
            return List.of();
        }
    }

    /** The last pass's findings, or null before the first. */
    public Findings lastFindings() {
        return last.get();
    }

    @Override
    public Health health() {
        var findings = last.get();
        if (findings == null) {
            return Health.up().withDetail("passes", "none yet").build();
        }
        var builder = findings.journal().isEmpty() ? Health.up() : Health.outOfService();
        return builder.withDetail("at", findings.at().toString()).withDetail("journalDifferences", findings.journal())
                .withDetail("readModelDifferences", findings.readModels()).build();
    }
}
