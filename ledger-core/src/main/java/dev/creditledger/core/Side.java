package dev.creditledger.core;

/** The side of a posting. A transfer debits its source account and credits its destination account. */
public enum Side {
    DEBIT,
    CREDIT;

    public Side opposite() {
        return this == DEBIT ? CREDIT : DEBIT;
    }
}
