package dev.creditledger.server.api;

import dev.creditledger.core.JsonText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Builds RFC 9457 problem responses with the stable {@code code} member every client can branch on. */
public final class Problems {
    private Problems() {}

    public static final String RETRY_AFTER_SECONDS = "1";

    public static ProblemDetail detail(String code, HttpStatusCode status, String title, String detail) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setType(URI.create(typeOf(code)));
        problem.setProperty("code", code);
        return problem;
    }

    /** The problem type URI of a code: its documentation page. */
    public static String typeOf(String code) {
        return "https://docs.creditledger.dev/problems/" + code.toLowerCase().replace('_', '-');
    }

    /**
     * Writes a problem response from a servlet filter, which runs before Spring MVC and its exception
     * handler: the same members (type, title, status, detail, instance, code) as every other problem.
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, ApiError error, String detail)
            throws IOException {
        response.setStatus(error.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        var json = new StringBuilder("{");
        JsonText.string(JsonText.string(json, "type").append(':'), typeOf(error.name())).append(',');
        JsonText.string(JsonText.string(json, "title").append(':'), error.title()).append(',');
        JsonText.string(json, "status").append(':').append(error.status().value()).append(',');
        JsonText.string(JsonText.string(json, "detail").append(':'), detail).append(',');
        JsonText.string(JsonText.string(json, "instance").append(':'), request.getRequestURI()).append(',');
        JsonText.string(JsonText.string(json, "code").append(':'), error.name()).append('}');
        response.getWriter().write(json.toString());
    }

    public static ResponseEntity<Object> response(ApiException e) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e.retryAfter() != null) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (e.retryAfter().toMillis() + 999) / 1000)));
        } else if (e.status().value() == 503 || e.status().value() == 429) {
            headers.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return new ResponseEntity<>(detail(e.code(), e.status(), e.title(), e.getMessage()), headers, e.status());
    }
}
