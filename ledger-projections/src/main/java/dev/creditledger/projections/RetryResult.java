package dev.creditledger.projections;

import java.util.UUID;

/**
 * The answer to {@link DeadLetters#retry}.
 *
 * @param reason why the retry failed (also stored on the dead letter), or null
 */
public record RetryResult(UUID deadLetterId, Outcome outcome, String reason) {

    public enum Outcome {
        /** The event was applied (or found already applied) and the dead letter is marked RETRIED. */
        RETRIED,
        /** It still cannot be applied; the new reason is stored. */
        FAILED,
        /** No dead letter has this id. */
        NOT_FOUND,
        /** The dead letter was retried successfully before; nothing was done. */
        ALREADY_RETRIED
    }

    public boolean retried() {
        return outcome == Outcome.RETRIED;
    }
}
