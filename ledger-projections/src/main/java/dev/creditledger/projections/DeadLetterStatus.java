package dev.creditledger.projections;

/** Where a dead letter stands. */
public enum DeadLetterStatus {
    /** Not applied: the projector went on without it. */
    UNRESOLVED,
    /** Applied later by {@link DeadLetters#retry}. */
    RETRIED
}
