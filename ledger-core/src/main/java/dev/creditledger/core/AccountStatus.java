package dev.creditledger.core;

/** Whether an account accepts new postings. A closed account keeps its history and cannot reopen. */
public enum AccountStatus {
    OPEN,
    CLOSED
}
