package dev.creditledger.server.api;

import dev.creditledger.projections.DeadLetter;
import dev.creditledger.projections.DeadLetters;
import dev.creditledger.projections.RetryResult;
import dev.creditledger.server.auth.Caller;
import dev.creditledger.server.events.ProjectionsAccess;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Events the projector could not apply: it dead-lettered them (with the reason) and went on with the
 * rest of the partition. The operator lists them and retries one once its cause is fixed. Dead letters
 * cross ledgers, so only the operator key may see them.
 */
@RestController
@RequestMapping("/v1/admin/dead-letters")
@Tag(name = "Administration")
public class DeadLettersController {

    private final ProjectionsAccess projections;

    public DeadLettersController(ProjectionsAccess projections) {
        this.projections = projections;
    }

    public record DeadLettersJson(List<DeadLetter> items) {}

    @GetMapping
    @Operation(summary = "List dead letters, newest first (operator key)")
    public DeadLettersJson list(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller,
                                @RequestParam(required = false) Integer limit) {
        requireOperator(caller);
        int size = limit == null ? dev.creditledger.core.Limits.PAGE_SIZE_DEFAULT : limit;
        if (size < 1 || size > DeadLetters.LIST_LETTERS_MAX) {
            throw ApiException.validation("limit must be between 1 and " + DeadLetters.LIST_LETTERS_MAX);
        }
        return new DeadLettersJson(deadLetters().list(size));
    }

    @PostMapping("/{id}/retry")
    @Operation(summary = "Apply a dead letter again; the answer says RETRIED, ALREADY_RETRIED or FAILED with the new reason (operator key)")
    public RetryResult retry(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable UUID id) {
        requireOperator(caller);
        var result = deadLetters().retry(id);
        if (result.outcome() == RetryResult.Outcome.NOT_FOUND) {
            throw ApiException.of(ApiError.DEAD_LETTER_NOT_FOUND, "no dead letter " + id);
        }
        return result;
    }

    private DeadLetters deadLetters() {
        return projections.deadLetters().orElseThrow(() -> ApiException.of(ApiError.PROJECTIONS_UNAVAILABLE,
                "this instance has no read-model database or Kafka configured"));
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw ApiException.of(ApiError.FORBIDDEN, "dead letters cross ledgers: use the operator key");
        }
    }
}
