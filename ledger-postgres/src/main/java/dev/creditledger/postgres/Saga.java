package dev.creditledger.postgres;

import dev.creditledger.core.saga.SagaStatus;
import dev.creditledger.core.saga.SagaStep;
import dev.creditledger.core.saga.StepState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * A transfer between ledgers as its saga row holds it (ADR 0021): what was asked, where it stands, and each step.
 *
 * @param ledgerId       the source ledger, whose cluster keeps the saga
 * @param requestDigest  the digest of the request that started it (a replay with the same key must match it)
 * @param holdId         the id of the hold on the source ledger (the transfer's id as the client sees it)
 * @param creditId       the id of the transfer on the destination ledger
 */
public record Saga(UUID ledgerId, UUID id, SagaStatus status, String idempotencyKey, UUID requestDigest, UUID fromAccount,
                   UUID toLedger, UUID toAccount, long amount, String asset, Map<String, String> metadata, UUID holdId,
                   UUID creditId, Instant deadline, Instant nextAttemptAt, String problemCode, String problemDetail,
                   String traceparent, Instant createdAt, Instant updatedAt, Map<SagaStep, Step> steps) {

    /** One step as recorded: its state, how often and when it was tried, what it wrote, or why it was refused. */
    public record Step(SagaStep step, StepState state, int attempts, Instant firstAt, Instant lastAt, UUID entryLedger,
                       UUID entryId, Long seq, String problemCode, String problemDetail) {}

    public Saga {
        metadata = Map.copyOf(metadata);
        var copy = new EnumMap<SagaStep, Step>(SagaStep.class);
        copy.putAll(steps);
        steps = java.util.Collections.unmodifiableMap(copy);
    }

    /** The state of each step, PENDING for a step never tried. */
    public Map<SagaStep, StepState> stepStates() {
        var states = new EnumMap<SagaStep, StepState>(SagaStep.class);
        steps.forEach((step, record) -> states.put(step, record.state()));
        return states;
    }

    public StepState state(SagaStep step) {
        var record = steps.get(step);
        return record == null ? StepState.PENDING : record.state();
    }
}
