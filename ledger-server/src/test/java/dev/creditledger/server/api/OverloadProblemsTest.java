package dev.creditledger.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.postgres.QueueFullException;
import dev.creditledger.postgres.StorageUnavailableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** Overload and storage failures answer 503 problems with Retry-After, whether thrown directly or from a future. */
class OverloadProblemsTest {
    private final ApiExceptionHandler handler = new ApiExceptionHandler();

    @Test
    void aFullQueueIs503QueueFullWithRetryAfter() {
        for (var response : java.util.List.of(
                handler.queueFull(new QueueFullException("the posting queue holds queueSubmissionsMax 3 submissions")),
                handler.completion(new CompletionException(new QueueFullException("full"))))) {
            assertThat(response.getStatusCode().value()).isEqualTo(503);
            assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
            assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(((ProblemDetail) response.getBody()).getProperties()).containsEntry("code", "QUEUE_FULL");
        }
    }

    @Test
    void anUnavailableDatabaseIs503StorageUnavailableWithRetryAfter() {
        var response = handler.storage(new StorageUnavailableException("down", new java.sql.SQLException("connection refused")));
        assertThat(response.getStatusCode().value()).isEqualTo(503);
        assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(((ProblemDetail) response.getBody()).getProperties()).containsEntry("code", "STORAGE_UNAVAILABLE");
    }
}
