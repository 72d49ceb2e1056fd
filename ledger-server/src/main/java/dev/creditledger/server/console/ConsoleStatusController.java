package dev.creditledger.server.console;

import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.PostingEngines;
import dev.creditledger.projections.ProjectionUnavailableException;
import dev.creditledger.server.LedgerProperties;
import dev.creditledger.server.Role;
import dev.creditledger.server.SagaMetrics;
import dev.creditledger.server.auth.Caller;
import dev.creditledger.server.events.EventPipeline;
import dev.creditledger.server.events.ProjectionsAccess;
import dev.creditledger.server.worker.ReconciliationWorker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/admin/status}: what the operator console's status panel shows, in one answer. It reads what the
 * service already measures and computes nothing again: the posting engine's queue and {@link RecentBatches}; the
 * relay's backlog and the projector's lag and read-model sequences from their gauges (which {@code EventMetrics}
 * refreshes every 5 s, so they may be that old); the unresolved dead letters (one count query); the reconciliation
 * worker's health indicator and gauges; the instance's actuator health. A role this instance does not run is
 * reported {@code NOT_RUNNING}, never as an error, and its figures are null.
 *
 * <p>The operator key sees the whole instance. A ledger admin key sees the instance's figures too (they are about
 * the process, not about any ledger's data) but, where a figure belongs to ledgers, only its own ledger's part:
 * the reconciliation findings that name its ledger, its ledger's read-model progress, and no dead letters (they
 * cross ledgers; {@code GET /v1/admin/dead-letters} is the operator's). The interceptor answers 401 without a key
 * and 403 for a read or write key.
 */
@RestController
@Tag(name = "Administration")
public class ConsoleStatusController {

    private final LedgerProperties properties;
    private final PostingEngines engine;
    private final RecentBatches batches;
    private final EventPipeline pipeline;
    private final ProjectionsAccess projections;
    private final ReconciliationWorker reconciliation;
    private final LedgerAdmin admin;
    private final MeterRegistry registry;
    private final ObjectProvider<HealthEndpoint> health;
    private final Clock clock;
    private final SagaMetrics sagas;

    public ConsoleStatusController(LedgerProperties properties, PostingEngines engine, RecentBatches batches,
                                   EventPipeline pipeline, ProjectionsAccess projections, ReconciliationWorker reconciliation,
                                   LedgerAdmin admin, MeterRegistry registry, ObjectProvider<HealthEndpoint> health, Clock clock,
                                   SagaMetrics sagas) {
        this.sagas = sagas;
        this.properties = properties;
        this.engine = engine;
        this.batches = batches;
        this.pipeline = pipeline;
        this.projections = projections;
        this.reconciliation = reconciliation;
        this.admin = admin;
        this.registry = registry;
        this.health = health;
        this.clock = clock;
    }

    /** Status of a role: {@code UP}, {@code DOWN}, {@code OUT_OF_SERVICE} (actuator's words) or {@code NOT_RUNNING}. */
    public record RoleJson(String role, boolean running, String status, String detail) {}

    public record EngineJson(int queueDepth, int queueSubmissionsMax, int batchCommandsMax, List<RecentBatches.Batch> recentBatches) {}

    /** The event log's lag: null figures when this instance runs no relay (the gauges measure only there). */
    public record EventLogJson(boolean relayRunning, Long backlogChanges, Double backlogAgeSeconds) {}

    public record PartitionLagJson(String topic, int partition, long lag) {}

    public record ReadModelJson(String readModel, long lastSeq) {}

    /** One ledger's read-model progress: the journal's last sequence and the read models' watermark. */
    public record LedgerProgressJson(UUID ledgerId, long lastSeq, long projectedSeq) {}

    /**
     * @param lagRecords the projector's consumer lag over all partitions; one consumer applies every read model in
     *                   the same transaction, so it is the lag of each read model
     */
    public record ProjectionsJson(boolean projectorRunning, Long lagRecords, List<PartitionLagJson> partitions,
                                  List<ReadModelJson> readModels, LedgerProgressJson ledger) {}

    /** @param unresolved null when not visible to the caller (a ledger admin) or when this instance has no dead letters */
    public record DeadLettersJson(Long unresolved, String detail) {}

    public record ReconciliationJson(boolean running, String status, Long mismatches, Double lastCleanAgeSeconds,
                                     String lastPassAt, List<String> journalDifferences, List<String> readModelDifferences) {}

    /** Transfers between ledgers unfinished past their deadline (ADR 0021); null for a ledger admin key (they cross ledgers). */
    public record SagasJson(@io.swagger.v3.oas.annotations.media.Schema(nullable = true) Long stuck) {}

    /** @param scope {@code SERVICE} for the operator key, {@code LEDGER} for a ledger admin key (then {@code ledgerId}) */
    public record StatusJson(Instant at, String scope, UUID ledgerId, String health, List<RoleJson> roles, EngineJson engine,
                             EventLogJson eventLog, ProjectionsJson projections, DeadLettersJson deadLetters,
                             ReconciliationJson reconciliation, SagasJson sagas) {}

    @GetMapping("/v1/admin/status")
    @Operation(summary = "What the operator console shows: roles, queue, recent batches, event-log backlog, consumer lag, "
            + "dead letters, reconciliation (operator key, or a ledger admin key for its ledger's part)")
    public StatusJson status(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller) {
        UUID ledger = caller.operator() ? null : caller.ledgerId();
        var reconciliationJson = reconciliation(ledger);
        return new StatusJson(clock.instant(), ledger == null ? "SERVICE" : "LEDGER", ledger, overallHealth(),
                roles(reconciliationJson), engineJson(), eventLog(), projectionsJson(ledger), deadLetters(ledger), reconciliationJson,
                new SagasJson(ledger == null ? sagas.stuckTotal() : null));
    }

