package dev.creditledger.core.events;

/**
 * The three event streams. Each becomes one Kafka topic named {@code <prefix>.<name>.v1}; the prefix is
 * configuration ({@code ledger} unless set), the version changes only with an incompatible schema.
 */
public enum EventTopic {
    /** Accounts opened and closed. */
    ACCOUNT("account"),
    /** Transfers and holds: posted, placed, captured, voided, expired, reversed. */
    TRANSFER("transfer"),
    /** Multi-leg entries. */
    ENTRY("entry");

    public static final String DEFAULT_PREFIX = "ledger";
    public static final int VERSION = 1;

    private final String streamName;

    EventTopic(String streamName) {
        this.streamName = streamName;
    }

    public String topicName(String prefix) {
        return prefix + "." + streamName + ".v" + VERSION;
    }
}
