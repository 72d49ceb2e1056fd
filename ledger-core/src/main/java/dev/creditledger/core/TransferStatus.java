package dev.creditledger.core;

/** Where a transfer stands. A transfer posted at once is POSTED from the start; a hold starts PENDING. */
public enum TransferStatus {
    PENDING,
    POSTED,
    VOIDED,
    EXPIRED
}
