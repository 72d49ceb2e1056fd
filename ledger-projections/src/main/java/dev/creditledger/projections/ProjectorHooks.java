package dev.creditledger.projections;

import java.time.Duration;

/**
 * Points inside the projector where tests stop it the way a crash would (by throwing an
 * {@link Error}, which ends the projector's thread without committing anything further), and the
 * one timing a test needs to shorten. Production code uses {@link #NONE}.
 */
interface ProjectorHooks {

    /**
     * After the n-th event of the current batch was applied, inside its transaction. The set-based path
     * applies a batch's events together, so it calls this for n = 1, 2, ... once they all are, before
     * the commit; the event-by-event path calls it after each event.
     */
    default void afterEventApplied(int eventsInBatch) {
    }

    /** After the batch's transaction committed, before its offsets are committed. */
    default void afterDatabaseCommit() {
    }

    default Duration historyStartGrace() {
        return Watermarks.HISTORY_START_GRACE;
    }

    ProjectorHooks NONE = new ProjectorHooks() {
    };
}
