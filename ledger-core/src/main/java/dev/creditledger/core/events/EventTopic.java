package dev.creditledger.core.events;

/**
 * The event streams. Each becomes one Kafka topic named {@code <prefix>.<name>.v<version>}; the prefix is
 * configuration ({@code ledger} unless set), the version is the payloads' {@link EventType#SCHEMA_VERSION}
 * (1 today), which changes only with an incompatible schema. The
 * first three carry every change of the journal and feed the read models; the alert stream carries
 * notifications derived from entries, for whoever watches balances.
 */
public enum EventTopic {
    /** Accounts opened and closed. */
    ACCOUNT("account", true),
    /** Transfers and holds: posted, placed, captured, voided, expired, reversed. */
    TRANSFER("transfer", true),
    /** Multi-leg entries. */
    ENTRY("entry", true),
    /** Low-balance alert thresholds crossed, downwards or back up. */
    ALERT("alert", false);

    public static final String DEFAULT_PREFIX = "ledger";

    private final String streamName;
    private final boolean journal;

    EventTopic(String streamName, boolean journal) {
        this.streamName = streamName;
        this.journal = journal;
    }

    /** True for the streams of journal changes, which the projector reads; false for alerts. */
    public boolean journal() {
        return journal;
    }

    public String topicName(String prefix) {
        return prefix + "." + streamName + ".v" + EventType.SCHEMA_VERSION;
    }
}
