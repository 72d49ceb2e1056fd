package dev.creditledger.core.saga;

import java.time.Instant;
import java.util.Map;

/**
 * The state machine of a transfer between ledgers (ADR 0021), pure: from the saga's status and what is known of
 * each step, the next thing to do. The runner does it, records the outcome, and asks again.
 *
 * <pre>
 * PENDING:       RESERVE (refused: FAILED) → CREDIT (refused, or deadline passed: COMPENSATING) → CAPTURE → COMPLETED
 * COMPENSATING:  CHECK_CREDIT (asks the destination by the credit's key: done means go on with CAPTURE; never
 *                done means it never will be, since the credit is not attempted again) → VOID → COMPENSATED
 * </pre>
 * A credit that was done is never undone: once the destination holds the money the saga only moves forward, and
 * the hold it captures never expires, so the capture cannot be refused.
 */
public final class CrossLedgerTransferPlan {

    /** What the runner does next. */
    public enum Action {
        RESERVE, CREDIT, CAPTURE, VOID,
        /** Ask the destination ledger whether the credit's key was accepted, without attempting the credit. */
        CHECK_CREDIT,
        /** Set the status to COMPENSATING and plan again. */
        START_COMPENSATING,
        /** Set the status to the final one given by {@link #finalStatus}. */
        FINISH
    }

    private CrossLedgerTransferPlan() {}

    public static Action next(SagaStatus status, Map<SagaStep, StepState> steps, Instant now, Instant deadline) {
        var reserve = steps.getOrDefault(SagaStep.RESERVE, StepState.PENDING);
        var credit = steps.getOrDefault(SagaStep.CREDIT, StepState.PENDING);
        var capture = steps.getOrDefault(SagaStep.CAPTURE, StepState.PENDING);
        var voided = steps.getOrDefault(SagaStep.VOID, StepState.PENDING);
        return switch (status) {
            case COMPLETED, COMPENSATED, FAILED -> throw new IllegalStateException("a " + status + " saga has nothing left to do");
            case PENDING -> switch (reserve) {
                case PENDING -> Action.RESERVE;
                case REFUSED -> Action.FINISH;
                case DONE -> switch (credit) {
                    case PENDING -> now.isBefore(deadline) ? Action.CREDIT : Action.START_COMPENSATING;
                    case REFUSED -> Action.START_COMPENSATING;
                    case DONE -> capture == StepState.DONE ? Action.FINISH : Action.CAPTURE;
                };
            };
            case COMPENSATING -> switch (credit) {
                case PENDING -> Action.CHECK_CREDIT;
                case DONE -> capture == StepState.DONE ? Action.FINISH : Action.CAPTURE;
                case REFUSED -> voided == StepState.PENDING ? Action.VOID : Action.FINISH;
            };
        };
    }

    /** The status a saga ends with when {@link #next} says FINISH. */
    public static SagaStatus finalStatus(SagaStatus status, Map<SagaStep, StepState> steps) {
        if (steps.getOrDefault(SagaStep.RESERVE, StepState.PENDING) == StepState.REFUSED) {
            return SagaStatus.FAILED;
        }
        if (steps.getOrDefault(SagaStep.CAPTURE, StepState.PENDING) == StepState.DONE) {
            return SagaStatus.COMPLETED;
        }
        if (steps.getOrDefault(SagaStep.VOID, StepState.PENDING) != StepState.PENDING) {
            return SagaStatus.COMPENSATED;
        }
        throw new IllegalStateException("a " + status + " saga with steps " + steps + " is not finished");
    }
}
