package dev.creditledger.server;

import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.kafka.RelaySettings;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.projections.ProjectorSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The service's own settings (prefix {@code ledger}); every one is listed with its default in the
 * README's configuration reference.
 *
 * @param adminKey       the operator key (LEDGER_ADMIN_KEY); without it no one can create ledgers
 * @param writeTimeoutMs longest wait of a write request for its batch, in ms; then 503
 * @param roles          what this process runs (default: all four)
 * @param engine         posting engine limits
 * @param expiry         hold and grant expiry worker
 * @param kafka          where the event topics are; required by the relay and projector roles
 * @param relay          event relay tuning
 * @param projections    the read-model database and the projector
 * @param auth           API key authentication
 * @param rateLimit      per-key rate limits and the throttling of bad keys
 * @param idempotency    how long idempotency keys are remembered
 * @param grpc           the gRPC API's port
 * @param clusterName    the name of the default cluster (LEDGER_DB_URL), which holds the directory (LEDGER_CLUSTER_NAME)
 * @param clusters       the other clusters, {@code name=jdbc-url} separated by ';' (LEDGER_CLUSTERS); none by default
 * @param sagas          transfers between ledgers: their deadline and the worker's pass
 */
@ConfigurationProperties("ledger")
public record LedgerProperties(String adminKey, Long writeTimeoutMs, Set<Role> roles, Engine engine, Expiry expiry,
                               Kafka kafka, Relay relay, Projections projections, Auth auth, RateLimit rateLimit,
                               Idempotency idempotency, Reconciliation reconciliation, Closes closes, Tracing tracing,
                               Grpc grpc, String clusterName, String clusters, Sagas sagas) {

    public static final long WRITE_TIMEOUT_MS_DEFAULT = 30_000;

    public LedgerProperties {
        writeTimeoutMs = writeTimeoutMs == null ? WRITE_TIMEOUT_MS_DEFAULT : writeTimeoutMs;
        roles = roles == null || roles.isEmpty() ? EnumSet.allOf(Role.class) : EnumSet.copyOf(roles);
        engine = engine == null ? new Engine(null, null, null, null) : engine;
        expiry = expiry == null ? new Expiry(null, null, null) : expiry;
        kafka = kafka == null ? new Kafka(null, null, null, null) : kafka;
        relay = relay == null ? new Relay(null, null) : relay;
        projections = projections == null ? new Projections(null, null, null, null, null, null) : projections;
        auth = auth == null ? new Auth(null) : auth;
        rateLimit = rateLimit == null ? new RateLimit(null, null) : rateLimit;
        idempotency = idempotency == null ? new Idempotency(null, null) : idempotency;
        reconciliation = reconciliation == null ? new Reconciliation(null, null, null) : reconciliation;
        closes = closes == null ? new Closes(null, null, null) : closes;
        tracing = tracing == null ? new Tracing(null) : tracing;
        grpc = grpc == null ? new Grpc(null) : grpc;
        clusterName = clusterName == null || clusterName.isBlank() ? dev.creditledger.postgres.Cluster.DEFAULT_NAME : clusterName.strip();
        clusters = clusters == null ? "" : clusters.strip();
        sagas = sagas == null ? new Sagas(null, null, null, null) : sagas;
    }

    public boolean runs(Role role) {
        return roles.contains(role);
    }

    public record Engine(Integer queueSubmissionsMax, Integer batchCommandsMax, Integer batchers, Integer transientRetriesMax) {
        public EngineSettings settings() {
            return new EngineSettings(
                    queueSubmissionsMax == null ? EngineSettings.QUEUE_SUBMISSIONS_MAX_DEFAULT : queueSubmissionsMax,
                    batchCommandsMax == null ? EngineSettings.BATCH_COMMANDS_MAX_DEFAULT : batchCommandsMax,
                    batchers == null ? EngineSettings.BATCHERS_DEFAULT : batchers,
                    transientRetriesMax == null ? EngineSettings.TRANSIENT_RETRIES_MAX_DEFAULT : transientRetriesMax);
        }
    }

    /**
     * @param enabled      run the worker in this process (when it has the worker role)
     * @param intervalMs   pause between scans, in ms
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

    /**
     * @param bootstrapServers  Kafka's bootstrap.servers (LEDGER_KAFKA_BOOTSTRAP); none means no relay or projector
     * @param topicPrefix       topics are {@code <prefix>.account.v1}, {@code .transfer.v1}, {@code .entry.v1}, {@code .alert.v1}
     * @param partitions        partitions of each topic when the relay creates it
     * @param replicationFactor replicas of each topic when the relay creates it (1 only for a single broker)
     */
    public record Kafka(String bootstrapServers, String topicPrefix, Integer partitions, Short replicationFactor) {
        public static final int PARTITIONS_DEFAULT = 8;
        public static final short REPLICATION_FACTOR_DEFAULT = 3;

        public boolean configured() {
            return bootstrapServers != null && !bootstrapServers.isBlank();
        }

        public KafkaSettings settings() {
            return new KafkaSettings(bootstrapServers,
                    topicPrefix == null || topicPrefix.isBlank() ? dev.creditledger.core.events.EventTopic.DEFAULT_PREFIX : topicPrefix,
                    partitions == null ? PARTITIONS_DEFAULT : partitions,
                    replicationFactor == null ? REPLICATION_FACTOR_DEFAULT : replicationFactor);
        }
    }

    /**
     * @param eventsPerClaimMax events published per claim (one ledger at a time)
     * @param idlePollMs        pause when every ledger is published up to its last change, in ms
     */
    public record Relay(Integer eventsPerClaimMax, Long idlePollMs) {
        public RelaySettings settings() {
            var defaults = RelaySettings.defaults();
            return new RelaySettings(
                    eventsPerClaimMax == null ? defaults.eventsPerClaimMax() : eventsPerClaimMax,
                    idlePollMs == null ? defaults.idlePoll() : Duration.ofMillis(idlePollMs),
                    defaults.backoffMax(), defaults.deliveryTimeout());
        }
    }

    /**
     * @param url           JDBC URL of the read-model database (LEDGER_PROJECTIONS_DB_URL), separate from the journal's
     * @param readWaitMsMax longest a query with {@code minSeq} waits for the read models to reach it, in ms
     * @param groupId       the projector's Kafka consumer group
     * @param sessionTimeoutMs how long the group waits for a silent projector before its partitions go to the others, in ms
     */
    public record Projections(String url, String username, String password, Long readWaitMsMax, String groupId, Long sessionTimeoutMs) {
        public static final long READ_WAIT_MS_MAX_DEFAULT = 5_000;

        public Projections {
            readWaitMsMax = readWaitMsMax == null ? READ_WAIT_MS_MAX_DEFAULT : readWaitMsMax;
        }

        public boolean configured() {
            return url != null && !url.isBlank();
        }

        public ProjectorSettings settings() {
            var defaults = ProjectorSettings.defaults();
            return new ProjectorSettings(groupId == null || groupId.isBlank() ? defaults.groupId() : groupId,
                    defaults.pollRecordsMax(), defaults.pollTimeout(), defaults.backoffMax(),
                    sessionTimeoutMs == null ? defaults.sessionTimeout() : Duration.ofMillis(sessionTimeoutMs));
        }
    }

    /**
     * @param keyCacheMs how long a key read from the database is trusted without reading it again, in ms:
     *                   a key revoked through another instance stops working here within this time
     */
    public record Auth(Long keyCacheMs) {
        public Auth {
            keyCacheMs = keyCacheMs == null ? dev.creditledger.server.auth.ApiKeyCache.TTL_DEFAULT.toMillis() : keyCacheMs;
            if (keyCacheMs < 0) {
                throw new IllegalArgumentException("ledger.auth.key-cache-ms must not be negative: " + keyCacheMs);
            }
        }
    }

    /**
     * @param perKeyPerSecond         requests per second a key without a rate of its own may send to one instance
     * @param badKeysPerAddressPerMinute unknown or revoked keys one remote address may present per minute
     *                                before this instance refuses keys it does not know from it (429)
     */
    public record RateLimit(Integer perKeyPerSecond, Integer badKeysPerAddressPerMinute) {
        public static final int PER_KEY_PER_SECOND_DEFAULT = 5_000;
        public static final int BAD_KEYS_PER_ADDRESS_PER_MINUTE_DEFAULT = 60;

        public RateLimit {
            perKeyPerSecond = perKeyPerSecond == null ? PER_KEY_PER_SECOND_DEFAULT : perKeyPerSecond;
            badKeysPerAddressPerMinute = badKeysPerAddressPerMinute == null
                    ? BAD_KEYS_PER_ADDRESS_PER_MINUTE_DEFAULT : badKeysPerAddressPerMinute;
        }
    }

    /**
     * @param retentionDays   days an idempotency key is remembered; a retry after that is a new request
     * @param purgeIntervalMs pause between the worker's purges of older records, in ms
     */
    public record Idempotency(Integer retentionDays, Long purgeIntervalMs) {
        public static final int RETENTION_DAYS_DEFAULT = 30;
        public static final long PURGE_INTERVAL_MS_DEFAULT = 3_600_000;
        /** Records deleted per purge transaction. */
        public static final int PURGE_CHUNK_ROWS = 10_000;

        public Idempotency {
            retentionDays = retentionDays == null ? RETENTION_DAYS_DEFAULT : retentionDays;
            purgeIntervalMs = purgeIntervalMs == null ? PURGE_INTERVAL_MS_DEFAULT : purgeIntervalMs;
            if (retentionDays < 1 || purgeIntervalMs < 1) {
                throw new IllegalArgumentException("ledger.idempotency.retention-days and purge-interval-ms must be positive");
            }
        }
    }

    /**
     * @param enabled        run the reconciliation worker in this process (when it has the worker role)
     * @param intervalMs     pause between passes, in ms: a difference is reported within about this long
     * @param fullIntervalMs how often a pass also runs the whole verifier, in ms
     */
    public record Reconciliation(Boolean enabled, Long intervalMs, Long fullIntervalMs) {
        public static final long INTERVAL_MS_DEFAULT = 10_000;
        public static final long FULL_INTERVAL_MS_DEFAULT = 3_600_000;

        public Reconciliation {
            enabled = enabled == null || enabled;
            intervalMs = intervalMs == null ? INTERVAL_MS_DEFAULT : intervalMs;
            fullIntervalMs = fullIntervalMs == null ? FULL_INTERVAL_MS_DEFAULT : fullIntervalMs;
            if (intervalMs < 1 || fullIntervalMs < 1) {
                throw new IllegalArgumentException("ledger.reconciliation.interval-ms and full-interval-ms must be positive");
            }
        }
    }

    /**
     * @param enabled    close days in this process (when it has the worker role)
     * @param intervalMs pause between looks for days to close, in ms
     * @param graceMs    how long after a day's end it is closed, in ms: longer than any batch can take to commit
     */
    public record Closes(Boolean enabled, Long intervalMs, Long graceMs) {
        public static final long INTERVAL_MS_DEFAULT = 60_000;
        /** Five minutes: a batch commits within the statement timeout (30 s) or not at all. */
        public static final long GRACE_MS_DEFAULT = 300_000;

        public Closes {
            enabled = enabled == null || enabled;
            intervalMs = intervalMs == null ? INTERVAL_MS_DEFAULT : intervalMs;
            graceMs = graceMs == null ? GRACE_MS_DEFAULT : graceMs;
            if (intervalMs < 1 || graceMs < 60_000) {
                throw new IllegalArgumentException("ledger.closes.interval-ms must be positive and grace-ms at least 60000");
            }
        }
    }

    /**
     * Spans kept in memory for the console ({@code ledger.tracing.memory-spans}): 0 (the default) keeps none;
     * {@code ledger dev} keeps {@value #DEV_MEMORY_SPANS}. Exporting is configured apart, by the standard
     * {@code OTEL_EXPORTER_OTLP_ENDPOINT}.
     */
    public record Tracing(Integer memorySpans) {
        public static final int DEV_MEMORY_SPANS = 20_000;
        public static final int MEMORY_SPANS_MAX = 1_000_000;

        public Tracing {
            memorySpans = memorySpans == null ? 0 : memorySpans;
            if (memorySpans < 0 || memorySpans > MEMORY_SPANS_MAX) {
                throw new IllegalArgumentException("ledger.tracing.memory-spans must be between 0 and " + MEMORY_SPANS_MAX);
            }
        }
    }

    /**
     * The gRPC API (docs/grpc.md), served by the api role: {@code ledger.grpc.port} (LEDGER_GRPC_PORT), where 0 (the
     * default of the bare property) serves none. {@code ledger serve} and {@code ledger dev} set it to
     * {@value #PORT_DEFAULT} unless told otherwise ({@code --grpc-port}).
     */
    public record Grpc(Integer port) {
        public static final int PORT_DEFAULT = 9090;
        public static final int PORT_MAX = 65_535;

        public Grpc {
            port = port == null ? 0 : port;
            if (port < 0 || port > PORT_MAX) {
                throw new IllegalArgumentException("ledger.grpc.port must be between 0 (no gRPC API) and " + PORT_MAX + ": " + port);
            }
        }

        public boolean enabled() {
            return port != 0;
        }
    }

    /**
     * Transfers between ledgers (ADR 0021).
     *
     * @param deadlineMs how long after it starts a saga may still credit the destination, in ms; after it, a credit not
     *                   done is not attempted again and the saga compensates (once the destination answers)
     * @param intervalMs pause between the worker's passes over unfinished sagas, in ms
     * @param leaseMs    how long a driver holds a saga before another instance may take it over, in ms (a driver killed
     *                   mid-step delays its saga by at most this)
     * @param haltAfterStep fault injection for {@code ./ledger chaos} only: RESERVE, CREDIT, CAPTURE or VOID; the process
     *                   halts as {@code kill -9} would stop it right after that step took effect, before it is recorded
     */
    public record Sagas(Long deadlineMs, Long intervalMs, Long leaseMs, dev.creditledger.core.saga.SagaStep haltAfterStep) {
        public static final long INTERVAL_MS_DEFAULT = 1_000;

        public Sagas {
            deadlineMs = deadlineMs == null ? dev.creditledger.postgres.SagaRunner.Settings.DEADLINE_DEFAULT.toMillis() : deadlineMs;
            intervalMs = intervalMs == null ? INTERVAL_MS_DEFAULT : intervalMs;
            leaseMs = leaseMs == null ? dev.creditledger.postgres.SagaRunner.Settings.LEASE_DEFAULT.toMillis() : leaseMs;
            if (deadlineMs < 1_000 || intervalMs < 1 || leaseMs < 1_000) {
                throw new IllegalArgumentException("ledger.sagas.deadline-ms and lease-ms are at least 1000, and interval-ms positive");
            }
        }

        public dev.creditledger.postgres.SagaRunner.Settings settings() {
            var defaults = dev.creditledger.postgres.SagaRunner.Settings.defaults();
            var lease = Duration.ofMillis(leaseMs);
            var stepTimeout = defaults.stepTimeout().compareTo(lease.dividedBy(2)) < 0 ? defaults.stepTimeout() : lease.dividedBy(2);
            return new dev.creditledger.postgres.SagaRunner.Settings(Duration.ofMillis(deadlineMs), lease, stepTimeout, defaults.backoff(),
                    haltAfterStep);
        }
    }
}
