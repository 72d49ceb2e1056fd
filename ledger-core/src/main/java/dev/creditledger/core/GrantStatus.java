package dev.creditledger.core;

/**
 * Where a grant stands. ACTIVE: some of it is left or reserved by a hold. CONSUMED: all of it was spent.
 * EXPIRED: its expiry moved what was left of it to the breakage account (whatever was spent before).
 */
public enum GrantStatus {
    ACTIVE,
    CONSUMED,
    EXPIRED
}