    private String overallHealth() {
        var endpoint = health.getIfAvailable();
        return endpoint == null ? Status.UNKNOWN.getCode() : endpoint.health().getStatus().getCode();
    }

    private List<RoleJson> roles(ReconciliationJson reconciliationJson) {
        List<RoleJson> roles = new ArrayList<>();
        for (var role : Role.values()) {
            String name = role.name().toLowerCase(Locale.ROOT);
            if (!properties.runs(role)) {
                roles.add(new RoleJson(name, false, "NOT_RUNNING", "this instance does not run the " + name + " role"));
                continue;
            }
            roles.add(switch (role) {
                case API -> new RoleJson(name, true, Status.UP.getCode(), "answering; " + engine.queueDepth() + " writes queued");
                case RELAY -> new RoleJson(name, true, pipelineStatus(), "publishes the journal's changes to Kafka");
                case PROJECTOR -> new RoleJson(name, true, pipelineStatus(), "applies the events to the read models");
                case WORKER -> reconciliationJson.running()
                        ? new RoleJson(name, true, reconciliationJson.status(), "expiry, daily closes; reconciliation " + reconciliationJson.status())
                        : new RoleJson(name, true, Status.UP.getCode(), "expiry, daily closes; reconciliation is turned off");
            });
        }
        return roles;
    }

    private String pipelineStatus() {
        return pipeline.isRunning() ? Status.UP.getCode() : Status.DOWN.getCode();
    }

    private EngineJson engineJson() {
        var settings = engine.settings();
        return new EngineJson(engine.queueDepth(), settings.queueSubmissionsMax(), settings.batchCommandsMax(), batches.newestFirst());
    }

    private EventLogJson eventLog() {
        if (!properties.runs(Role.RELAY)) {
            return new EventLogJson(false, null, null);
        }
        Double changes = gaugeValue("ledger.relay.backlog.changes");
        return new EventLogJson(true, changes == null ? null : changes.longValue(), gaugeValue("ledger.relay.backlog.age.seconds"));
    }

    private ProjectionsJson projectionsJson(UUID ledger) {
        LedgerProgressJson progress = null;
        if (ledger != null) {
            var queries = projections.queries();
            var journal = admin.ledger(ledger);
            if (queries.isPresent() && journal.isPresent()) {
                try {
                    progress = new LedgerProgressJson(ledger, journal.get().lastSeq(), queries.get().projectedSeq(ledger));
                } catch (RuntimeException unavailable) {
                    // The read-model database is down: the panel shows no progress rather than failing whole.
                }
            }
        }
        if (!properties.runs(Role.PROJECTOR)) {
            return new ProjectionsJson(false, null, List.of(), List.of(), progress);
        }
        List<PartitionLagJson> partitions = gauges("ledger.projection.lag").stream()
                .map(g -> new PartitionLagJson(g.getId().getTag("topic"), Integer.parseInt(g.getId().getTag("partition")), (long) g.value()))
                .sorted(Comparator.comparing(PartitionLagJson::topic).thenComparingInt(PartitionLagJson::partition))
                .toList();
        List<ReadModelJson> models = gauges("ledger.projection.last.seq").stream()
                .map(g -> new ReadModelJson(g.getId().getTag("model"), (long) g.value()))
                .sorted(Comparator.comparing(ReadModelJson::readModel))
                .toList();
        long lag = partitions.stream().mapToLong(PartitionLagJson::lag).sum();
        return new ProjectionsJson(true, lag, partitions, models, progress);
    }

    private DeadLettersJson deadLetters(UUID ledger) {
        if (ledger != null) {
            return new DeadLettersJson(null, "dead letters cross ledgers: the operator key sees them");
        }
        var deadLetters = projections.deadLetters();
        if (deadLetters.isEmpty()) {
            return new DeadLettersJson(null, "this instance has no read-model database or Kafka configured");
        }
        try {
            return new DeadLettersJson(deadLetters.get().unresolvedCount(), null);
        } catch (ProjectionUnavailableException e) {
            return new DeadLettersJson(null, e.getMessage());
        }
    }

    private ReconciliationJson reconciliation(UUID ledger) {
        if (!properties.runs(Role.WORKER) || !properties.reconciliation().enabled()) {
            return new ReconciliationJson(false, "NOT_RUNNING", null, null, null, List.of(), List.of());
        }
        var indicator = reconciliation.health();
        var details = indicator.getDetails();
        var journal = differences(details.get("journalDifferences"), ledger);
        var readModels = differences(details.get("readModelDifferences"), ledger);
        Double mismatches = gaugeValue("ledger.reconciliation.mismatches");
        return new ReconciliationJson(true, indicator.getStatus().getCode(),
                ledger != null ? (long) (journal.size() + readModels.size()) : mismatches == null ? null : mismatches.longValue(),
                gaugeValue("ledger.reconciliation.last.clean.age.seconds"),
                details.get("at") instanceof String at ? at : null, journal, readModels);
    }

    /** The findings as strings; for a ledger admin only those that name its ledger. */
    private static List<String> differences(Object detail, UUID ledger) {
        if (!(detail instanceof Collection<?> all)) {
            return List.of();
        }
        return all.stream().map(String::valueOf).filter(d -> ledger == null || d.contains(ledger.toString())).toList();
    }

    private Double gaugeValue(String name) {
        var gauge = registry.find(name).gauge();
        return gauge == null ? null : gauge.value();
    }

    private Collection<Gauge> gauges(String name) {
        return registry.find(name).gauges();
    }
}
