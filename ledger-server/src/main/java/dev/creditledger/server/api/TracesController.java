package dev.creditledger.server.api;

import dev.creditledger.core.trace.TraceSpan;
import dev.creditledger.server.auth.Caller;
import dev.creditledger.server.tracing.SpanExport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The spans of one trace that this instance keeps in memory ({@code ledger.tracing.memory-spans}, which
 * {@code ledger dev} sets), for the console: the request, the queue wait, the batch, the commit, the
 * publication of each event and its application by the projector. Spans cross ledgers (a batch serves many),
 * so only the operator key may read them. In production, traces live in the tracing backend the OTLP
 * exporter feeds.
 */
@RestController
@RequestMapping("/v1/admin/traces")
@Tag(name = "Administration")
public class TracesController {

    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");

    private final SpanExport spans;

    public TracesController(SpanExport spans) {
        this.spans = spans;
    }

    public record SpanJson(String spanId, String parentSpanId, String name, String kind, Instant start, Instant end,
                           double durationMs, Map<String, Object> attributes) {
        static SpanJson of(TraceSpan span) {
            return new SpanJson(span.spanId(), span.parentSpanId(), span.name(), span.kind().name(), span.start(), span.end(),
                    Duration.between(span.start(), span.end()).toNanos() / 1e6, new TreeMap<>(span.attributes()));
        }
    }

    public record TraceJson(String traceId, List<SpanJson> spans) {}

    @GetMapping("/{traceId}")
    @Operation(summary = "The spans of a trace kept in memory by this instance, in start order (operator key)")
    public TraceJson trace(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable String traceId) {
        if (!caller.operator()) {
            throw ApiException.of(ApiError.FORBIDDEN, "traces cross ledgers: use the operator key");
        }
        if (!TRACE_ID.matcher(traceId).matches()) {
            throw ApiException.validation("traceId must be 32 lowercase hexadecimal digits");
        }
        var found = spans.memory().map(m -> m.find(traceId)).orElse(List.of());
        if (found.isEmpty()) {
            throw ApiException.of(ApiError.TRACE_NOT_FOUND, "no span of trace " + traceId + " is kept on this instance");
        }
        return new TraceJson(traceId, found.stream().map(SpanJson::of).toList());
    }
}
