package dev.creditledger.core.saga;

/** What is known of one step: not done yet (or its outcome unknown), done, or refused by its ledger for good. */
public enum StepState {
    PENDING,
    DONE,
    REFUSED
}
