package dev.creditledger.server;

/**
 * What one process of the service does. {@code ledger dev} runs all four; {@code ledger serve --roles}
 * runs any subset, so each can be deployed and scaled on its own. Every role is safe to run in several
 * instances at once: correctness comes from database locks and Kafka consumer groups, not from memory.
 */
public enum Role {
    /** The HTTP API (/v1): writes through the posting engine, queries of the journal and of the read models. */
    API,
    /** Publishes the journal's changes to Kafka as events. */
    RELAY,
    /** Consumes the event topics and maintains the read models. */
    PROJECTOR,
    /** Background work on the journal: hold expiry. */
    WORKER
}
