package dev.creditledger.core;

/** A named reason with a sentence about the particular case, e.g. which account or which limit. */
public record Violation(Reason reason, String detail) {}
