package dev.creditledger.server;

import dev.creditledger.postgres.EngineSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings (prefix {@code ledger}); every one is listed with its default in the
 * README's configuration reference.
 *
 * @param adminKey      the operator key (LEDGER_ADMIN_KEY); without it no one can create ledgers
 * @param writeTimeoutMs longest wait of a write request for its batch, in ms; then 503
 * @param engine        posting engine limits
 * @param expiry        hold expiry worker
 */
@ConfigurationProperties("ledger")
public record LedgerProperties(String adminKey, Long writeTimeoutMs, Engine engine, Expiry expiry) {

    public static final long WRITE_TIMEOUT_MS_DEFAULT = 30_000;

    public LedgerProperties {
        writeTimeoutMs = writeTimeoutMs == null ? WRITE_TIMEOUT_MS_DEFAULT : writeTimeoutMs;
        engine = engine == null ? new Engine(null, null, null) : engine;
        expiry = expiry == null ? new Expiry(null, null, null) : expiry;
    }

    public record Engine(Integer queueSubmissionsMax, Integer batchCommandsMax, Integer batchers) {
        public EngineSettings settings() {
            return new EngineSettings(
                    queueSubmissionsMax == null ? EngineSettings.QUEUE_SUBMISSIONS_MAX_DEFAULT : queueSubmissionsMax,
                    batchCommandsMax == null ? EngineSettings.BATCH_COMMANDS_MAX_DEFAULT : batchCommandsMax,
                    batchers == null ? EngineSettings.BATCHERS_DEFAULT : batchers);
        }
    }

    /**
     * @param enabled     run the worker in this process
     * @param intervalMs  pause between scans, in ms
     * @param batchSizeMax holds expired per scan at most
     */
    public record Expiry(Boolean enabled, Long intervalMs, Integer batchSizeMax) {
        public static final long INTERVAL_MS_DEFAULT = 1_000;
        public static final int BATCH_SIZE_MAX_DEFAULT = 1_000;

        public Expiry {
            enabled = enabled == null || enabled;
            intervalMs = intervalMs == null ? INTERVAL_MS_DEFAULT : intervalMs;
            batchSizeMax = batchSizeMax == null ? BATCH_SIZE_MAX_DEFAULT : batchSizeMax;
        }
    }
}
