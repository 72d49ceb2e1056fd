package dev.creditledger.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Carries the W3C trace context of each API request to the events it causes. A valid incoming
 * {@code traceparent} header is kept as it is; a missing or malformed one is replaced by a new trace
 * (random trace id and span id, sampled). The value is echoed in the response's {@code traceparent}
 * header and stored with the request's events, so a consumer can continue the trace from HTTP to
 * projection.
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
    /** Version 00: 32 hex trace id and 16 hex parent id, neither all zeros, and 2 hex flags. */
    private static final Pattern VALID = Pattern.compile("00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}");
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        var incoming = request.getHeader(HEADER);
        var traceparent = incoming != null && VALID.matcher(incoming).matches() ? incoming : newTraceparent();
        request.setAttribute(ATTRIBUTE, traceparent);
        response.setHeader(HEADER, traceparent);
        var incomingRequestId = request.getHeader(REQUEST_ID_HEADER);
        var requestId = incomingRequestId != null && VALID_REQUEST_ID.matcher(incomingRequestId).matches()
                ? incomingRequestId : java.util.UUID.randomUUID().toString();
        response.setHeader(REQUEST_ID_HEADER, requestId);
        MDC.put(TRACE_ID, traceparent.substring(3, 35));
        MDC.put(REQUEST_ID, requestId);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(TRACE_ID);
            MDC.remove(REQUEST_ID);
            MDC.remove(LEDGER_ID);
        }
    }

    /** The trace context of the request being served on this thread, or null outside a request. */
    public static String current() {
        var attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null ? null : (String) attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    }

    static String newTraceparent() {
        var traceId = new byte[16];
        var spanId = new byte[8];
        RANDOM.nextBytes(traceId);
        RANDOM.nextBytes(spanId);
        return "00-" + HexFormat.of().formatHex(traceId) + "-" + HexFormat.of().formatHex(spanId) + "-01";
    }
}
