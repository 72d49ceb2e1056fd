package dev.creditledger.server.api;

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
        problem.setType(URI.create("https://docs.creditledger.dev/problems/" + code.toLowerCase().replace('_', '-')));
        problem.setProperty("code", code);
        return problem;
    }

    public static ResponseEntity<Object> response(ApiException e) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (e.status().value() == 503 || e.status().value() == 429) {
            headers.set(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return new ResponseEntity<>(detail(e.code(), e.status(), e.title(), e.getMessage()), headers, e.status());
    }
}
