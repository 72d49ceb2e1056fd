package dev.creditledger.server.api;

import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.CommandValidator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Limits;
import dev.creditledger.core.StoredText;
import dev.creditledger.core.Request;
import dev.creditledger.core.Submission;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.postgres.PostingEngines;
import dev.creditledger.postgres.StorageUnavailableException;
import dev.creditledger.server.TraceContextFilter;
import dev.creditledger.server.WriteMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The path of every write from a controller to the posting engine: resolves the idempotency key
 * (header or body field), validates the command before anything is queued (bad input is answered 400
 * and never stored), submits with the request's trace context, waits up to {@code writeTimeout}, and
 * turns results into responses. Every accepted write answers the ledger sequence it committed at in the
 * {@code Ledger-Seq} header, for read-your-writes queries of the read models ({@code minSeq}).
 */
public final class CommandGateway {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final String SEQ_HEADER = "Ledger-Seq";

    private final PostingEngines engine;
    private final RequestHasher hasher;
    private final Duration writeTimeout;
    private final WriteMetrics metrics;

    public CommandGateway(PostingEngines engine, RequestHasher hasher, Duration writeTimeout, WriteMetrics metrics) {
        this.engine = engine;
        this.hasher = hasher;
        this.writeTimeout = writeTimeout;
        this.metrics = metrics;
    }

    /** The key from the header or the body (they must agree when both are given), or null. */
    public IdempotencyKey idempotency(String header, String bodyKey, String operation, Object body) {
        if (header != null && bodyKey != null && !header.equals(bodyKey)) {
            throw ApiException.validation("the Idempotency-Key header and the idempotencyKey field differ");
        }
        var key = header != null ? header : bodyKey;
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > Limits.IDEMPOTENCY_KEY_LENGTH_MAX || key.chars().anyMatch(Character::isISOControl)
                || !StoredText.storable(key)) {
            throw ApiException.validation("an idempotency key has 1 to IDEMPOTENCY_KEY_LENGTH_MAX "
                    + Limits.IDEMPOTENCY_KEY_LENGTH_MAX + " characters, no control characters and no unpaired surrogate");
        }
        return new IdempotencyKey(key, hasher.hash(operation, body));
    }

    /** Submits one command of the HTTP request being served and waits for its result. */
    public PostedResult submit(UUID ledgerId, IdempotencyKey key, Command command) {
        return submit(new Request(ledgerId, key, command));
    }

    /** Submits one request of the HTTP request being served (its trace context and arrival) and waits for its result. */
    public PostedResult submit(Request request) {
        return submit(request, TraceContextFilter.current(), TraceContextFilter.receivedAt());
    }

    /**
     * Submits one request and waits for its result, for any transport.
     *
     * @param traceparent the W3C trace context the write passes on to its events, or null
     * @param receivedAt  when the request reached the service, or null
     */
    public PostedResult submit(Request request, String traceparent, Instant receivedAt) {
        requireValid(request.command());
        return await(new Submission(List.of(request), false, traceparent, receivedAt)).getFirst();
    }

    /**
     * Submits one request without waiting: the future completes when its batch committed (or failed), or
     * with a {@link StorageUnavailableException} after {@code writeTimeout}, exactly as {@link #submit} would
     * answer. Invalid input and a full queue are thrown at once, before anything is queued. The future
     * completes on the engine's thread: move any work that may take time to another executor.
     */
    public CompletableFuture<PostedResult> submitAsync(Request request, String traceparent, Instant receivedAt) {
        requireValid(request.command());
        return answer(new Submission(List.of(request), false, traceparent, receivedAt)).thenApply(List::getFirst);
    }

    /** Submits several commands as one submission (answered together, in one transaction). */
    public List<PostedResult> submitAll(List<Request> requests, boolean atomic) {
        int batchCommandsMax = engine.settings().batchCommandsMax();
        if (requests.size() > batchCommandsMax) {
            // A submission is one transaction and is never split; this instance is configured for fewer.
            throw ApiException.validation("this service applies at most batchCommandsMax " + batchCommandsMax
                    + " commands per request, got " + requests.size());
        }
        requests.forEach(r -> requireValid(r.command()));
        return await(new Submission(requests, atomic, TraceContextFilter.current(), TraceContextFilter.receivedAt()));
    }

    public static void requireValid(Command command) {
        CommandValidator.validate(command).ifPresent(v -> {
            throw ApiException.of(v);
        });
    }

    private List<PostedResult> await(Submission submission) {
        try {
            return answer(submission).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("interrupted while waiting for the posting engine", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageUnavailableException("the posting engine failed", e.getCause());
        }
    }

    /**
     * The submission's results, or what a caller is answered instead: after {@code writeTimeout} a
     * {@link StorageUnavailableException} (the write may still commit); the engine's own failures as they are.
     * The engine's future itself is left alone (the timeout applies to a copy).
     */
    private CompletableFuture<List<PostedResult>> answer(Submission submission) {
        long submitted = System.nanoTime();
        return engine.submit(submission).copy().orTimeout(writeTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((results, failure) -> {
                    if (failure == null) {
                        metrics.answered(results, System.nanoTime() - submitted);
                        return results;
                    }
                    var cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (cause instanceof TimeoutException) {
                        throw new StorageUnavailableException("no answer from the posting engine within " + writeTimeout.toMillis()
                                + " ms; the write may still commit, retry with the same idempotency key", cause);
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new StorageUnavailableException("the posting engine failed", cause);
                });
    }

    /** 201 with the body for an accepted result, the problem for a rejected one; marks replays. */
    public static <T> ResponseEntity<Object> respond(PostedResult posted, java.util.function.Function<PostedResult, T> body) {
        var headers = new HttpHeaders();
        if (posted.result().replayed()) {
            headers.set(REPLAYED_HEADER, "true");
        }
        return switch (posted.result()) {
            case CommandResult.Accepted a -> {
                headers.set(SEQ_HEADER, String.valueOf(a.seq()));
                yield new ResponseEntity<>(body.apply(posted), headers, HttpStatus.CREATED);
            }
            case CommandResult.Rejected r -> {
                var problem = Problems.response(ApiException.of(r.reason(), r.detail()));
                headers.putAll(problem.getHeaders());
                yield new ResponseEntity<>(problem.getBody(), headers, problem.getStatusCode());
            }
        };
    }
}
