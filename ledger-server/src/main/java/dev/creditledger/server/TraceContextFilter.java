package dev.creditledger.server;

import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.core.trace.TraceSpan;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Carries the W3C trace context of each API request to the events it causes. A valid incoming
 * {@code traceparent} header is kept; a missing or malformed one is replaced by a new trace (random trace
 * id and span id, sampled), and the value is echoed in the response's {@code traceparent} header.
 *
 * When spans are recorded ({@link SpanSink#enabled()}), the request is a server span, child of the incoming
 * context: what the request passes on (stored with its journal rows and events) is that span's context, so
 * the engine's, relay's and projector's spans hang under it. Otherwise the incoming context itself is passed
 * on. Either way the time the request arrived is kept for the transfer's journey ({@link #receivedAt()}).
 *
 * It also names the request in every log line written while it is served: the logging context (MDC) holds
 * {@value #TRACE_ID} and {@value #REQUEST_ID} (a valid incoming {@code X-Request-Id}, else a new one, echoed
 * in the response), and {@link dev.creditledger.server.auth.AuthInterceptor} adds {@value #LEDGER_ID}. JSON
 * logs carry them as fields; all three are removed when the request ends.
 */
public final class TraceContextFilter extends OncePerRequestFilter {

    public static final String HEADER = "traceparent";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String TRACE_ID = "traceId";
    public static final String REQUEST_ID = "requestId";
    public static final String LEDGER_ID = "ledgerId";
    /** A caller's request id is kept when it is 1 to 128 of these characters; otherwise the service makes one. */
    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String ATTRIBUTE = TraceContextFilter.class.getName() + ".traceparent";
    private static final String RECEIVED_AT = TraceContextFilter.class.getName() + ".receivedAt";

    private final SpanSink spans;

    public TraceContextFilter(SpanSink spans) {
        this.spans = spans;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var receivedAt = Instant.now();
        request.setAttribute(RECEIVED_AT, receivedAt);
        var incoming = TraceContext.parse(request.getHeader(HEADER));
        var parent = incoming != null ? incoming : TraceContext.newTrace();
        response.setHeader(HEADER, parent.traceparent());
        var server = spans.enabled() && parent.sampled() ? parent.child() : null;
        request.setAttribute(ATTRIBUTE, (server == null ? parent : server).traceparent());
        var incomingRequestId = request.getHeader(REQUEST_ID_HEADER);
        var requestId = incomingRequestId != null && VALID_REQUEST_ID.matcher(incomingRequestId).matches()
                ? incomingRequestId : java.util.UUID.randomUUID().toString();
        response.setHeader(REQUEST_ID_HEADER, requestId);
        MDC.put(TRACE_ID, parent.traceId());
        MDC.put(REQUEST_ID, requestId);
        try {
            chain.doFilter(request, response);
        } finally {
            if (server != null) {
                try {
                    recordServerSpan(request, response, server, incoming == null ? null : incoming.spanId(), receivedAt);
                } catch (RuntimeException e) {
                    // The request is served: its span must never change its answer.
                    org.slf4j.LoggerFactory.getLogger(TraceContextFilter.class).debug("server span not recorded", e);
                }
            }
            MDC.remove(TRACE_ID);
            MDC.remove(REQUEST_ID);
            MDC.remove(LEDGER_ID);
        }
    }

    /**
     * The request's server span: named by its method and route template (never the ids in its path), with
     * the status, the ledger and the request id.
     */
    private void recordServerSpan(HttpServletRequest request, HttpServletResponse response, TraceContext server,
                                  String parentSpanId, Instant receivedAt) {
        var route = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern
                ? pattern : "unmatched";
        var attributes = new HashMap<String, Object>();
        attributes.put("http.request.method", request.getMethod());
        attributes.put("http.route", route);
        attributes.put("http.response.status_code", (long) response.getStatus());
        attributes.put("ledger.request_id", MDC.get(REQUEST_ID));
        var ledgerId = MDC.get(LEDGER_ID);
        if (ledgerId != null) {
            attributes.put("ledger.id", ledgerId);
        }
        if (response.getStatus() >= 500) {
            attributes.put("error", true);
        }
        spans.record(new TraceSpan(server.traceId(), server.spanId(), parentSpanId, request.getMethod() + " " + route,
                TraceSpan.Kind.SERVER, receivedAt, Instant.now(), attributes));
    }

    /** When the request being served on this thread arrived, or null outside a request. */
    public static Instant receivedAt() {
        var attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null ? null : (Instant) attributes.getAttribute(RECEIVED_AT, RequestAttributes.SCOPE_REQUEST);
    }

    /**
     * The trace context the request being served on this thread passes on (its server span's, when spans are
     * recorded), or null outside a request.
     */
    public static String current() {
        var attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null ? null : (String) attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    }
}
