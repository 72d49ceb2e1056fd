package dev.creditledger.server;

import dev.creditledger.postgres.EngineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Publishes the posting engine's batches to Micrometer (scraped at /actuator/prometheus). */
public final class EngineMetrics implements EngineListener {
    private final Timer batchDuration;
    private final DistributionSummary batchCommands;
    private final Counter committedCommands;
    private final Counter failedBatches;
    private final Counter retriedBatches;

    public EngineMetrics(MeterRegistry registry) {
        batchDuration = Timer.builder("ledger.batch.duration").description("One batch transaction, from first lock to commit")
                .publishPercentileHistogram().register(registry);
        batchCommands = DistributionSummary.builder("ledger.batch.commands").description("Commands per batch transaction")
                .publishPercentileHistogram().register(registry);
        committedCommands = Counter.builder("ledger.commands.committed").description("Commands in committed batches (accepted or rejected)")
                .register(registry);
        failedBatches = Counter.builder("ledger.batch.failures").description("Batch transactions that failed; nothing of them committed")
                .register(registry);
        retriedBatches = Counter.builder("ledger.batch.retries")
                .description("Batch transactions run again after a transient failure before their commit").register(registry);
    }

    @Override
    public void batchCommitted(int submissions, int commands, long durationNanos) {
        batchDuration.record(durationNanos, TimeUnit.NANOSECONDS);
        batchCommands.record(commands);
        committedCommands.increment(commands);
    }

    @Override
    public void batchFailed(int submissions, int commands, Throwable cause) {
        failedBatches.increment();
    }

    @Override
    public void batchRetried(int submissions, int commands, int attempt, Throwable cause) {
        retriedBatches.increment();
    }
}
