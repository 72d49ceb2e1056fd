package dev.creditledger.postgres;

import dev.creditledger.core.Submission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One posting engine per cluster (ADR 0020), and the routing of each submission to the engine of its ledger's
 * cluster. Each engine has its own queue, batchers and connection pool, so a cluster that does not answer fills
 * and blocks only its own engine: the ledgers of the other clusters keep their rate.
 */
public final class PostingEngines implements AutoCloseable {

    private final Clusters clusters;
    private final Map<String, PostgresPostingEngine> byCluster = new LinkedHashMap<>();

    /** Makes the engine of each cluster with {@code engineOf}. */
    public PostingEngines(Clusters clusters, Function<Cluster, PostgresPostingEngine> engineOf) {
        this.clusters = clusters;
        for (var cluster : clusters.all()) {
            byCluster.put(cluster.name(), engineOf.apply(cluster));
        }
    }

    /**
     * Queues a submission on its ledger's engine ({@link PostgresPostingEngine#submit}); a ledger placed nowhere
     * fails the future with LEDGER_NOT_FOUND.
     */
    public CompletableFuture<List<PostedResult>> submit(Submission submission) {
        Cluster home;
        try {
            home = clusters.home(submission.ledgerId());
        } catch (LedgerRejection | StorageUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        return byCluster.get(home.name()).submit(submission).exceptionallyCompose(failure -> {
            var cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof LedgerMovedException) {
                // The copy this instance routed to was fenced by a move: read the directory again, and if the ledger now
                // lives elsewhere, submit there once (nothing was written by the refused batch).
                clusters.directory().forget(submission.ledgerId());
                var now = clusters.directory().placementOf(submission.ledgerId());
                if (now.isPresent() && !now.get().cluster().equals(home.name())) {
                    return byCluster.get(now.get().cluster()).submit(submission);
                }
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    /** The settings every engine shares. */
    public EngineSettings settings() {
        return byCluster.values().iterator().next().settings();
    }

    /** Submissions waiting, over every cluster's engine. */
    public int queueDepth() {
        return byCluster.values().stream().mapToInt(PostgresPostingEngine::queueDepth).sum();
    }

    /** Submissions waiting in one cluster's engine. */
    public int queueDepth(String cluster) {
        return byCluster.get(cluster).queueDepth();
    }

    /** Stops every engine (each finishes what it has queued). */
    @Override
    public void close() {
        byCluster.values().forEach(PostgresPostingEngine::close);
    }
}
