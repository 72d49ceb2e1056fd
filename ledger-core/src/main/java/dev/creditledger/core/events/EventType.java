package dev.creditledger.core.events;

import dev.creditledger.core.EntryKind;

/** Every kind of event the ledger publishes: a past-tense fact, its stable type name and its stream. */
public enum EventType {
    ACCOUNT_OPENED("ledger.account.opened", EventTopic.ACCOUNT),
    ACCOUNT_CLOSED("ledger.account.closed", EventTopic.ACCOUNT),
    TRANSFER_POSTED("ledger.transfer.posted", EventTopic.TRANSFER),
    HOLD_PLACED("ledger.hold.placed", EventTopic.TRANSFER),
    HOLD_CAPTURED("ledger.hold.captured", EventTopic.TRANSFER),
    HOLD_VOIDED("ledger.hold.voided", EventTopic.TRANSFER),
    HOLD_EXPIRED("ledger.hold.expired", EventTopic.TRANSFER),
    TRANSFER_REVERSED("ledger.transfer.reversed", EventTopic.TRANSFER),
    GRANT_ISSUED("ledger.grant.issued", EventTopic.TRANSFER),
    GRANT_EXPIRED("ledger.grant.expired", EventTopic.TRANSFER),
    ESCROW_FUNDED("ledger.escrow.funded", EventTopic.TRANSFER),
    ESCROW_RELEASED("ledger.escrow.released", EventTopic.TRANSFER),
    ESCROW_REFUNDED("ledger.escrow.refunded", EventTopic.TRANSFER),
    USAGE_RECORDED("ledger.usage.recorded", EventTopic.TRANSFER),
    ENTRY_POSTED("ledger.entry.posted", EventTopic.ENTRY),
    BALANCE_THRESHOLD_CROSSED("ledger.balance.threshold_crossed", EventTopic.ALERT);

    /** Version of every payload schema and of the topics' names ({@link EventTopic#topicName}); it changes only with an incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    private final String typeName;
    private final EventTopic topic;

    EventType(String typeName, EventTopic topic) {
        this.typeName = typeName;
        this.topic = topic;
    }

    /** The name in the payload's {@code type} field and the CloudEvents {@code ce_type} header. */
    public String typeName() {
        return typeName;
    }

    public EventTopic topic() {
        return topic;
    }

    public static EventType of(EntryKind kind) {
        return switch (kind) {
            case TRANSFER -> TRANSFER_POSTED;
            case HOLD -> HOLD_PLACED;
            case CAPTURE -> HOLD_CAPTURED;
            case VOID -> HOLD_VOIDED;
            case EXPIRY -> HOLD_EXPIRED;
            case REVERSAL -> TRANSFER_REVERSED;
            case ENTRY -> ENTRY_POSTED;
            case GRANT -> GRANT_ISSUED;
            case GRANT_EXPIRY -> GRANT_EXPIRED;
            case ESCROW_FUND -> ESCROW_FUNDED;
            case ESCROW_RELEASE -> ESCROW_RELEASED;
            case ESCROW_REFUND -> ESCROW_REFUNDED;
            case USAGE -> USAGE_RECORDED;
        };
    }

    public static EventType ofTypeName(String typeName) {
        for (var type : values()) {
            if (type.typeName.equals(typeName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type " + typeName);
    }
}
