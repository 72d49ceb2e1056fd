package dev.creditledger.postgres;

/** What an API key of a ledger may do. Each role includes the ones before it. */
public enum ApiKeyRole {
    /** Queries only. */
    READ,
    /** Queries and every money-moving command. */
    WRITE,
    /** Also manages the ledger's keys and assets and runs verification of the ledger. */
    ADMIN;

    public boolean allows(ApiKeyRole needed) {
        return compareTo(needed) >= 0;
    }
}
