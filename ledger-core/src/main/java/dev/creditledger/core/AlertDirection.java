package dev.creditledger.core;

/** Which way an account's available balance crossed one of its alert thresholds. */
public enum AlertDirection {
    /** From at or above the threshold to below it. */
    DOWN,
    /** From below the threshold back to at or above it. */
    UP
}
