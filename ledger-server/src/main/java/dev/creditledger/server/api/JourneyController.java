package dev.creditledger.server.api;

import dev.creditledger.core.EntryKind;
import dev.creditledger.core.events.EventTopic;
import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.JournalJourneys;
import dev.creditledger.projections.ProjectionJourneys;
import dev.creditledger.projections.ReadModel;
import dev.creditledger.server.LedgerProperties;
import dev.creditledger.server.auth.Caller;
import dev.creditledger.server.events.ProjectionsAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Where a transfer is and how long each step took, from what the journal and the read models recorded
 * (no tracing backend needed): received (the request's arrival), committed (the batch's time, sequence and
 * size), published (per account copy of the entry's event: topic, partition, offset and the record's time)
 * and applied (per read model, when the projector applied it). Any entry id works: a hold, a capture, a
 * reversal. {@code elapsedMs} counts from the arrival. The trace id finds the same journey's spans in a
 * tracing backend, or in {@code GET /v1/admin/traces/{traceId}} under {@code ledger dev}.
 */
@RestController
@RequestMapping("/v1/transfers")
@Tag(name = "Transfers")
public class JourneyController {

    private final JournalJourneys journal;
    private final Optional<ProjectionJourneys> readModels;
    private final String topic;

    public JourneyController(Clusters clusters, ProjectionsAccess projections, LedgerProperties properties) {
        this.journal = new JournalJourneys(clusters);
        this.readModels = projections.dataSource().map(ProjectionJourneys::new);
        this.topic = properties.kafka().configured() ? properties.kafka().settings().topic(EventTopic.TRANSFER) : null;
    }

    public record ReceivedJson(Instant at) {}

    public record CommittedJson(Instant at, long sequence, Integer batchSize, Long elapsedMs) {}

    public record PublishedJson(UUID accountId, long accountVersion, String topic, Integer partition, Long offset, Instant at,
                                Long elapsedMs) {}

    public record AppliedJson(String readModel, boolean applied, Instant at, Long elapsedMs) {}

    public record JourneyJson(UUID transferId, UUID ledgerId, EntryKind kind, String traceId, ReceivedJson received,
                              CommittedJson committed, List<PublishedJson> published, List<AppliedJson> applied,
                              boolean readModelsReadable, boolean complete) {}

    @GetMapping("/{transferId}/journey")
    @Operation(summary = "Where a transfer (any entry) is: received, committed, published to Kafka, applied by each read model, "
            + "with times and the trace id")
    public JourneyJson journey(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                               @PathVariable UUID transferId) {
        var entry = journal.entry(caller.ledgerId(), transferId)
                .orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "no transfer or entry " + transferId));
        var received = entry.receivedAt();
        var context = TraceContext.parse(entry.traceparent());
        var committed = new CommittedJson(entry.createdAt(), entry.seq(), entry.batchSize(), elapsed(received, entry.createdAt()));
        var day = entry.createdAt().atZone(ZoneOffset.UTC).toLocalDate();
        var keys = entry.postings().stream()
                .map(p -> new ProjectionJourneys.PostingKey(p.accountId(), p.accountVersion(), day)).toList();
        List<ProjectionJourneys.PostingApplication> applications = readModels.map(r -> r.applications(caller.ledgerId(), keys))
                .orElse(List.of());
        List<PublishedJson> published = new ArrayList<>();
        for (var a : applications) {
            if (a.offset() != null) {
                published.add(new PublishedJson(a.accountId(), a.accountVersion(), topic, a.partition(), a.offset(), a.publishedAt(),
                        elapsed(received, a.publishedAt())));
            }
        }
        List<AppliedJson> applied = new ArrayList<>();
        for (var model : ReadModel.values()) {
            boolean all = !applications.isEmpty() && applications.stream().allMatch(a -> a.applied(model));
            // The live projector applies a poll to every read model in one transaction: the statements' time is each model's.
            var at = all ? applications.stream().map(ProjectionJourneys.PostingApplication::appliedAt).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElse(null) : null;
            applied.add(new AppliedJson(model.cliName(), all, at, elapsed(received, at)));
        }
        boolean complete = applied.stream().allMatch(AppliedJson::applied);
        return new JourneyJson(transferId, caller.ledgerId(), entry.kind(), context == null ? null : context.traceId(),
                new ReceivedJson(received), committed, published, applied, readModels.isPresent(), complete);
    }

    private static Long elapsed(Instant from, Instant to) {
        return from == null || to == null ? null : Duration.between(from, to).toMillis();
    }
}
