package dev.creditledger.server;

import dev.creditledger.postgres.Cluster;
import dev.creditledger.postgres.ClusterVerification;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.DailyCloser;
import dev.creditledger.postgres.ExpiryScans;
import dev.creditledger.postgres.IdempotencyRetention;
import dev.creditledger.postgres.JournalReconciler;
import dev.creditledger.postgres.LedgerVerifier;
import dev.creditledger.postgres.VerificationReport;
import dev.creditledger.projections.ReadModelReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The work done per cluster rather than per ledger (ADR 0020): daily closes, expiry scans, the idempotency purge,
 * reconciliation and verification each run on every cluster on its own, so one cluster's trouble never stops
 * another's. {@link #forLedger} finds the one of a ledger's cluster, for the reads of one ledger (its closes).
 */
public final class ClusterJournals {

    /** What runs on one cluster. */
    public record ClusterJournal(Cluster cluster, DailyCloser closer, ExpiryScans expiry, IdempotencyRetention retention,
                                 JournalReconciler reconciler, LedgerVerifier verifier, Optional<ReadModelReconciler> readModels) {}

    private final Clusters clusters;
    private final List<ClusterJournal> journals = new ArrayList<>();

    ClusterJournals(Clusters clusters, Clock clock, LedgerProperties properties, Optional<DataSource> readModels) {
        this.clusters = clusters;
        for (var cluster : clusters.all()) {
            var dataSource = cluster.dataSource();
            journals.add(new ClusterJournal(cluster,
                    new DailyCloser(dataSource, clock, Duration.ofMillis(properties.closes().graceMs())),
                    new ExpiryScans(dataSource),
                    new IdempotencyRetention(dataSource, clock, Duration.ofDays(properties.idempotency().retentionDays()),
                            LedgerProperties.Idempotency.PURGE_CHUNK_ROWS),
                    new JournalReconciler(dataSource),
                    new LedgerVerifier(dataSource),
                    readModels.map(read -> new ReadModelReconciler(dataSource, read))));
        }
    }

    public List<ClusterJournal> all() {
        return List.copyOf(journals);
    }

    /** The work of the ledger's cluster; LEDGER_NOT_FOUND when the ledger is placed nowhere. */
    public ClusterJournal forLedger(UUID ledgerId) {
        var home = clusters.home(ledgerId).name();
        return journals.stream().filter(j -> j.cluster().name().equals(home)).findFirst().orElseThrow();
    }

    /** Verifies every ledger of every cluster and the directory ({@link ClusterVerification}). */
    public VerificationReport verifyAll() {
        return ClusterVerification.verifyAll(clusters);
    }

    /** Verifies one ledger on its cluster. */
    public VerificationReport verify(UUID ledgerId) {
        return forLedger(ledgerId).verifier().verify(List.of(ledgerId));
    }
}
