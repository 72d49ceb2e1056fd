package dev.creditledger.server;

import dev.creditledger.core.CommandResult;
import dev.creditledger.postgres.PostedResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the API's writes did, for Micrometer (scraped at /actuator/prometheus; names in docs/operations.md):
 * how long a write waited for its commit ({@code ledger_append_latency_seconds}, a histogram: its p99 is
 * {@code histogram_quantile(0.99, ...)} over the buckets), commands answered from their idempotency key ({@code ledger_commands_replayed_total}), commands the
 * ledger refused by reason ({@code ledger_rejections_total{reason}}), and the entries accepted with their amounts
 * per asset and kind ({@code ledger_entries_total}, {@code ledger_entry_amount_minor_total}). A replay counts only
 * as a replay: it moved nothing.
 */
public final class WriteMetrics {

    private final MeterRegistry registry;
    private final Timer appendLatency;
    private final Counter replays;

    public WriteMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.appendLatency = Timer.builder("ledger.append.latency")
                .description("From a write's submission to the posting engine to its answer (commit or refusal)")
                .publishPercentileHistogram().register(registry);
        this.replays = Counter.builder("ledger.commands.replayed")
                .description("Commands answered from their idempotency key: duplicates, which moved nothing").register(registry);
    }

    /** One submission's results, {@code nanos} after it was submitted. */
    public void answered(List<PostedResult> results, long nanos) {
        appendLatency.record(nanos, TimeUnit.NANOSECONDS);
        for (var posted : results) {
            if (posted.result().replayed()) {
                replays.increment();
                continue;
            }
            switch (posted.result()) {
                case CommandResult.Rejected rejected -> Counter.builder("ledger.rejections")
                        .description("Commands the ledger refused, by reason").tag("reason", rejected.reason().name())
                        .register(registry).increment();
                case CommandResult.Accepted accepted -> {
                    var entry = posted.entry();
                    if (entry != null) {
                        var asset = entry.asset() == null ? "multiple" : entry.asset();
                        var kind = entry.kind().name();
                        Counter.builder("ledger.entries").description("Journal entries accepted from the API, by asset and kind")
                                .tags("asset", asset, "kind", kind).register(registry).increment();
                        Counter.builder("ledger.entry.amount.minor")
                                .description("Minor units moved by the entries accepted from the API, by asset and kind")
                                .tags("asset", asset, "kind", kind).register(registry).increment(entry.amountMinor());
                    }
                }
            }
        }
    }
}
